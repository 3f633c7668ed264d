"""GitLab Code Quality (a subset of the Code Climate issue format).

GitLab reads ``description``, ``check_name``, ``fingerprint`` (unique),
``severity`` (info, minor, major, critical, blocker), ``location.path``
(relative to the repository) and ``location.lines.begin``, from a JSON array
without a byte-order mark; it ignores the rest of Code Climate's keys. It
matches issues between the merge request and its target branch by
fingerprint; ours leaves out the line so moving configuration does not
reopen an issue (see ``identity``). A run that could not lint a file adds
a ``blocker`` issue saying so: an empty report must mean a clean run.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from linter.report.escape import unicode_data
from linter.report.identity import fingerprints, posix_path

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Notification, Report

INCOMPLETE_CHECK = "smtplint-run-incomplete"
SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}


def _categories(finding: Finding) -> list[str]:
    """Code Climate requires a category; GitLab ignores it."""
    return ["Security"] if "security" in finding.tags else ["Bug Risk"]


def _issue(finding: Finding, fingerprint: str) -> dict:
    issue: dict = {
        "type": "issue",
        "check_name": finding.rule,
        "description": finding.message or finding.rule,
        "categories": _categories(finding),
        "fingerprint": fingerprint,
        "severity": SEVERITIES.get(finding.severity, "minor"),
        "location": {"path": posix_path(finding.path),
                     "lines": {"begin": max(finding.line, 1)}},
    }
    if finding.fix is not None:
        body = "\n".join([f"Fix: {finding.fix.description}", "",
                          *(f"    {line}" for line in finding.fix.lines)])
        issue["content"] = {"body": body}
    return issue


def _incomplete(note: Notification, number: int) -> dict:
    path = posix_path(note.path) if note.path else "."
    key = "\0".join((INCOMPLETE_CHECK, path, str(number)))
    return {
        "type": "issue",
        "check_name": INCOMPLETE_CHECK,
        "description": f"smtplint could not lint everything: {note.message}",
        "categories": ["Bug Risk"],
        "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest(),
        "severity": "blocker",
        "location": {"path": path, "lines": {"begin": 1}},
    }


def document(report: Report) -> list[dict]:
    """The issue list as Python data (also used by tests)."""
    issues = [_issue(finding, fingerprint) for finding, fingerprint
              in zip(report.findings, fingerprints(report.findings), strict=True)]
    issues += [_incomplete(note, number) for number, note in enumerate(report.errors)]
    return issues


def render(report: Report) -> str:
    return json.dumps(unicode_data(document(report)), indent=2, ensure_ascii=True) + "\n"
