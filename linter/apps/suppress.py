"""In-file suppression for YAML: ``# noqa: rule-id`` and ``# smtplint: disable=rule-id``.

YAML comments may trail a value, so a directive at the end of a line
applies to that line. On a line of its own it applies to the next line
with content and everything nested below it (a whole receiver or service).
``# smtplint: disable-file=rule-id`` applies to the whole file; a bare
``# noqa`` to every rule on its line. Ids are read, and checked, as in the
Postfix files (``linter.engine.suppress``): commas or blanks between them,
a ``#`` after them starts a reason, and they cover their sub-ids.
"""

from __future__ import annotations

import re

from linter.engine.suppress import (
    ATTEMPT,
    NOT_A_DIRECTIVE,
    Suppressions,
    bounded_notes,
    directive_ids,
    ids_explained,
    record,
)

# What follows the keyword is split in Python (directive_ids): a pattern
# that matched the ids and then trailing blanks backtracked quadratically.
NOQA = re.compile(r"#\s*noqa\b(.*)$", re.IGNORECASE)
DIRECTIVE = re.compile(r"#\s*smtplint:\s*(disable|disable-file)\s*=(.*)$", re.IGNORECASE)
ALL = "*"


def comment_start(line: str) -> int | None:
    """Where a YAML comment starts: ``#`` at the start or after a blank,
    outside quotes (a single-line approximation, enough for directives)."""
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
    return None


def yaml_suppressions(text: str) -> "YamlSuppressions":
    result = YamlSuppressions()
    lines = text.splitlines()
    pending: set[str] = set()
    for number, line in enumerate(lines, 1):
        start = comment_start(line)
        content = line[:start] if start is not None else line
        comment = line[start:] if start is not None else ""
        ids = _directive(comment, result)
        if not content.strip():
            pending |= ids
            continue
        here = set(ids)
        if pending:
            last = _block_end(lines, number)
            result.ranges.append((number, last, frozenset(pending)))
            pending = set()
        if here:
            result.ranges.append((number, number, frozenset(here)))
    return result


class YamlSuppressions(Suppressions):
    """Suppressions where a bare ``# noqa`` covers every rule on its line.
    A block's range and its first line's own range nest, so a line's ids
    are those of every range it is in (an application's YAML holds few)."""

    def disabled_at(self, line: int) -> frozenset[str]:
        return frozenset().union(*(rules for first, last, rules in self.ranges
                                   if first <= line <= last))

    def covers(self, finding) -> bool:
        return ALL in self.disabled_at(finding.line) or super().covers(finding)


def _parse(comment: str) -> tuple[str, frozenset[str]] | None:
    """(kind, ids) of the directive in a comment: ``disable``,
    ``disable-file`` or ``noqa`` (ids: {ALL} for a bare one); None when it
    holds none."""
    match = DIRECTIVE.search(comment)
    if match:
        return match.group(1).lower(), directive_ids(match.group(2))
    match = NOQA.search(comment)
    if match is None:
        return None
    rest = match.group(1).strip()
    if not rest or rest.startswith("#"):
        return "noqa", frozenset({ALL})
    if rest.startswith(":"):
        return "noqa", directive_ids(rest[1:])
    return None   # "# noqa-ish words": no directive


def _directive(comment: str, result: Suppressions) -> set[str]:
    return record(_parse(comment) if comment else None, result)


def directive_notes(text: str, path: str, known: frozenset[str]) -> list:
    """Notes for the directives that suppress nothing, or less than they
    say (linter.engine.suppress.directive_notes, for YAML)."""
    return bounded_notes(((number, _explained(line, known))
                          for number, line in enumerate(text.splitlines(), 1)), path)


def _explained(line: str, known: frozenset[str]):
    start = comment_start(line)
    if start is None:
        return None
    comment = line[start:]
    directive = _parse(comment)
    if directive is None:
        return (lambda: NOT_A_DIRECTIVE) if ATTEMPT.match(comment) else None
    kind, ids = directive
    if ids == {ALL}:
        return None
    label = "'# noqa:'" if kind == "noqa" else f"'# smtplint: {kind}='"
    return ids_explained(label, ids, known)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], first: int) -> int:
    """The last line of the block that starts at line ``first`` (1-based):
    following lines indented deeper (blank and comment lines included)."""
    head = lines[first - 1]
    base = _indent(head)
    is_item = head.lstrip(" ").startswith("- ") or head.strip() == "-"
    last = first
    for number in range(first + 1, len(lines) + 1):
        line = lines[number - 1]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = _indent(line)
        dash = line.lstrip(" ").startswith("-")
        if indent < base or (indent == base and (is_item or not dash)):
            break
        last = number
    return last
