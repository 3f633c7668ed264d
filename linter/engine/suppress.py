"""In-file suppression: ``# smtplint: disable=rule-id[,rule-id]``.

A trailing ``#`` is not a comment in Postfix files, so a directive sits on
its own comment line. It applies to the next parameter or master.cf entry
(all of its lines), or, written inside a multi-line master.cf entry, to
that entry. ``# smtplint: disable-file=rule-id,...`` applies to the whole
file. Ids are separated by commas or blanks, and a ``#`` after them
starts a reason (``disable=a, b  # why``). Ids are matched like skip_list
entries (an id also covers its sub-ids). An id that names no rule, and a
``# smtplint:`` comment that is no directive, suppress nothing: the run
says so in a note (``directive_notes``), as ruff does for a bad noqa.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from linter.engine.findings import Finding
from linter.engine.select import base_id
from linter.postfix.syntax import Node, NodeKind

# The list is taken whole and split in Python: a lazy ``(.*?)\s*$`` retries
# the blanks at every position (quadratic on a long run of blanks).
DIRECTIVE = re.compile(r"^\s*#\s*smtplint:\s*(disable|disable-file)\s*=(.*)$", re.IGNORECASE)
# A comment meant as a directive: "# smtplint:" or "# smtplint disable".
ATTEMPT = re.compile(r"^\s*#\s*smtplint\s*(:|disable|enable)", re.IGNORECASE)
ID_SEPARATORS = re.compile(r"[\s,]+")
SHOWN = 5   # unknown ids named in one note


@dataclass
class Suppressions:
    """For one file: ids disabled everywhere, and per line range. The
    ranges are entries' lines, in file order: sorted and disjoint, so the
    one a line can be in is found by bisection (a scan of every range for
    every finding is quadratic when each of 2,000 entries has a directive)."""

    whole_file: set[str] = field(default_factory=set)
    ranges: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)

    def covers(self, finding: Finding) -> bool:
        return self.covers_line(finding.rule, finding.line)

    def covers_line(self, rule: str, line: int) -> bool:
        """Whether ``rule`` is disabled at ``line`` (or in the whole file)."""
        ids = {rule, base_id(rule)}
        if ids & self.whole_file:
            return True
        return not ids.isdisjoint(self.disabled_at(line))

    def disabled_at(self, line: int) -> frozenset[str]:
        """The ids of the range ``line`` is in (none: empty)."""
        index = bisect_right(self.ranges, line, key=itemgetter(0)) - 1
        if index < 0 or self.ranges[index][1] < line:
            return frozenset()
        return self.ranges[index][2]


def parse_directive(text: str) -> tuple[str, frozenset[str]] | None:
    match = DIRECTIVE.match(text)
    if match is None:
        return None
    return match.group(1).lower(), directive_ids(match.group(2))


def directive_ids(text: str) -> frozenset[str]:
    """The ids of a directive's list: up to a ``#`` (the reason), split on
    commas and blanks."""
    return frozenset(part for part in ID_SEPARATORS.split(text.partition("#")[0]) if part)


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
    """The ids a line disables for the next entry."""
    return record(parse_directive(text), result)


def record(directive: tuple[str, frozenset[str]] | None, result: Suppressions) -> set[str]:
    """The ids a directive disables where it stands; a disable-file one's
    are recorded on ``result`` directly."""
    if directive is None:
        return set()
    kind, ids = directive
    if kind == "disable-file":
        result.whole_file |= ids
        return set()
    return set(ids)


def _directive_lines(nodes: list[Node]) -> Iterable:
    """Every line ``suppressions`` reads directives from, in file order."""
    for node in nodes:
        if node.kind in (NodeKind.ENTRY, NodeKind.STRAY):
            yield from node.lines[1:]
        elif node.kind is NodeKind.COMMENT:
            yield node.lines[0]


def directive_notes(config, known_ids: Iterable[str]) -> list:
    """report.Notification notes for directives that suppress nothing: an
    id that names no rule (``known_ids``: every rule, selected or not, and
    the base ids), and a ``# smtplint:`` comment that is no directive.
    Only the offending id is quoted, never the rest of the line."""
    known = frozenset(known_ids)
    found = []
    for parsed in (config.main, config.master):
        if parsed is not None:
            problems = ((line.number, _explained(line.text, known))
                        for line in _directive_lines(parsed.nodes))
            found += bounded_notes(problems, parsed.path)
    return found


# Notes per file: then one more counts the rest (a file of 100,000 bad
# directives is not 100,000 notes, nor 100,000 did-you-mean searches).
MAX_NOTES = 20


def bounded_notes(problems: Iterable, path: str) -> list:
    """Notes for the first MAX_NOTES of ``problems`` ((line, explain):
    explain() says why, None when the line is fine), then a count."""
    from linter.report import Notification

    shown, more = [], 0
    for number, explain in problems:
        if explain is None:
            continue
        if len(shown) < MAX_NOTES:
            shown.append((number, explain()))
        else:
            more += 1
    notes = [Notification(f"line {number}: {why}", path, level="note") for number, why in shown]
    if more:
        notes.append(Notification(f"{more} more suppression comments after line {shown[-1][0]} "
                                  "suppress nothing, or less than they say", path, level="note"))
    return notes


NOT_A_DIRECTIVE = ("this '# smtplint' comment is no directive, so it suppresses nothing: "
                   "write '# smtplint: disable=rule-id[,rule-id]' or "
                   "'# smtplint: disable-file=rule-id'")


def _explained(text: str, known: frozenset[str]):
    """None when the line is no directive or a sound one; else what says
    why (built only when shown)."""
    if not ATTEMPT.match(text):
        return None
    directive = parse_directive(text)
    if directive is None:
        return lambda: NOT_A_DIRECTIVE
    kind, ids = directive
    return ids_explained(f"'# smtplint: {kind}='", ids, known)


def ids_explained(label: str, ids: frozenset[str], known: frozenset[str]):
    """ids_problem, deferred: None when every id is known."""
    if ids and ids <= known:
        return None
    return lambda: ids_problem(label, ids, known)


def ids_problem(label: str, ids: frozenset[str], known: frozenset[str]) -> str | None:
    """Why a directive (``label``: how to name it) suppresses less than it
    says: no ids, or ids that are no rule; None when every id is known."""
    if not ids:
        return f"{label} names no rule, so it suppresses nothing"
    unknown = sorted(name for name in ids if name not in known)
    if not unknown:
        return None
    from linter.postfix.quote import token as quote_token

    if len(unknown) == 1:
        return (f"{label} names {quote_token(unknown[0])}, which is no "
                f"rule{_did_you_mean(unknown[0], known)}: it suppresses nothing")
    shown = [quote_token(name) + _did_you_mean(name, known) for name in unknown[:SHOWN]]
    if len(unknown) > SHOWN:
        shown.append(f"{len(unknown) - SHOWN} more")
    return f"{label} names {', '.join(shown)}, which are no rules: it suppresses nothing for them"


def _did_you_mean(name: str, known: frozenset[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
    return f" (did you mean {close[0]}?)" if close else ""


def known_rule_ids(rules: Iterable) -> frozenset[str]:
    """What a directive may name: each rule's id and its base id."""
    return frozenset(name for rule in rules for name in (rule.id, base_id(rule.id)))


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
