"""One line per finding, ``path:line:col: severity: rule-id message``.

For editors' error matchers (the gcc-style ``file:line:col: error:`` most of
them know) and grep. No summary, no colour. A run that could not lint
everything says so in a line of its own, so an empty output always means
a complete run without findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import one_line

if TYPE_CHECKING:
    from linter.report import Report


def render(report: Report) -> str:
    lines = [f"{_where(f)} {f.severity}: {one_line(f.rule)} "
             f"{one_line(f.message)}" for f in report.findings]
    for note in report.errors:
        where = f"{one_line(note.path)}:1:1" if note.path else "smtplint"
        lines.append(f"{where}: error: run-incomplete {one_line(note.message)}")
    return "".join(line + "\n" for line in lines)


def _where(finding) -> str:
    """``path:line:col:``; a probed server (``submission://host:587``) has no lines."""
    if "://" in finding.path:
        return f"{one_line(finding.path)}:"
    return f"{one_line(finding.path)}:{finding.line}:{finding.column}:"
