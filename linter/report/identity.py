"""Stable identities for findings, shared by SARIF and Code Climate.

Code-scanning services match results across runs by a fingerprint. Ours
leaves out the line and column so that moving a block of configuration does
not close one issue and open another; identical findings in one file are
told apart by their order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from linter.engine.findings import Finding

FINGERPRINT_VERSION = "v1"
SAFE = "/!$&'()*+,;=@"    # RFC 3986 sub-delims and the path separator
PROBE_URI = re.compile(r"^(smtp|submission|submissions)://[^/\s]+$")


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One hex digest per finding: rule, path, service, message, occurrence."""
    seen: dict[tuple, int] = {}
    result = []
    for finding in findings:
        key = (finding.rule, posix_path(finding.path), finding.service or "",
               finding.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        text = "\0".join((FINGERPRINT_VERSION, *key, str(occurrence)))
        data = text.encode("utf-8", "surrogateescape")
        result.append(hashlib.sha256(data).hexdigest())
    return result


def posix_path(path: str) -> str:
    """Forward slashes, no leading ``./``: how CI services name repo files."""
    if "\\" in path:
        path = PureWindowsPath(path).as_posix()
    text = str(PurePosixPath(path))
    return text.removeprefix("./")


def uri(path: str) -> str:
    """A URI reference for a path: relative stays relative; absolute becomes
    ``file://``; undecodable bytes are percent-encoded as the bytes they were."""
    if PROBE_URI.match(path):  # a probed server: submission://mail.example.org:587
        return quote(path, safe=SAFE + ":[]", errors="surrogateescape")
    posix = posix_path(path)
    if PureWindowsPath(path).drive:
        return "file:///" + quote(posix, safe=SAFE + ":", errors="surrogateescape")
    # ":" stays encoded: in a relative reference it would read as a scheme.
    encoded = quote(posix, safe=SAFE, errors="surrogateescape")
    if posix.startswith("/"):
        return "file://" + encoded
    return encoded
