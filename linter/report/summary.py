"""Counts every format reports the same way: per severity, total, failed.

Shared so that text, json and junit can never disagree about whether a run
failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.engine.findings import SEVERITIES

if TYPE_CHECKING:
    from linter.report import Report


def counts(report: Report) -> dict[str, int]:
    """Findings per severity, every severity present (zero when none)."""
    result = dict.fromkeys(SEVERITIES, 0)
    for finding in report.findings:
        result[finding.severity] = result.get(finding.severity, 0) + 1
    return result


def failed(report: Report) -> bool:
    """Whether any finding has a severity that fails the run."""
    return any(finding.severity in report.failing for finding in report.findings)


def tool_version(report: Report) -> str:
    """The version the caller gave, else the package's own."""
    if report.tool_version:
        return report.tool_version
    from linter import __version__

    return __version__
