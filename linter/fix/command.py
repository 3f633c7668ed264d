"""``smtplint lint --fix`` / ``--diff`` for the Postfix files.

Runs before the report: the findings are the ones the report would show
(selected rules, suppressions, skip_list and the baseline applied), their
allowed fixes are applied in memory by ``linter.fix.apply``; ``--diff``
prints what would change, ``--fix`` writes it. The report that follows
lints the files as they are then, so it shows what remains.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from linter.engine.findings import Finding
from linter.fix.apply import FixResult, fix_pairs
from linter.fix.compose import FixPolicy
from linter.fix.files import read_texts, unified_diff, write_fixed
from linter.postfix.load import ConfigPaths
from linter.postfix.syntax import ENCODING_ERRORS, paused_gc


@dataclass
class FixOutcome:
    result: FixResult
    diff: str = ""
    errors: list[str] = field(default_factory=list)   # files that could not be written
    unwritten: set[str] = field(default_factory=set)  # their paths

    @property
    def fixed(self) -> int:
        """Findings fixed on disk: not those with an edit in a file that
        could not be written (the report still shows them)."""
        return sum(1 for finding in self.result.fixes
                   if not any(edit.path in self.unwritten for edit in finding.fix.edits))


def run_fix(pairs: Sequence[ConfigPaths], contents: dict[str, bytes],
            lint: Callable, policy: FixPolicy, version: str, write: bool,
            stderr: TextIO) -> FixOutcome:
    """Fix in memory; write the changed files when ``write``, else make the
    diff (``--diff``). Files given on standard input (``contents``) are
    never written."""
    texts, read = read_texts(pairs)
    for path, data in contents.items():
        texts[path] = data.decode("utf-8", ENCODING_ERRORS)
    with paused_gc():  # as lint_pair: the trees have no cycles to collect
        result = fix_pairs(pairs, texts, lint, policy.allows, version)
    changed = result.changed()
    outcome = FixOutcome(result, diff="" if write else unified_diff(result.original, changed))
    for message in result.messages + result.skipped:
        stderr.write(f"smtplint: {message}\n")
    if write:
        failed = write_fixed({p: t for p, t in changed.items() if p not in contents}, read)
        outcome.errors, outcome.unwritten = list(failed.values()), set(failed) | set(contents)
        for error in outcome.errors:
            stderr.write(f"smtplint: error: {error}\n")
    return outcome


def summary(outcome: FixOutcome, remaining: Sequence[Finding], policy: FixPolicy) -> str:
    """The note under the report: how many were fixed, how many remain and
    how many more ``--unsafe-fixes`` would fix."""
    files = len(outcome.result.changed()) - len(outcome.errors)
    text = (f"fixed {outcome.fixed} finding{'s' if outcome.fixed != 1 else ''} in "
            f"{files} file{'s' if files != 1 else ''}; {len(remaining)} remain")
    more = sum(1 for f in remaining if f.fix and f.fix.edits and f.fix.safety == "unsafe"
               and not policy.unsafe)
    if more:
        text += f" ({more} with an unsafe fix: --unsafe-fixes applies them)"
    return text
