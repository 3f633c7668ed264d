"""main.cf: a lossless tree of ``name = value`` parameters.

Follows Postfix's reading of main.cf: a ``#`` later in a line is part of
the value, the name ends at the first ``=``, blanks around it and at the
end of the value are trimmed, the last definition of a name wins, and a
line without ``=`` makes Postfix refuse the whole file (recorded here as a
diagnostic; reading goes on).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from linter.diagnostics import Diagnostic
from linter.postfix.quote import token
from linter.postfix.syntax import (
    BLANKS,
    MAX_LINES,
    LogicalText,
    Node,
    NodeKind,
    decode,
    group_nodes,
    has_template_lines,
    paused_gc,
    serialize,
    split_lines,
    unread_line,
)
from linter.postfix.template import has_placeholder

# What a parameter name looks like, for quoting it in a message.
MAX_NAME = 64
NAME_LIKE = re.compile(rf"[A-Za-z0-9_]{{1,{MAX_NAME}}}")


@dataclass(slots=True)
class Parameter:
    """One ``name = value`` logical line of main.cf."""

    name: str
    raw: str          # the value as Postfix reads it, continuation lines joined
    line: int         # where the name starts
    column: int
    value_line: int   # where the value starts (the '=' line when empty)
    value_column: int
    node: Node


@dataclass
class MainCf:
    path: str
    nodes: list[Node]
    parameters: list[Parameter] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _definitions: tuple[int, dict[str, Parameter]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def serialize(self) -> str:
        return serialize(self.nodes)

    def definitions(self) -> dict[str, Parameter]:
        """The parameter that is in force for each name (the last one).
        Built once (rules ask for it again and again); do not modify it."""
        cached = self._definitions
        if cached is None or cached[0] != len(self.parameters):
            cached = self._definitions = (len(self.parameters),
                                          {param.name: param for param in self.parameters})
        return cached[1]

    @property
    def templated(self) -> bool:
        """The file is a template (Jinja, Go, installer placeholders): what
        Postfix would read depends on how it is rendered."""
        return has_template_lines(self.nodes) or any(
            has_placeholder(param.raw) or has_placeholder(param.name)
            for param in self.parameters)


def parse_main_cf(data: bytes | str, path: str = "main.cf") -> MainCf:
    with paused_gc():
        return _parse_main_cf(data, path)


def _parse_main_cf(data: bytes | str, path: str) -> MainCf:
    text, diagnostics = decode(data, path)
    main = MainCf(path, group_nodes(split_lines(text)), diagnostics=diagnostics)
    main.diagnostics.extend(_unread(main.nodes, path))
    seen: dict[str, Parameter] = {}
    for node in main.nodes:
        if node.kind is NodeKind.STRAY:
            first = node.lines[0]
            main.diagnostics.append(Diagnostic(
                path, first.number, 1, "warning", "parse-error",
                "logical line must not start with whitespace: ignored by Postfix"))
        elif node.kind is NodeKind.ENTRY:
            param = _parameter(node, path, main.diagnostics)
            if param is None:
                continue
            earlier = seen.get(param.name)
            if earlier is not None:
                main.diagnostics.append(Diagnostic(
                    path, param.line, param.column, "warning", "duplicate-parameter",
                    f"{param.name} is set again; this overrides the value at "
                    f"{path}:{earlier.line} ({param.name} = {earlier.raw})"))
            seen[param.name] = param
            main.parameters.append(param)
    return main


def _unread(nodes, path: str) -> list[Diagnostic]:
    line = unread_line(nodes)
    if line is None:
        return []
    return [Diagnostic(path, line, 1, "error", "parse-error",
                       f"the file has more than {MAX_LINES:,} lines: smtplint reads only the "
                       "first ones (Postfix reads them all), so the rest is not checked")]


def join_logical(text: str) -> str:
    """Join continuation pieces the way Postfix's values read: trimmed pieces
    separated by one blank."""
    pieces = (piece.strip(BLANKS) for piece in text.split("\n"))
    return " ".join(piece for piece in pieces if piece)


def _parameter(node: Node, path: str, diagnostics: list[Diagnostic]) -> Parameter | None:
    logical = LogicalText(node.logical_lines)
    text = logical.text
    equals = text.find("=")
    line, column = logical.position(0)
    if equals < 0:
        diagnostics.append(Diagnostic(
            path, line, column, "error", "parse-error",
            f"missing '=' after attribute name{_first_word(text)} "
            "(Postfix refuses to read this file)"))
        return None
    name = text[:equals].strip(BLANKS)
    if not name:
        diagnostics.append(Diagnostic(
            path, line, column, "error", "parse-error",
            "missing attribute name before '=' (Postfix refuses to read this file)"))
        return None
    if any(char in BLANKS for char in name):
        diagnostics.append(Diagnostic(
            path, line, column, "error", "parse-error",
            f"missing '=' after attribute name{_first_word(text)}: a name has no blanks "
            "(Postfix refuses to read this file)"))
        return None
    value_offset = equals + 1
    while value_offset < len(text) and text[value_offset] in BLANKS:
        value_offset += 1
    value_line, value_column = logical.position(min(value_offset, len(text)))
    if value_offset >= len(text):
        value_line, value_column = logical.position(equals)
        value_column += 1
    return Parameter(name, join_logical(text[equals + 1:]), line, column,
                     value_line, value_column, node)


def _first_word(text: str) -> str:
    """The would-be parameter name, quoted when it looks like one. Other
    text is not quoted at all: the file may not be a main.cf (a committed
    symlink to /etc/passwd), and messages go to CI logs."""
    word = text.lstrip(BLANKS)[:MAX_NAME + 1]
    for index, char in enumerate(word):
        if char in BLANKS or char == "=":
            word = word[:index]
            break
    if NAME_LIKE.fullmatch(word):
        return f" {token(word)}"
    return " (the line does not start with a parameter name)"
