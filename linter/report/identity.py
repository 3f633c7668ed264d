"""Stable identities for findings, shared by SARIF and Code Climate.

Code-scanning services match results across runs by a fingerprint. Ours is
made of what identifies the problem, not where it happens to be written:
the rule id, the repository-relative path, the service and the parameter
(or, for a finding without one, the parameter its fix sets). Never the line
or column (a comment added at the top moves every line) and never the
message (it quotes values that change for unrelated reasons). Findings
alike in all of these are told apart by their order.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from linter.engine.findings import Finding

FINGERPRINT_VERSION = "v2"
SAFE = "/!$&'()*+,;=@"    # RFC 3986 sub-delims and the path separator
PROBE_URI = re.compile(r"^(smtp|submission|submissions)://[^/\s]+$")


def subject(finding: Finding) -> str:
    """The parameter a finding is about: its own, else the one its fix sets."""
    if finding.parameter:
        return finding.parameter
    if finding.fix is not None and finding.fix.edits:
        return finding.fix.edits[0].name
    return ""


def identity(finding: Finding) -> tuple[str, str, str, str]:
    return (finding.rule, posix_path(finding.path), finding.service or "", subject(finding))


def fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One hex digest per finding (paths as the report gives them, which
    for machine formats is relative to the project root)."""
    seen: dict[tuple, int] = {}
    result = []
    for finding in findings:
        key = identity(finding)
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


def is_relative(path: str) -> bool:
    posix = posix_path(path)
    return not posix.startswith("/") and not PureWindowsPath(path).drive


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


def directory_uri(path: str) -> str:
    """``file://`` URI of an absolute directory, ending in ``/`` as SARIF's
    originalUriBaseIds require."""
    text = uri(path)
    return text if text.endswith("/") else text + "/"
