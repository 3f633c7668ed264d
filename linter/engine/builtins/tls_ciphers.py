"""Which weak cipher families an OpenSSL cipher string names explicitly.

What a broad alias (HIGH, MEDIUM, DEFAULT) contains depends on the OpenSSL
build of the server, which a linter cannot see; what a list names outright
(``RC4``, ``DES-CBC3-SHA``, ``aNULL``, ``ALL``) it admits everywhere. So a
family counts as admitted only when some token names it, no later ``-``
token removes it and no ``!`` token bans it. Postfix's own default lists
name none (``aNULL:-aNULL:...`` removes again; ``+RC4`` only reorders).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_SEPARATORS = re.compile(r"[\s,:]+")

# Family -> a test on one cipher-string component (alias or suite name).
FAMILIES: dict[str, Callable[[str], bool]] = {
    "RC4": lambda c: "RC4" in c.upper(),
    "3DES": lambda c: c.upper() == "3DES" or "DES-CBC3" in c.upper(),
    "NULL": lambda c: c in ("eNULL", "NULL", "COMPLEMENTOFALL")
    or c.upper().startswith("NULL-") or "-NULL-" in c.upper(),
    "aNULL": lambda c: c in ("aNULL", "ADH", "AECDH", "ALL", "COMPLEMENTOFDEFAULT")
    or c.upper().startswith(("ADH-", "AECDH-")),
    "EXPORT": lambda c: c.upper() in ("EXP", "EXPORT", "EXPORT40", "EXPORT56")
    or c.upper().startswith(("EXP-", "EXP1024-")),
    "LOW": lambda c: c.upper() in ("LOW", "DES") or "DES-CBC-" in c.upper(),
}
LABELS = {"RC4": "RC4", "3DES": "3DES", "NULL": "NULL (unencrypted)",
          "aNULL": "anonymous (aNULL)", "EXPORT": "EXPORT", "LOW": "LOW (single DES)"}


def _names(token: str, family: str) -> bool:
    return any(FAMILIES[family](part) for part in token.split("+") if part)


def weak_families(cipherlist: str, exclusions: str) -> tuple[str, ...] | None:
    """Weak families the list names and still admits after ``exclusions``
    (which Postfix appends as ``:!name``); None when Postfix would reject
    an exclusion (one starting with ``!``, ``+``, ``-`` or ``@``)."""
    if len(cipherlist) + len(exclusions) > CACHED_LENGTH:
        return _weak_families(cipherlist, exclusions)
    return _cached_weak_families(cipherlist, exclusions)


# Every service that inherits main.cf's list asks about the same one (and
# each asks about Postfix's default list): remembered by value, for values
# of ordinary size only, so the cache never holds a hostile megabyte.
CACHED_LENGTH = 4096


def _weak_families(cipherlist: str, exclusions: str) -> tuple[str, ...] | None:
    tokens = [t for t in _SEPARATORS.split(cipherlist.strip()) if t]
    for name in (t for t in _SEPARATORS.split(exclusions.strip()) if t):
        if name.startswith(("!", "+", "-", "@")):
            return None
        tokens.append("!" + name)
    found = []
    for family in FAMILIES:
        present = banned = False
        for token in tokens:
            if token.startswith("@"):
                continue
            if token.startswith(("!", "-", "+")):
                if token[0] != "+" and _names(token[1:], family):
                    banned = banned or token[0] == "!"
                    present = False
            elif _names(token, family):
                present = True
        if present and not banned:
            found.append(family)
    return tuple(found)


_cached_weak_families = lru_cache(maxsize=256)(_weak_families)
