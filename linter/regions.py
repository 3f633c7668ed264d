"""Where a finding's cause ends, read from the syntax tree it came from.

Rules locate a finding by its start (line, column). Code-scanning viewers
want a region: SARIF's ``endLine``/``endColumn``. A finding at the start of
an entry covers the whole logical entry (a main.cf parameter with its
continuation lines, a master.cf service with its ``-o`` lines); one inside
a line covers the word there (an ``-o name=value``, a ``$name``).
"""

from __future__ import annotations

from collections.abc import Iterable

from linter.engine.findings import Finding
from linter.postfix.syntax import Line, Node

BLANKS = " \t"


class FileLines:
    """One parsed file's physical lines, each with the node it belongs to."""

    def __init__(self, nodes: list[Node]):
        self._at: dict[int, tuple[Line, Node]] = {}
        for node in nodes:
            for line in node.lines:
                self._at[line.number] = (line, node)

    def end(self, line_number: int, column: int) -> tuple[int, int] | None:
        """(end line, column after the end) of what starts at line/column."""
        found = self._at.get(line_number)
        if found is None:
            return None
        line, node = found
        text = line.content
        start = max(column, 1) - 1
        if start == 0 or not text[:start].strip(BLANKS):
            if line.number == node.first_line:
                last = node.logical_lines[-1]
                return last.number, len(last.content.rstrip(BLANKS)) + 1
            return line.number, len(text.rstrip(BLANKS)) + 1
        if text.startswith("{", start) and any(other is line for other in node.logical_lines):
            return _braced_end(node, line, start)
        stop = start
        while stop < len(text) and text[stop] not in BLANKS:
            stop += 1
        return line.number, max(stop, start + 1) + 1


def _braced_end(node: Node, line: Line, start: int) -> tuple[int, int]:
    """The end of a ``{ ... }`` word (-o { name = value }): its closing
    brace, over continuation lines too, then up to a blank as Postfix's
    tokenizer reads it; an unclosed one runs to the end of the entry."""
    lines = node.logical_lines
    index = next(i for i, other in enumerate(lines) if other is line)
    depth = 0
    for current in lines[index:]:
        text = current.content
        for position in range(start, len(text)):
            char = text[position]
            if char in BLANKS and depth == 0:
                return current.number, position + 1
            depth += (char == "{") - (char == "}" and depth > 0)
        if depth == 0:
            return current.number, len(text) + 1
        start = 0
    last = lines[-1]
    return last.number, len(last.content.rstrip(BLANKS)) + 1


def with_ends(findings: Iterable[Finding], files: dict[str, list[Node]]) -> list[Finding]:
    """The findings with end_line/end_column filled in where the file is known."""
    lines: dict[str, FileLines] = {}
    result = []
    for finding in findings:
        nodes = files.get(finding.path)
        if nodes is None or finding.line < 1 or finding.end_line:
            result.append(finding)
            continue
        if finding.path not in lines:
            lines[finding.path] = FileLines(nodes)
        end = lines[finding.path].end(finding.line, finding.column)
        result.append(finding if end is None else _ended(finding, *end))
    return result


def _ended(finding: Finding, line: int, column: int) -> Finding:
    """The finding with its end: a copy of the frozen instance, the two end
    fields set (dataclasses.replace runs __init__ again: 4 us a finding
    instead of 0.7, and a lint may have thousands)."""
    ended = object.__new__(type(finding))
    ended.__dict__.update(finding.__dict__, end_line=line, end_column=column)
    return ended
