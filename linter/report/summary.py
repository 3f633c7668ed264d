"""Counts and the verdict every format reports the same way.

Shared so that no two formats can disagree about whether a run passed: a
run passes only when it is complete (every file linted, nothing crashed)
and no finding has a failing severity.
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


def has_failing_findings(report: Report) -> bool:
    return any(finding.severity in report.failing for finding in report.findings)


def failed(report: Report) -> bool:
    """Whether the run did not pass: failing findings, or incomplete."""
    return has_failing_findings(report) or not report.complete


def verdict(report: Report) -> str:
    """``passed``, ``failed`` or ``incomplete`` (which is never a pass)."""
    if not report.complete:
        return "incomplete"
    return "failed" if has_failing_findings(report) else "passed"


def plural(count: int, word: str) -> str:
    if word == "info" or count == 1:
        return f"{count} {word}"
    return f"{count} {word}s"


def totals(report: Report) -> str:
    """E.g. ``2 errors, 1 warning, 0 info in 3 files``."""
    per_severity = ", ".join(plural(count, severity)
                             for severity, count in counts(report).items())
    return f"{per_severity} in {plural(len(report.files), 'file')}"


def tool_version(report: Report) -> str:
    """The version the caller gave, else the package's own."""
    if report.tool_version:
        return report.tool_version
    from linter import __version__

    return __version__
