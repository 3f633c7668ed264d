"""Make text from linted files safe to print.

Configuration files can hold terminal control sequences; printed raw they
could rewrite the user's screen. Each control character is shown as an
escape instead.
"""

from __future__ import annotations

import re

# C0/C1 controls, lone surrogates (undecodable bytes) and the bidirectional
# overrides that can reorder what a terminal shows ("Trojan Source").
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                     r"\u2066-\u2069\ud800-\udfff]")
SURROGATE = re.compile(r"[\ud800-\udfff]")


def plain(text: str) -> str:
    """Replace control characters (and undecodable bytes) with visible escapes."""
    return CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """Like ``plain`` but also escapes newlines and tabs, for formats with one
    record per line (a newline in a message could forge another finding)."""
    return plain(text).replace("\n", "\\n").replace("\t", "\\t")


def unicode_text(text: str) -> str:
    """Replace only undecodable bytes (lone surrogates) with ``\\xNN``.

    For JSON and XML formats: their consumers escape control characters
    themselves but cannot carry lone surrogates (I-JSON, XML 1.0).
    """
    return SURROGATE.sub(_escape, text)


def unicode_data(value: object) -> object:
    """``unicode_text`` applied to every string (keys too) in JSON-like data."""
    if isinstance(value, str):
        return unicode_text(value)
    if isinstance(value, dict):
        return {unicode_data(key): unicode_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unicode_data(item) for item in value]
    return value


def _escape(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
