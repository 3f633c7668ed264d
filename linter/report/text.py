"""The default, human-readable format: one finding per line, its fix, a summary.

Everything taken from linted files goes through ``one_line`` so no control
sequence reaches the terminal and no newline can forge a finding. Colour
is added only around words we wrote (severities, the verdict), and only when
the CLI decided the output is a colour terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import one_line
from linter.report.summary import counts, failed

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Report

RESET = "\x1b[0m"
COLORS = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "failed": "\x1b[1;31m",
    "passed": "\x1b[32m",
}
INDENT = "    "


def _paint(word: str, color: bool) -> str:
    return f"{COLORS[word]}{word}{RESET}" if color and word in COLORS else word


def finding_lines(finding: Finding, color: bool) -> list[str]:
    """The location line, then the fix's description and exact lines."""
    location = f"{one_line(finding.path)}:{finding.line}:{finding.column}:"
    if "://" in finding.path:  # a probed server (submission://host:587) has no lines
        location = f"{one_line(finding.path)}:"
    head = f"{location} {_paint(finding.severity, color)} {one_line(finding.rule)}"
    lines = [f"{head} {one_line(finding.message)}"]
    if finding.fix is not None:
        lines.append(f"  fix: {one_line(finding.fix.description)}")
        lines.extend(INDENT + one_line(line) for line in finding.fix.lines)
    return lines


def _plural(count: int, word: str) -> str:
    if word == "info" or count == 1:
        return f"{count} {word}"
    return f"{count} {word}s"


def summary_line(report: Report) -> str:
    """E.g. ``2 errors, 1 warning, 0 info in 3 files: failed``."""
    per_severity = ", ".join(_plural(count, severity)
                             for severity, count in counts(report).items())
    verdict = "failed" if failed(report) else "passed"
    return (f"{per_severity} in {_plural(len(report.files), 'file')}: "
            f"{_paint(verdict, report.color)}")


def render(report: Report) -> str:
    out: list[str] = []
    for finding in report.findings:
        out.extend(finding_lines(finding, report.color))
    if out:
        out.append("")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
