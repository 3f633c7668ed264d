"""Turn one structured Edit into patches on the file's syntax tree.

Each function reads the parsed file (which keeps every physical line) and
says which bytes change: a value replaced in place, an option's words
removed, a line added with the entry's own indentation. Nothing else is
touched, so comments, blank lines, alignment and line endings stay.
"""

from __future__ import annotations

import re

from linter.engine.findings import Edit
from linter.fix.patch import Patches
from linter.postfix.main_cf import MainCf, Parameter
from linter.postfix.master_cf import MAX_WORDS, MasterCf, Service
from linter.postfix.ports import known_tcp_ports, resolve_port, split_listener
from linter.postfix.syntax import BLANKS, Line, LogicalText, Node, NodeKind, Token, line_kind

DEFAULT_INDENT = "  "
DEFAULT_PORTS = known_tcp_ports("lmtp=24, smtp=25, smtps=submissions=465, submission=587")


class EditError(Exception):
    """An edit that cannot be applied to this file as it is."""


# -- main.cf ------------------------------------------------------------------

class MainIndex:
    """main.cf's definitions by name and the last line of each family of
    names (``smtpd_tls_``...), built once for all edits of one file."""

    def __init__(self, main: MainCf):
        self.definitions: dict[str, list[Parameter]] = {}
        # (name, line) -> the definition there: a duplicate's own removal
        # finds it without a scan of every definition of the name.
        self.at_line: dict[tuple[str, int], Parameter] = {}
        self.families: dict[str, int] = {}
        for param in main.parameters:
            self.definitions.setdefault(param.name, []).append(param)
            self.at_line[(param.name, param.line)] = param
            words = param.name.split("_")
            for length in range(1, len(words)):
                self.families["_".join(words[:length]) + "_"] = param.node.lines[-1].number
        numbers = [line.number for node in main.nodes for line in node.lines]
        self.last_line = numbers[-1] if numbers else 0

    def anchor_line(self, name: str) -> int:
        """Where a new parameter goes: after the last one of its family
        (``smtpd_tls_`` beside ``smtpd_tls_``, else ``smtpd_``), else at the end."""
        words = name.split("_")
        for length in range(len(words) - 1, 0, -1):
            line = self.families.get("_".join(words[:length]) + "_")
            if line is not None:
                return line
        return self.last_line


def main_patches(edit: Edit, main: MainCf, index: MainIndex | None = None) -> Patches:
    index = MainIndex(main) if index is None else index
    if edit.action == "set":
        return set_parameter(index, edit.name, edit.value or "")
    if edit.action == "remove":
        return remove_parameter(index, edit.name, edit.span[0] if edit.span else None)
    raise EditError(f"{edit.action} is not a main.cf edit")


def set_parameter(index: MainIndex, name: str, value: str) -> Patches:
    """Change the definition in force, or add ``name = value``."""
    patches = Patches()
    definitions = index.definitions.get(name)
    if not definitions:
        patches.insert_after(index.anchor_line(name), [f"{name} = {value}"])
        return patches
    param = definitions[-1]
    first = param.node.lines[0]
    if param.raw and param.value_line == first.number:
        start = param.value_column - 1
    else:  # empty, or the value starts on a continuation line
        start = first.content.index("=") + 1
        value = " " + value if value else value
    patches.replace(first.number, start, len(first.content), value)
    for line in _continuation_lines(param.node):
        patches.delete(line.number)
    return patches


def remove_parameter(index: MainIndex, name: str, line: int | None = None) -> Patches:
    """Remove every definition, so no earlier duplicate takes over; with
    ``line``, only the definition that starts there (a duplicate)."""
    patches = Patches()
    if line is None:
        definitions = index.definitions.get(name, [])
    else:
        definitions = [index.at_line[(name, line)]] if (name, line) in index.at_line else []
    if not definitions:
        raise EditError(f"{name} is not set in main.cf")
    for param in definitions:
        patches.delete(param.node.lines[0].number)
        for continuation in _continuation_lines(param.node):
            patches.delete(continuation.number)
    return patches


def _continuation_lines(node: Node) -> list[Line]:
    """The lines after the first that carry the entry's text (comments and
    blank lines inside the entry are kept)."""
    return [line for line in node.lines[1:] if line_kind(line.text) is NodeKind.STRAY]


# -- master.cf ----------------------------------------------------------------

def master_patches(edit: Edit, master: MasterCf,
                   services: dict[str, Entry] | None = None) -> Patches:
    """``services``: ``service_index(master)``, when many edits share one
    master.cf (each would otherwise search every entry)."""
    if edit.action == "add-service":
        return add_service(master, edit)
    services = service_index(master) if services is None else services
    entry = services.get(edit.service or "")
    if entry is None:
        raise EditError(f"master.cf has no entry {edit.service}")
    if edit.action == "set":
        return set_option(entry, edit.name, edit.value or "")
    if edit.action == "remove":
        return remove_option(entry, edit.name)
    if edit.action == "rename-service":
        return rename_service(entry.service, edit.name)
    if edit.action == "replace":
        return replace_words(entry, edit.span, edit.value or "")
    raise EditError(f"unknown edit action {edit.action!r}")


