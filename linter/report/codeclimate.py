"""GitLab Code Quality (a subset of the Code Climate issue format).

GitLab matches issues between the merge request and its target branch by
``fingerprint``; ours leaves out the line so moving configuration does not
reopen an issue (see ``identity``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from linter.report.escape import unicode_data
from linter.report.identity import fingerprints, posix_path

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Report

SEVERITIES = {"error": "critical", "warning": "minor", "info": "info"}


def _categories(finding: Finding) -> list[str]:
    """Code Climate requires a category; GitLab ignores it."""
    return ["Security"] if "security" in finding.tags else ["Bug Risk"]


def _issue(finding: Finding, fingerprint: str) -> dict:
    issue: dict = {
        "type": "issue",
        "check_name": finding.rule,
        "description": finding.message,
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


def document(report: Report) -> list[dict]:
    """The issue list as Python data (also used by tests)."""
    return [_issue(finding, fingerprint) for finding, fingerprint
            in zip(report.findings, fingerprints(report.findings), strict=True)]


def render(report: Report) -> str:
    return json.dumps(unicode_data(document(report)), indent=2, ensure_ascii=True) + "\n"
