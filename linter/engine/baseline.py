"""The baseline: ``.smtplint-ignore`` at the config root.

Each line is ``path rule-id`` (path relative to the root, ``/``-separated);
``#`` starts a comment line. Findings it lists are dropped, so a team can
adopt smtplint on an old configuration and fail only on new problems.
``smtplint lint --generate-ignore`` writes it from the current findings.

A path that would not survive the plain form (a space, ``#``, ``"``, a
backslash, a newline or other invisible character, bytes that are not
UTF-8) is written in double quotes with backslash escapes
(``"dir with space/main.cf" parse-error``); ``\\xNN`` stands for a byte of
a file name that is not UTF-8, so the file itself stays UTF-8. Unquoted
lines are read as before, the rule id being the last word.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from linter.atomic import write_if_changed
from linter.engine.findings import Finding
from linter.engine.select import base_id
from linter.files import CONFIGURATION_LIMIT, UnreadableFile, read_regular

IGNORE_FILE = ".smtplint-ignore"
HEADER = ("# smtplint baseline: findings to ignore, one 'path rule-id' a line.\n"
          "# Paths with spaces or unusual characters are \"quoted\", with \\ escapes.\n"
          "# Regenerate with: smtplint lint --generate-ignore\n")
LIMIT = CONFIGURATION_LIMIT
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}


class BaselineError(Exception):
    """A malformed ignore file; the message has file:line."""


def relative(path: str, root: str) -> str:
    relative_path = os.path.relpath(os.path.abspath(path), root)
    return relative_path.replace(os.sep, "/")


def _plain(path: str) -> bool:
    """Whether ``path`` reads back unchanged without quotes."""
    return bool(path) and all(ch.isprintable() and ch not in ' "\\#' and
                              not 0xDC80 <= ord(ch) <= 0xDCFF for ch in path)


def quote(path: str) -> str:
    """``path`` as written in the ignore file: plain when that is
    unambiguous, else double-quoted with escapes."""
    if _plain(path):
        return path
    out = []
    for ch in path:
        code = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif 0xDC80 <= code <= 0xDCFF:               # a byte os.fsdecode could not decode
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code < 0x80:
            out.append(f"\\x{code:02x}")
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def unquote(text: str) -> tuple[str, str]:
    """Split a quoted line into (path, rest); ValueError says what is wrong."""
    out, index = [], 1
    while index < len(text):
        ch = text[index]
        if ch == '"':
            return "".join(out), text[index + 1:]
        if ch != "\\":
            out.append(ch)
            index += 1
            continue
        escape = text[index + 1:index + 2]
        if escape in _UNESCAPES:
            out.append(_UNESCAPES[escape])
            index += 2
            continue
        width = {"x": 2, "u": 4, "U": 8}.get(escape)
        digits = text[index + 2:index + 2 + width] if width else ""
        if not width or len(digits) != width or \
                any(ch not in "0123456789abcdefABCDEF" for ch in digits):
            raise ValueError(f"bad escape '\\{escape}' in a quoted path")
        code = int(digits, 16)
        if code > 0x10FFFF:
            raise ValueError(f"bad escape '\\{escape}{digits}' in a quoted path")
        out.append(chr(0xDC00 + code) if escape == "x" and code >= 0x80 else chr(code))
        index += 2 + width
    raise ValueError("a quoted path without its closing '\"'")


def parse_line(line: str) -> tuple[str, str] | None:
    """(path, rule) of one line; None for a blank or comment line."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return None
    if stripped.startswith('"'):
        path, rest = unquote(stripped)
        fields = rest.split()
        if len(fields) != 1 or not rest[:1].isspace():
            raise ValueError("expected 'path rule-id' after the quoted path")
        return path, fields[0]
    fields = stripped.rsplit(None, 1)             # old files: a path with spaces, unquoted
    if len(fields) != 2:
        raise ValueError("expected 'path rule-id'")
    return fields[0].removeprefix("./"), fields[1]


def load(root: str) -> set[tuple[str, str]]:
    """The (path, rule) pairs of the root's ignore file; empty without one."""
    path = os.path.join(root, IGNORE_FILE)
    if not os.path.lexists(path):
        return set()
    try:
        data = read_regular(path, LIMIT)
    except UnreadableFile as error:
        raise BaselineError(str(error)) from None
    # surrogateescape: files written before quoting existed may hold raw
    # bytes of non-UTF-8 names; they still match the names os returns.
    text = data.decode("utf-8", "surrogateescape")
    entries = set()
    for number, line in enumerate(text.split("\n"), 1):
        try:
            entry = parse_line(line)
        except ValueError as error:
            raise BaselineError(f"{path}:{number}: {error}") from None
        if entry is not None:
            entries.add(entry)
    return entries


def apply(findings: Iterable[Finding], entries: set[tuple[str, str]],
          root: str) -> list[Finding]:
    if not entries:
        return list(findings)
    return [f for f in findings
            if (relative(f.path, root), f.rule) not in entries
            and (relative(f.path, root), base_id(f.rule)) not in entries]


def render(findings: Iterable[Finding], root: str) -> str:
    lines = sorted({f"{quote(relative(f.path, root))} {f.rule}" for f in findings})
    return HEADER + "".join(line + "\n" for line in lines)


def generate(findings: Iterable[Finding], root: str) -> tuple[str, bool, int]:
    """Write the ignore file for ``findings``; (its path, whether it was
    written, how many entries it has). BaselineError when it cannot be
    written (a FIFO nobody reads, a directory, a read-only file)."""
    text = render(findings, root)
    path = os.path.join(root, IGNORE_FILE)
    count = text.count("\n") - HEADER.count("\n")
    try:
        return path, write_if_changed(path, text), count
    except OSError as error:
        raise BaselineError(f"{path}: cannot write: {error.strerror or error}") from None