class Entry:
    """A master.cf entry as its edits see it: its lines by number and its
    ``-o`` options' spans by name, worked out once for all the edits of the
    entry (per edit, each was a scan of the entry: quadratic when
    thousands of options of one entry are fixed)."""

    def __init__(self, service: Service):
        self.service = service
        self.lines = {line.number: line for line in service.node.lines}
        self._spans: dict[str, list[tuple[Position, Position]]] | None = None

    def option_spans(self, name: str) -> list[tuple[Position, Position]]:
        if self._spans is None:
            self._spans = _option_spans(self.service)
        return self._spans.get(name, [])


def service_index(master: MasterCf) -> dict[str, Entry]:
    """Each ``name/type`` and its entry (the last one when duplicated:
    master uses that one)."""
    return {service.key: Entry(service) for service in master.services}


def option_text(name: str, value: str) -> str:
    """``-o name=value``, or the long form when the value has blanks."""
    if any(char in BLANKS for char in value):
        return f"-o {{ {name} = {value} }}"
    return f"-o {name}={value}"


def set_option(entry: Entry, name: str, value: str) -> Patches:
    """Change the ``-o`` in force, or add one on a line of its own."""
    patches = Patches()
    service = entry.service
    spans = entry.option_spans(name)
    if spans:
        start, end = spans[-1]
        _replace_span(patches, entry, start, end, option_text(name, value))
        return patches
    indent = _option_indent(service)
    patches.insert_after(service.node.lines[-1].number, [indent + option_text(name, value)])
    return patches


def remove_option(entry: Entry, name: str) -> Patches:
    """Remove every ``-o name=...`` of the entry (the last one wins, so an
    earlier one would take over)."""
    patches = Patches()
    service, lines = entry.service, entry.lines
    spans = entry.option_spans(name)
    if not spans:
        raise EditError(f"{service.key} has no -o {name}")
    for start, end in spans:
        if start.line != end.line:
            raise EditError(f"-o {name} of {service.key} spans lines")
        line = lines[start.line]
        before, after = line.content[:start.column - 1], line.content[end.column - 1:]
        if not before.strip(BLANKS) and not after.strip(BLANKS) \
                and start.line != service.node.lines[0].number:
            patches.delete(line.number)
        else:  # the option shares its line: take it and the blanks before it
            cut = len(before.rstrip(BLANKS))
            patches.replace(line.number, cut, end.column - 1, "")
    return patches


def rename_service(service: Service, new_name: str) -> Patches:
    """Rename, keeping the next field's column as far as the blanks allow."""
    token = service.fields[0]
    line = service.node.lines[0]
    start = token.column - 1
    end = start + len(token.text)
    blanks = len(line.content[end:]) - len(line.content[end:].lstrip(" "))
    width = len(token.text) + blanks
    patches = Patches()
    if blanks:  # as close to the old column as one blank allows
        patches.replace(line.number, start, end + blanks,
                        new_name + " " * max(1, width - len(new_name)))
    else:
        patches.replace(line.number, start, end, new_name)
    return patches


def replace_words(entry: Entry, span, text: str) -> Patches:
    if span is None:
        raise EditError("a replace edit needs a span")
    start_line, start_column, end_line, end_column = span
    patches = Patches()
    _replace_span(patches, entry, Position(start_line, start_column),
                  Position(end_line, end_column), text)
    return patches


def _replace_span(patches: Patches, entry: Entry, start: Position, end: Position,
                  text: str) -> None:
    if start.line == end.line:
        patches.replace(start.line, start.column - 1, end.column - 1, text)
        return
    lines = entry.lines   # an entry's lines are consecutive
    if start.line not in lines or end.line not in lines:
        raise EditError(f"the words to rewrite are not all in {entry.service.key}")
    inside = [lines[number] for number in range(start.line + 1, end.line)]
    if any(line_kind(line.text) is not NodeKind.STRAY for line in inside):
        raise EditError(f"the words to rewrite in {entry.service.key} have comments "
                        "between them")
    first, last = lines[start.line], lines[end.line]
    rest = last.content[end.column - 1:]
    patches.replace(first.number, start.column - 1, len(first.content), text)
    for line in inside:
        patches.delete(line.number)
    if rest.strip(BLANKS):
        indent = "" if rest[0] in BLANKS else " "
        patches.replace(last.number, 0, end.column - 1, indent)
    else:
        patches.delete(last.number)


