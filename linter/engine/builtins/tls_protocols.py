"""Which TLS protocol versions a Postfix protocol list admits.

Postfix accepts two syntaxes (tls_misc.c, tls_proto_mask_lims): names to
include or, after ``!``, exclude (``!SSLv2, !SSLv3``), and from 3.6 on
bounds (``>=TLSv1.2``, ``<=TLSv1.3``, or hex such as ``>=0x0303``).
Separators are blanks, commas and colons; names are case-sensitive.
"""

from __future__ import annotations

import re

# Postfix's protocol names, oldest first, with their wire versions.
VERSIONS: dict[str, int] = {
    "SSLv2": 0x0002, "SSLv3": 0x0300, "TLSv1": 0x0301,
    "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304,
}
LEGACY = ("TLSv1", "TLSv1.1")   # deprecated by RFC 8996
_BOUNDS = {"None": 0, **{name: code for name, code in VERSIONS.items() if name != "SSLv2"}}
_SEPARATORS = re.compile(r"[\s,:]+")


def _bound(text: str) -> int | None:
    if text in _BOUNDS:
        return _BOUNDS[text]
    try:
        return int(text, 16) if text.isascii() else None  # int() reads "٣" as 3
    except ValueError:
        return None


def admitted_protocols(value: str, bounds: bool = True) -> tuple[str, ...] | None:
    """The protocol names the list admits, oldest first; None when Postfix
    would reject the list as invalid (``bounds`` False: before 3.6, where
    ``>=``/``<=`` do not exist)."""
    include: set[str] = set()
    exclude: set[str] = set()
    floor = ceiling = 0
    for token in (t for t in _SEPARATORS.split(value.strip()) if t):
        if token.startswith((">=", "<=")):
            if not bounds:
                return None
            bound = _bound(token[2:])
            if bound is None:
                return None
            if token.startswith(">="):
                floor = bound
            else:
                ceiling = bound
        elif token.startswith("!"):
            if token[1:] not in VERSIONS:
                return None
            exclude.add(token[1:])
        elif token in VERSIONS:
            include.add(token)
        else:
            return None
    if include:
        exclude |= set(VERSIONS) - include
    return tuple(name for name, code in VERSIONS.items()
                 if name not in exclude and (not floor or code >= floor)
                 and (not ceiling or code <= ceiling))


def legacy_admitted(value: str, bounds: bool = True) -> tuple[str, ...] | None:
    """The RFC 8996 legacy versions (TLSv1, TLSv1.1) the list admits."""
    admitted = admitted_protocols(value, bounds)
    if admitted is None:
        return None
    return tuple(name for name in LEGACY if name in admitted)
