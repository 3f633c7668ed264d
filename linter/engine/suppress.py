"""In-file suppression: ``# smtplint: disable=rule-id[,rule-id]``.

A trailing ``#`` is not a comment in Postfix files, so a directive sits on
its own comment line. It applies to the next parameter or master.cf entry
(all of its lines), or, written inside a multi-line master.cf entry, to
that entry. ``# smtplint: disable-file=rule-id,...`` applies to the whole
file. Ids are matched like skip_list entries (an id also covers its
sub-ids); an unknown id simply matches nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from linter.engine.findings import Finding
from linter.engine.select import base_id
from linter.postfix.syntax import Node, NodeKind

DIRECTIVE = re.compile(r"^\s*#\s*smtplint:\s*(disable|disable-file)\s*=\s*(.*?)\s*$")


@dataclass
class Suppressions:
    """For one file: ids disabled everywhere, and per line range."""

    whole_file: set[str] = field(default_factory=set)
    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)

    def covers(self, finding: Finding) -> bool:
        return self.covers_line(finding.rule, finding.line)

    def covers_line(self, rule: str, line: int) -> bool:
        """Whether ``rule`` is disabled at ``line`` (or in the whole file)."""
        ids = {rule, base_id(rule)}
        if ids & self.whole_file:
            return True
        return any(first <= line <= last and ids & disabled
                   for first, last, disabled in self.ranges)


def parse_directive(text: str) -> tuple[str, frozenset[str]] | None:
    match = DIRECTIVE.match(text)
    if match is None:
        return None
    ids = frozenset(part.strip() for part in match.group(2).split(",") if part.strip())
    return match.group(1), ids


def suppressions(nodes: list[Node]) -> Suppressions:
    """Read the directives of one file from its syntax tree."""
    result = Suppressions()
    pending: set[str] = set()
    for node in nodes:
        if node.kind in (NodeKind.ENTRY, NodeKind.STRAY):
            disabled = set(pending)
            for line in node.lines[1:]:      # directives inside the entry
                disabled |= _directive_ids(line.text, result)
            if disabled:
                result.ranges.append((node.first_line, node.lines[-1].number,
                                      frozenset(disabled)))
            pending = set()
        elif node.kind is NodeKind.COMMENT:
            pending |= _directive_ids(node.lines[0].text, result)
    return result


def _directive_ids(text: str, result: Suppressions) -> set[str]:
    """The ids a line disables for the next entry; disable-file directives
    are recorded on ``result`` directly."""
    directive = parse_directive(text)
    if directive is None:
        return set()
    kind, ids = directive
    if kind == "disable-file":
        result.whole_file |= ids
        return set()
    return set(ids)


def file_suppressions(config) -> dict[str, Suppressions]:
    """Suppressions of a Configuration's files, by normalised path."""
    by_path = {}
    for parsed in (config.main, config.master):
        if parsed is not None:
            by_path[os.path.normpath(parsed.path)] = suppressions(parsed.nodes)
    return by_path


def apply(findings: Iterable[Finding], by_path: dict[str, Suppressions]) -> list[Finding]:
    kept = []
    for finding in findings:
        rules = by_path.get(os.path.normpath(finding.path))
        if rules is None or not rules.covers(finding):
            kept.append(finding)
    return kept
