"""Line-level patches on a file's physical lines, applied all at once.

Edits are computed against one parse of a file and expressed as patches
on its physical lines (numbered from 1, as in the syntax tree): replace a
span of text, delete a line, insert lines after a line. Applying them in
one pass keeps fixing linear in the file's size however many edits there
are, and leaves every byte no patch touches as it was, line endings
included.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linter.postfix.syntax import Line


class PatchConflict(Exception):
    """Two patches touch the same text; the message says where."""


@dataclass(frozen=True, order=True)
class Replace:
    """Replace ``text[start:end]`` of one line (0-based columns)."""

    line: int
    start: int
    end: int
    text: str


@dataclass
class Patches:
    """Everything to change in one file."""

    replaces: list[Replace] = field(default_factory=list)
    deletes: set[int] = field(default_factory=set)
    # Lines to insert after line N (0: before the first line), in order.
    inserts: dict[int, list[str]] = field(default_factory=dict)

    def replace(self, line: int, start: int, end: int, text: str) -> None:
        self.replaces.append(Replace(line, start, end, text))

    def delete(self, line: int) -> None:
        self.deletes.add(line)

    def insert_after(self, line: int, texts: list[str]) -> None:
        self.inserts.setdefault(line, []).extend(texts)

    def merge(self, other: Patches) -> None:
        self.replaces.extend(other.replaces)
        self.deletes |= other.deletes
        for line, texts in other.inserts.items():
            self.insert_after(line, texts)

    def __bool__(self) -> bool:
        return bool(self.replaces or self.deletes or self.inserts)


def line_ending(lines: list[Line]) -> tuple[str, str]:
    """The file's end of line as (text suffix, eol): CRLF files keep CRLF."""
    for line in lines:
        if line.eol:
            return ("\r", "\n") if line.text.endswith("\r") else ("", "\n")
    return "", "\n"


def apply(lines: list[Line], patches: Patches) -> str:
    """The file's new text. Raises PatchConflict when patches overlap."""
    by_line: dict[int, list[Replace]] = {}
    for replace in sorted(set(patches.replaces)):
        if replace.line in patches.deletes:
            raise PatchConflict(f"line {replace.line} is both changed and deleted")
        by_line.setdefault(replace.line, []).append(replace)
    suffix, eol = line_ending(lines)
    # (text, end of line or None for an inserted line)
    out: list[tuple[str, str | None]] = [(text, None) for text in patches.inserts.get(0, ())]
    for line in lines:
        if line.number not in patches.deletes:
            out.append((_replaced(line, by_line.get(line.number, ())), line.eol))
        out.extend((text, None) for text in patches.inserts.get(line.number, ()))
    final_newline = not lines or bool(lines[-1].eol)
    pieces = []
    for index, (text, ending) in enumerate(out):
        last = index == len(out) - 1
        if last and not final_newline:  # a missing final newline stays missing,
            # CR and all: a CRLF line that becomes the last one loses its CR too
            pieces.append(text.removesuffix("\r") if ending else text)
        elif ending is None:
            pieces.append(text + suffix + eol)    # a new line, in the file's style
        elif not ending:                          # the old last line, now ended
            pieces.append(text + ("" if text.endswith("\r") else suffix) + eol)
        else:
            pieces.append(text + ending)
    return "".join(pieces)


def _replaced(line: Line, replaces) -> str:
    text = line.text
    previous_end = len(text) + 1
    for replace in sorted(replaces, key=lambda r: (r.start, r.end), reverse=True):
        if replace.end > previous_end or replace.end > len(text):
            raise PatchConflict(f"overlapping changes on line {line.number}")
        text = text[:replace.start] + replace.text + text[replace.end:]
        previous_end = replace.start
    return text
