"""Numbers the way Postfix's C code reads them.

Python's ``str.isdigit()`` accepts ``³`` and Arabic-Indic digits, and
``int()`` refuses strings of more than 4,300 digits; Postfix reads ASCII
``[0-9]`` only, with C's ``strtol``/``atoi``, and wraps or clamps where C
does. Each function here reads a bounded number of digits (never calls
``int()`` on an unbounded string) and says what Postfix does with the text.
Verified against Postfix 3.7 (postconf, and a real master on Linux/glibc).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# C isspace() in the C locale: what strtol() skips first.
C_SPACE = " \t\n\v\f\r"
LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)
ULONG_MAX = 2**64 - 1
_BLANKS = re.compile(f"[{re.escape(C_SPACE)}]*")   # what strtol skips
_DIGITS = re.compile(r"[0-9]*")
# A longer run of significant digits overflows a 64-bit long for sure.
_MAX_SIGNIFICANT = 20


def alldig(text: str) -> bool:
    """Postfix's alldig(): non-empty and ASCII digits only."""
    return bool(text) and text.isascii() and text.isdigit()


@dataclass(frozen=True, slots=True)
class CLong:
    """The result of C ``strtol(text, &end, 10)``."""

    value: int       # clamped to LONG_MIN..LONG_MAX, as strtol does
    end: int         # index after the digits; the start index when none were read
    overflow: bool   # errno == ERANGE
    negative: bool = False
    magnitude: int = 0   # the digits' value, capped just above ULONG_MAX


def strtol(text: str, start: int = 0) -> CLong:
    """C ``strtol`` from ``text[start]``: blanks, a sign, ASCII digits."""
    index = _BLANKS.match(text, start).end()
    length = len(text)
    negative = False
    if index < length and text[index] in "+-":
        negative = text[index] == "-"
        index += 1
    end = _DIGITS.match(text, index).end()
    if end == index:
        return CLong(0, start, False)
    significant = text[index:end].lstrip("0")
    magnitude = (ULONG_MAX + 1 if len(significant) > _MAX_SIGNIFICANT
                 else int(significant or "0"))
    value = -magnitude if negative else magnitude
    if value > LONG_MAX:
        return CLong(LONG_MAX, end, True, negative, magnitude)
    if value < LONG_MIN:
        return CLong(LONG_MIN, end, True, negative, magnitude)
    return CLong(value, end, False, negative, magnitude)


def int32(value: int) -> int:
    """C's conversion of a long to a 32-bit int (two's complement wrap)."""
    return ((value + 2**31) % 2**32) - 2**31


def atoi(text: str) -> int:
    """glibc ``atoi``: ``(int) strtol(text, NULL, 10)``."""
    return int32(strtol(text).value)


@dataclass(frozen=True, slots=True)
class Field:
    """A master.cf number field as master_ent.c's get_int_ent reads it."""

    value: int | None   # None: master refuses the entry
    note: str = ""      # why it is refused, or what master silently does


def master_number(text: str, minimum: int = 0, question: bool = False) -> Field:
    """``!ISDIGIT(*value) || (n = atoi(value)) < min`` is fatal; anything
    after the leading digits is ignored (``60x`` is 60). ``question``: a
    final ``?`` is meaningful (the conditional wakeup timer)."""
    if not text or not "0" <= text[0] <= "9":
        return Field(None, "expected an ASCII number")
    parsed = strtol(text)
    number = int32(parsed.value)
    if number < minimum:
        return Field(None, "the number is out of range (master reads it as "
                           f"{number} and refuses it)")
    rest = text[parsed.end:]
    if parsed.overflow or number != parsed.value:
        return Field(number, f"the number is out of range: master reads it as {number}")
    if rest and not (question and rest == "?"):
        return Field(number, f"master reads {number} and ignores {_quote(rest)}")
    return Field(number)


def compatibility_level(text: str) -> tuple[int, int, int] | None:
    """compat_level_from_string(): ``major[.minor[.patch]]``, each part a
    strtol number, major 0..2^43-1, minor and patch 0..1023; None when
    Postfix says "malformed compatibility level syntax"."""
    parts: list[int] = []
    index = 0
    limits = (LONG_MAX >> 20, 1023, 1023)
    while True:
        parsed = strtol(text, index)
        if parsed.end == index or parsed.overflow or not 0 <= parsed.value <= limits[len(parts)]:
            return None
        parts.append(parsed.value)
        index = parsed.end
        if index == len(text):
            break
        if text[index] != "." or len(parts) == 3:
            return None
        index += 1
    parts += [0] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


def compare_numbers(left: str, right: str) -> int | None:
    """mac_expand's numeric comparison of two alldig() operands: the sign of
    left - right, or None for "bad conversion" (a value over LONG_MAX)."""
    left_value, right_value = strtol(left), strtol(right)
    if left_value.overflow or right_value.overflow:
        return None
    delta = left_value.value - right_value.value
    return (delta > 0) - (delta < 0)


@dataclass(frozen=True, slots=True)
class Port:
    """A numeric service as getaddrinfo (glibc) turns it into a TCP port."""

    port: int | None    # None: master stops ("Servname not supported")
    note: str = ""


def numeric_port(text: str) -> Port | None:
    """``text`` as glibc's getaddrinfo reads a numeric service: strtoul,
    then an int, then 16 bits. None when ``text`` is not numeric at all
    (a service name). Port 0 means the kernel picks a random port."""
    if not text or text[0] in C_SPACE:
        return None
    parsed = strtol(text)
    if parsed.end != len(text):
        return None
    if parsed.magnitude > ULONG_MAX:
        unsigned = ULONG_MAX          # strtoul clamps
    else:
        unsigned = (-parsed.magnitude) % 2**64 if parsed.negative else parsed.magnitude
    number = int32(unsigned)
    if number < 0:
        return Port(None, f"{_quote(text)} is not a port number: master stops "
                          "(Servname not supported for ai_socktype)")
    port = number % 65536
    if port == 0:
        return Port(0, f"port {_quote(text)} makes the kernel pick a random port: "
                       "master starts, but no client can find the service")
    if port != number:
        return Port(port, f"{_quote(text)} is out of range (1-65535): master "
                          f"(Linux, glibc) listens on port {port} instead")
    return Port(port)


def _quote(text: str, limit: int = 24) -> str:
    shown = text if len(text) <= limit else text[:limit] + "..."
    return repr(shown)
