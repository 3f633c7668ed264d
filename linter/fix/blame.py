"""Which fixes bring a new problem ("fix not applied: it would bring ...").

A trial applies every planned fix but the ones it leaves out and lints the
pair, so trials are what the search costs. For each problem the suspects
are the fixes that edit the service it is about (else main.cf). They are
left out the later findings' first (the earlier fix wins) until the
problem goes, and then each one it does not need is brought back, so a fix
that merely sits beside the culprits is still applied.

Leaving out more fixes never brings a problem back, so the fewest later
suspects to leave out are found by bisection; and the problems are
searched side by side, each trial leaving out a candidate set of every
problem's own suspects at once (the problems of different services do not
depend on each other's fixes). 2,000 services, each with one culprit among
its fixes, take a few dozen trials, not 2,000 searches of one trial per
suspect. What a trial decides wrongly when problems do interfere is
caught by the fix loop, which lints the result again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

Fix = TypeVar("Fix")
# The problems a trial still finds, given the fixes it leaves out.
Trial = Callable[[Iterable], set]


def culprits(problems: dict[Hashable, Sequence[Fix]], trial: Trial) -> dict[Hashable, list[Fix]]:
    """For each problem (key -> its suspects, in finding order) the fixes
    without which it does not appear; all its suspects when leaving them
    all out does not help."""
    later_first = {key: list(reversed(suspects)) for key, suspects in problems.items()}
    found: dict[Hashable, list[Fix]] = {}
    present = trial(fix for suspects in later_first.values() for fix in suspects)
    # Bounds of the prefix to leave out: the first brings the problem, the second not.
    bounds = {}
    for key, suspects in later_first.items():
        if key in present:
            found[key] = list(problems[key])
        else:
            bounds[key] = [0, len(suspects)]
    while True:
        middles = {key: (low + high) // 2 for key, (low, high) in bounds.items()
                   if high - low > 1}
        if not middles:
            break
        present = trial(fix for key, middle in middles.items()
                        for fix in later_first[key][:middle])
        for key, middle in middles.items():
            bounds[key][0 if key in present else 1] = middle
    left_out = {key: later_first[key][:high] for key, (_, high) in bounds.items()}
    # The last one left out is needed: alone, it is usually the only culprit.
    alone = {key: fixes[-1:] for key, fixes in left_out.items() if len(fixes) > 1}
    if alone:
        present = trial(fix for fixes in alone.values() for fix in fixes)
        found.update((key, fixes) for key, fixes in alone.items() if key not in present)
    for key, fixes in left_out.items():
        if key not in found:
            found[key] = _needed(key, fixes, trial)
    return {key: found[key] for key in problems}


def _needed(key: Hashable, left_out: list[Fix], trial: Trial) -> list[Fix]:
    """Bring back, one at a time, each fix the problem does not need."""
    for suspect in left_out[:-1]:
        rest = [fix for fix in left_out if fix is not suspect]
        if key not in trial(rest):
            left_out = rest
    return left_out
