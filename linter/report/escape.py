"""One escaping policy for everything smtplint prints or writes.

Text from linted files (values, names, paths) is untrusted: it can hold
terminal control sequences, bidirectional overrides that reorder what a
reader sees ("Trojan Source"), invisible characters that hide what is
really there (a byte-order mark in a parameter name, a zero-width space in
a value), line separators that forge another finding, bytes that were not
UTF-8, and GitHub Actions workflow commands. Every output goes through one
of the functions below:

- ``plain``: text, show and the text inside JUnit: every control, format,
  invisible or bidi character and every undecodable byte becomes a visible
  escape (``\\x1b``, ``\\u202e``, ``\\xff``); newlines and tabs stay.
- ``one_line``: the same, and newlines and tabs escaped too (text, brief,
  github, junit attributes: one record per line).
- ``unicode_text`` / ``unicode_data``: JSON formats (json, sarif,
  codeclimate, show --format json). JSON escapes every character itself
  (we write with ``ensure_ascii``), so only lone surrogates, which JSON
  parsers reject, become the text ``\\xNN``.
- ``markdown_text``: GitHub's job summary: ``one_line`` and then every
  ASCII punctuation character backslash-escaped, so no link, image, HTML
  or table cell can be forged.

Lines that a CI runner might read as commands are made inert as well: the
Actions runner takes any line that starts with ``::`` (after blanks) or
contains ``##[`` as a workflow command, so ``plain`` escapes those too.
"""

from __future__ import annotations

import re

# C0 and C1 controls but tab and newline; DEL.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Format (Cf), line/paragraph separators (Zl, Zp) and other characters that
# render as nothing: soft hyphen, combining grapheme joiner, Arabic number
# signs and letter mark, Hangul fillers, Khmer inherent vowels, Mongolian
# selectors, zero-width space/joiners, LRM/RLM, the bidi embeddings,
# overrides and isolates, word joiner and invisible operators, variation
# selectors, BOM, interlinear annotation marks, the two non-characters
# XML forbids, and the astral format characters (tags among them).
_INVISIBLE = ("\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
              "\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e"
              "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
              "\ufff9-\ufffb\ufffe\uffff"
              "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
              "\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
_SURROGATES = "\ud800-\udfff"

UNSAFE = re.compile(f"[{_CONTROLS}{_INVISIBLE}{_SURROGATES}]")
SURROGATE = re.compile(f"[{_SURROGATES}]")
# The Actions runner: "::command::" at a line start (after blanks, which it
# trims) and the legacy "##[command]" anywhere in a line.
_WORKFLOW_LINE = re.compile(r"^([^\S\n]*):(?=:)", re.MULTILINE)
_WORKFLOW_LEGACY = "##["
_ASCII_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


def plain(text: str) -> str:
    """Visible escapes for every unsafe character; newlines and tabs stay."""
    escaped = UNSAFE.sub(_escape, text)
    if ":" in escaped:
        escaped = _WORKFLOW_LINE.sub(r"\1\\x3a", escaped)
    if _WORKFLOW_LEGACY in escaped:
        escaped = escaped.replace(_WORKFLOW_LEGACY, "#\\x23[")
    return escaped


def one_line(text: str) -> str:
    """Like ``plain``, and newlines and tabs escaped too, for formats with
    one record per line (a newline in a message could forge a finding)."""
    return plain(text.replace("\n", "\\n").replace("\t", "\\t"))


def markdown_text(text: str) -> str:
    """Text for a markdown document: one line, every ASCII punctuation mark
    escaped (CommonMark allows a backslash before any of them)."""
    return _ASCII_PUNCTUATION.sub(r"\\\1", one_line(text))


def unicode_text(text: str) -> str:
    """Only undecodable bytes (lone surrogates) as ``\\xNN``: for JSON,
    whose writer escapes everything else and whose parsers reject them."""
    return SURROGATE.sub(_escape, text)


def unicode_data(value: object) -> object:
    """``unicode_text`` applied to every string (keys too) in JSON-like data."""
    if isinstance(value, str):
        return unicode_text(value)
    if isinstance(value, dict):
        return {unicode_data(key): unicode_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [unicode_data(item) for item in value]
    return value


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
