"""Two master.cf entries for one listener, from the resolver's diagnostics.

master 3.7 keeps only the last entry of a name and type (the earlier one
is dead text: a warning), and binds two names of one inet socket both, so
connections reach either at random (an error). A block of entries pasted
twice is one finding for the whole run, not one per entry.

Entries separated by template statements are usually alternative
branches (``{% if %}`` / ``{% else %}``) of which only one is rendered,
so those pairs are not judged.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from linter.engine.findings import Finding, Fix, Related
from linter.engine.run import join_names, make_fix, template_fields

SHOWN = 4   # services a run's message names before "..."


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    # The resolver decides what is a duplicate (and leaves alone the pairs
    # with a template statement between them): its diagnostic sits at the
    # first field of the later entry.
    diagnostics = {(diagnostic.line, diagnostic.column): diagnostic
                   for diagnostic in config.diagnostics if diagnostic.code == rule.id}
    index = {id(view): number for number, view in enumerate(config.services)}
    pairs = []
    for view in config.services:
        earlier = config.earlier_duplicate(view)
        if earlier is None:
            continue
        first = view.service.fields[0]
        diagnostic = diagnostics.get((first.line, first.column))
        if diagnostic is not None:
            pairs.append((view, earlier, diagnostic))
    for run in _runs(pairs, index):
        yield _single(rule, scope, *run[0]) if len(run) == 1 else _block(rule, scope, run)


def _runs(pairs: list, index: dict) -> list[list]:
    """Consecutive duplicates of consecutive entries: one pasted block."""
    runs: list[list] = []
    for pair in pairs:
        view, earlier, diagnostic = pair
        if runs:
            last_view, last_earlier, last_diagnostic = runs[-1][-1]
            if (index[id(view)] == index[id(last_view)] + 1
                    and index[id(earlier)] == index[id(last_earlier)] + 1
                    and diagnostic.severity == last_diagnostic.severity):
                runs[-1].append(pair)
                continue
        runs.append([pair])
    return runs


def _related(scope, earlier) -> Related:
    return Related(scope.master_path, earlier.service.line, 1,
                   f"earlier {earlier.service.key}")


def _single(rule, scope, view, earlier, diagnostic) -> Finding:
    return Finding(rule=rule.id, severity=diagnostic.severity, path=diagnostic.path,
                   line=diagnostic.line, column=diagnostic.column,
                   message=diagnostic.message, service=view.service.key,
                   fix=make_fix(rule, scope, view, template_fields(view, None)),
                   tags=rule.tags, related=(_related(scope, earlier),))


def _block(rule, scope, run: list) -> Finding:
    name = os.path.basename(scope.master_path)
    views = [view for view, _, _ in run]
    earliers = [earlier for _, earlier, _ in run]
    later_span = f"{name}:{views[0].service.line}-{views[-1].service.node.lines[-1].number}"
    earlier_span = (f"{name}:{earliers[0].service.line}-"
                    f"{earliers[-1].service.node.lines[-1].number}")
    keys = [view.service.key for view in views]
    shown = join_names(keys) if len(keys) <= SHOWN else ", ".join(keys[:SHOWN]) + ", ..."
    same_names = all(v.service.key == e.service.key for v, e in zip(views, earliers))
    if same_names:
        effect = "master uses only the later entries and ignores the earlier block"
        fix = Fix(f"Delete the earlier block ({earlier_span}), which master ignores, after "
                  "moving into the later entries any option you still need")
    else:
        effect = ("master starts both blocks, and each connection reaches either one at "
                  "random")
        fix = Fix(f"Keep one block of these listeners: delete {earlier_span} or "
                  f"{later_span}, or bind the two to different addresses (host:port)")
    first = run[0][2]
    return Finding(
        rule=rule.id, severity=first.severity, path=first.path, line=first.line,
        column=first.column,
        message=(f"{later_span} repeats the {len(run)} entries of {earlier_span} "
                 f"({shown}): {effect}"),
        service=views[0].service.key, fix=fix, tags=rule.tags,
        related=tuple(_related(scope, earlier) for earlier in earliers))