def _option_indent(service: Service) -> str:
    """The indentation of the entry's existing ``-o`` lines."""
    for line in service.node.lines[1:]:
        content = line.content
        stripped = content.lstrip(BLANKS)
        if line_kind(line.text) is NodeKind.STRAY and stripped.startswith("-"):
            return content[:len(content) - len(stripped)]
    return DEFAULT_INDENT


# -- where each -o option is ----------------------------------------------------

class Position(tuple):
    """(line, column), 1-based; ``end`` positions are exclusive."""

    def __new__(cls, line: int, column: int):
        return super().__new__(cls, (line, column))

    @property
    def line(self) -> int:
        return self[0]

    @property
    def column(self) -> int:
        return self[1]


def _option_spans(service: Service) -> dict[str, list[tuple[Position, Position]]]:
    """Start and end of each ``-o name=value`` (both words) of the entry, by name."""
    logical = LogicalText(service.node.logical_lines)
    # The parser's words of the entry, unless it stopped reading them
    # (MAX_WORDS): then the entry's own, all of them.
    tokens = service.fields + service.arguments
    if len(tokens) >= MAX_WORDS:
        tokens = logical.tokens(braces=True)
    index = {(token.line, token.column): number for number, token in enumerate(tokens)}
    starts = _line_offsets(logical)
    spans: dict[str, list[tuple[Position, Position]]] = {}
    for override in service.overrides:
        number = index.get((override.line, override.column))
        if number is None:
            continue
        token = tokens[number]
        first = token
        if not token.text.startswith("-o") and number > 0 and tokens[number - 1].text == "-o":
            first = tokens[number - 1]
        spans.setdefault(override.name, []).append(
            (Position(first.line, first.column), _end(logical, starts, token)))
    return spans


def _line_offsets(logical: LogicalText) -> dict[int, int]:
    """Where each of the entry's text lines starts in its logical text."""
    starts, offset = {}, 0
    for line in logical.lines:
        starts[line.number] = offset
        offset += len(line.content) + 1
    return starts


def _end(logical: LogicalText, starts: dict[int, int], token: Token) -> Position:
    if token.line not in starts:
        raise EditError(f"token at line {token.line} is not in its entry")
    offset = starts[token.line] + token.column - 1 + len(token.text) - 1
    line, column = logical.position(offset)
    return Position(line, column + 1)


# -- activating or adding a service ---------------------------------------------

COMMENTED_OPTION = re.compile(r"^[ \t]*#[ \t]*-o(\s|\S)")


def add_service(master: MasterCf, edit: Edit) -> Patches:
    """Uncomment the entry (and its ``-o`` lines) when master.cf has it
    commented out; otherwise insert ``edit.value`` after the last smtpd
    listener."""
    name, _, kind = (edit.service or f"{edit.name}/inet").partition("/")
    if f"{name}/{kind}" in service_index(master):
        raise EditError(f"master.cf already has {name}/{kind}")
    lines = [line for node in master.nodes for line in node.lines]
    patches = Patches()
    start = _commented_entry(lines, name, kind)
    if start is not None:
        _uncomment_block(patches, lines, start)
        return patches
    if not edit.value:
        raise EditError(f"no commented-out {name} entry to activate, and no entry to add")
    patches.insert_after(_last_listener_line(master), edit.value.split("\n"))
    return patches


def _commented_entry(lines: list[Line], name: str, kind: str) -> int | None:
    """Index of ``#name kind ...`` (or a name for the same port)."""
    port = resolve_port(name, DEFAULT_PORTS)
    for index, line in enumerate(lines):
        if line_kind(line.text) is not NodeKind.COMMENT:
            continue
        words = line.content.lstrip(BLANKS)[1:].split()
        if len(words) < 8 or words[1] != kind or words[7].rsplit("/", 1)[-1] != "smtpd":
            continue
        host, port_name = split_listener(words[0])
        if words[0] == name or (not host and port is not None
                                and resolve_port(port_name, DEFAULT_PORTS) == port):
            return index
    return None


def _uncomment_block(patches: Patches, lines: list[Line], start: int) -> None:
    entry = lines[start]
    hash_at = entry.content.index("#")
    rest = entry.content[hash_at + 1:]
    patches.replace(entry.number, 0, len(entry.content), rest.lstrip(BLANKS))
    for line in lines[start + 1:]:
        if not COMMENTED_OPTION.match(line.content):
            break
        hash_at = line.content.index("#")
        rest = line.content[hash_at + 1:]
        patches.replace(line.number, 0, len(line.content),
                        rest if rest[:1] in (" ", "\t") else DEFAULT_INDENT + rest)


def _last_listener_line(master: MasterCf) -> int:
    listeners = [service for service in master.services
                 if service.type == "inet" and service.command == "smtpd"]
    if listeners:
        return listeners[-1].node.lines[-1].number
    last = [line.number for node in master.nodes for line in node.lines]
    return last[-1] if last else 0
