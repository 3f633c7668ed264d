"""One line per finding, ``path:line:col: rule-id message``: for editors'
error matchers and grep. No summary, no colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import one_line

if TYPE_CHECKING:
    from linter.report import Report


def render(report: Report) -> str:
    return "".join(f"{_where(f)} {one_line(f.rule)} "
                   f"{one_line(f.message)}\n" for f in report.findings)


def _where(finding) -> str:
    """``path:line:col:``; a probed server (``submission://host:587``) has no lines."""
    if "://" in finding.path:
        return f"{one_line(finding.path)}:"
    return f"{one_line(finding.path)}:{finding.line}:{finding.column}:"
