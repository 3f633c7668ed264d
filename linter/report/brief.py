"""One line per finding, ``path:line:col: rule-id message``: for editors'
error matchers and grep. No summary, no colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import one_line

if TYPE_CHECKING:
    from linter.report import Report


def render(report: Report) -> str:
    return "".join(f"{one_line(f.path)}:{f.line}:{f.column}: {one_line(f.rule)} "
                   f"{one_line(f.message)}\n" for f in report.findings)
