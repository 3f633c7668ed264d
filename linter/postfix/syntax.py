"""Lossless line structure shared by main.cf and master.cf.

Both files follow Postfix's ``readlline`` rules: a line whose first
non-blank character is ``#`` is a comment, a blank line is ignored, and a
line that starts with whitespace continues the logical line before it
(comment and blank lines inside a continuation do not end it). The nodes
here keep every byte, so ``serialize(parse(text)) == text`` and later
stages can edit the tree in place to apply fixes.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from itertools import islice

from linter.diagnostics import Diagnostic
from linter.postfix.template import is_control_line

_WORD = re.compile(r"[^ \t\r\n\f\v]+")   # a run of non-BLANKS
# A main.cf has hundreds of lines; beyond this many, the rest of a file is
# kept (byte for byte) but not read: each line costs about 1 KB in the
# model, and 16 MB of four-byte lines would otherwise take gigabytes.
MAX_LINES = 250_000
# Bytes that are not UTF-8 survive a round trip as lone surrogates.
ENCODING_ERRORS = "surrogateescape"
BLANKS = " \t\r\n\f\v"


@dataclass(slots=True)
class Line:
    """One physical line: its text without the end-of-line, and that end."""

    number: int
    text: str
    eol: str

    @property
    def content(self) -> str:
        """The text with a trailing CR (of a CRLF file) removed."""
        return self.text.removesuffix("\r")


class NodeKind(Enum):
    BLANK = "blank"
    COMMENT = "comment"
    TEMPLATE = "template"  # a template statement ({% if %}): not Postfix text
    ENTRY = "entry"        # a logical line: a parameter or a master.cf entry
    STRAY = "stray"        # a logical line that starts with whitespace
    UNREAD = "unread"      # the rest of a file beyond MAX_LINES, kept as it is


@dataclass(slots=True)
class Node:
    """A run of physical lines that belong together.

    An ENTRY or STRAY node holds its first line, its continuation lines and
    any comment or blank lines between them; ``logical_lines`` are the lines
    that carry text for Postfix.
    """

    kind: NodeKind
    lines: list[Line] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.lines[0].number

    @property
    def logical_lines(self) -> list[Line]:
        """Lines Postfix reads, plus template lines inside the entry: a value
        that a template fills in must stay visibly a template (unknown)."""
        return [self.lines[0]] + [line for line in self.lines[1:]
                                  if line_kind(line.text) in TEXT_KINDS]

    def text(self) -> str:
        return "".join(line.text + line.eol for line in self.lines)


TEXT_KINDS = (NodeKind.STRAY, NodeKind.TEMPLATE)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause CPython's cyclic collector while a tree is built.

    Building allocates many small objects that all stay alive; the collector
    would rescan the growing tree again and again (10x the input took 13x
    the time). The previous state is restored, also when nested."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def line_kind(text: str) -> NodeKind:
    """Classify one physical line the way readlline does."""
    stripped = text.strip(BLANKS)
    if not stripped:
        return NodeKind.BLANK
    if stripped.startswith("#"):
        return NodeKind.COMMENT
    if stripped[0] in "{<%" and is_control_line(stripped):
        return NodeKind.TEMPLATE
    if text[0] in BLANKS:
        return NodeKind.STRAY  # a continuation, or stray at the start
    return NodeKind.ENTRY


def decode(data: bytes | str, path: str) -> tuple[str, list[Diagnostic]]:
    """Decode file bytes losslessly, reporting invalid UTF-8 or binary input."""
    if isinstance(data, str):
        text = data
        raw = None
    else:
        raw = data
        text = data.decode("utf-8", ENCODING_ERRORS)
    diagnostics = []
    bad = _first_bad_byte(raw) if raw is not None else None
    if bad is not None:
        line, column = _position(raw[:bad].decode("utf-8", ENCODING_ERRORS))
        # Postfix reads the bytes as they are; only readers of the file suffer.
        diagnostics.append(Diagnostic(path, line, column, "warning", "parse-error",
                                      "file is not valid UTF-8"))
    nul = text.find("\x00")
    if nul >= 0:
        line, column = _position(text[:nul])
        diagnostics.append(Diagnostic(
            path, line, column, "warning", "parse-error",
            "file contains a NUL byte (binary input?): Postfix ignores the rest "
            "of that logical line"))
    return text, diagnostics


def encode(text: str) -> bytes:
    return text.encode("utf-8", ENCODING_ERRORS)


def _first_bad_byte(data: bytes) -> int | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return None


def _position(prefix: str) -> tuple[int, int]:
    line = prefix.count("\n") + 1
    column = len(prefix) - (prefix.rfind("\n") + 1) + 1
    return line, column


def split_lines(text: str, limit: int | None = None) -> list[Line]:
    """Split on LF only (as Postfix does), keeping each line's ending.
    Beyond ``limit`` lines (MAX_LINES) the rest is one last Line, unsplit:
    group_nodes makes it an UNREAD node, so the bytes survive unread."""
    limit = MAX_LINES if limit is None else limit
    lines = []
    start = 0
    number = 1
    while start < len(text):
        if number > limit:
            lines.append(Line(number, text[start:], ""))
            break
        end = text.find("\n", start)
        if end < 0:
            lines.append(Line(number, text[start:], ""))
            break
        lines.append(Line(number, text[start:end], "\n"))
        start = end + 1
        number += 1
    return lines


def group_nodes(lines: list[Line], limit: int | None = None) -> list[Node]:
    """Group physical lines into top-level nodes following readlline."""
    limit = MAX_LINES if limit is None else limit
    nodes: list[Node] = []
    current: Node | None = None   # the entry that continuation lines extend
    pending: list[Line] = []      # comments/blanks that may sit inside it
    unread = lines[limit:]
    for line in lines[:limit] if unread else lines:
        kind = line_kind(line.text)
        if kind in (NodeKind.BLANK, NodeKind.COMMENT, NodeKind.TEMPLATE):
            pending.append(line)
            continue
        if kind is NodeKind.STRAY and current is not None:
            current.lines.extend(pending)
            current.lines.append(line)
            pending = []
            continue
        nodes.extend(_trivia(pending))
        pending = []
        current = Node(kind, [line])
        nodes.append(current)
    nodes.extend(_trivia(pending))
    if unread:
        nodes.append(Node(NodeKind.UNREAD, unread))
    return nodes


def unread_line(nodes: list[Node]) -> int | None:
    """The first line smtplint did not read (a file of more than MAX_LINES)."""
    if nodes and nodes[-1].kind is NodeKind.UNREAD:
        return nodes[-1].first_line
    return None


def _trivia(lines: list[Line]) -> list[Node]:
    return [Node(line_kind(line.text), [line]) for line in lines]


def has_template_lines(nodes: list[Node]) -> bool:
    """A template statement line anywhere, inside an entry or between them."""
    return any(line_kind(line.text) is NodeKind.TEMPLATE
               for node in nodes if node.kind is not NodeKind.UNREAD for line in node.lines)


def serialize(nodes: list[Node]) -> str:
    return "".join(node.text() for node in nodes)


@dataclass(slots=True, unsafe_hash=True)
class Token:
    """A word of a logical line, with the position of its first character.
    Never changed once made; not frozen, because a frozen dataclass is
    built nearly three times as slowly and a parse makes one per word."""

    text: str
    line: int
    column: int


class LogicalText:
    """The text lines of one logical line, joined by newlines, with a map
    from offsets back to (line, column) in the file."""

    def __init__(self, lines: list[Line]):
        self.lines = lines
        # Postfix handles a logical line as a C string: a NUL byte ends it.
        self.text = "\n".join(line.content for line in lines).split("\x00", 1)[0]
        self._starts = []
        offset = 0
        for line in lines:
            self._starts.append(offset)
            offset += len(line.content) + 1

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return self.lines[index].number, offset - self._starts[index] + 1

    def _words(self, matches) -> list[Token]:
        """Tokens for ``matches`` of the text, in order: the line they start
        on only moves forward (no search per word)."""
        lines, starts = self.lines, self._starts
        if len(lines) == 1:   # most lines: no continuation to map back
            number = lines[0].number
            return [Token(match.group(), number, match.start() + 1) for match in matches]
        tokens = []
        index, last = 0, len(starts) - 1
        for match in matches:
            offset = match.start()
            while index < last and starts[index + 1] <= offset:
                index += 1
            tokens.append(Token(match.group(), lines[index].number, offset - starts[index] + 1))
        return tokens

    def tokens(self, braces: bool = True, limit: int | None = None) -> list[Token]:
        """Split on blanks; with ``braces``, ``{...}`` groups stay one word
        (as Postfix's mystrtokq does), blanks inside kept. At most ``limit``
        words (one more, to tell that there were more)."""
        text = self.text
        if not braces or "{" not in text:
            words = _WORD.finditer(text)
            if limit is not None:
                words = islice(words, limit + 1)
            return self._words(words)
        tokens = []
        index, end = 0, len(text)
        while index < end and (limit is None or len(tokens) <= limit):
            if text[index] in BLANKS:
                index += 1
                continue
            start, depth = index, 0
            while index < end and (depth > 0 or text[index] not in BLANKS):
                if braces and text[index] == "{":
                    depth += 1
                elif braces and text[index] == "}" and depth > 0:
                    depth -= 1
                index += 1
            line, column = self.position(start)
            tokens.append(Token(text[start:index], line, column))
        return tokens
