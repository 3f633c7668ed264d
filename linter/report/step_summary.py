"""The GitHub Actions job summary (``$GITHUB_STEP_SUMMARY``): markdown.

Annotations stop at 10 per level and step; the job summary lists every
finding. All text from linted files goes through ``markdown_text``, so a
value cannot add a link, an image, HTML or a table cell. GitHub limits a
step's summary to 1 MiB: past ``MAX_ROWS`` findings the table says how many
more there are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import markdown_text
from linter.report.identity import posix_path
from linter.report.summary import counts, plural, verdict

if TYPE_CHECKING:
    from linter.report import Report

MAX_ROWS = 500
ICONS = {"passed": "✅", "failed": "❌", "incomplete": "⚠️"}


def _cell(text: str) -> str:
    return markdown_text(text) or " "


def render(report: Report) -> str:
    result = verdict(report)
    per_severity = counts(report)
    out = [f"## smtplint: {ICONS[result]} {result}", "",
           "| errors | warnings | info | files |", "| ---: | ---: | ---: | ---: |",
           f"| {per_severity['error']} | {per_severity['warning']} | {per_severity['info']} "
           f"| {len(report.files)} |", ""]
    if report.errors:
        out += ["**The run is incomplete**: these could not be linted, so the result "
                "is not a pass.", ""]
        out += [f"- {_cell(posix_path(note.path)) + ': ' if note.path else ''}"
                f"{_cell(note.message)}" for note in report.errors]
        out.append("")
    if report.findings:
        out += ["| severity | rule | location | message |", "| --- | --- | --- | --- |"]
        for finding in report.findings[:MAX_ROWS]:
            where = f"{posix_path(finding.path)}:{finding.line}"
            out.append(f"| {finding.severity} | {_cell(finding.rule)} | {_cell(where)} "
                       f"| {_cell(finding.message)} |")
        rest = len(report.findings) - MAX_ROWS
        if rest > 0:
            out.append(f"| | | | and {plural(rest, 'more finding')} |")
        out.append("")
    if report.notes:
        out += [f"> note: {_cell(note.message)}" for note in report.notes]
        out.append("")
    return "\n".join(out) + "\n"
