"""Machine-readable findings: the format ``schemas/findings.schema.json`` describes.

Stable keys and order so that other tools (and diffs of saved output) can
rely on them. Text from linted files is kept as is (JSON escapes control
characters), except undecodable bytes, which are shown as ``\\xNN``. The
run's status is part of the document: ``summary.complete`` is false when a
file could not be linted, and ``summary.failed`` is then true.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from linter.report.escape import unicode_data
from linter.report.summary import counts, failed, tool_version

if TYPE_CHECKING:
    from linter.report import Report


def document(report: Report) -> dict:
    """The JSON document as Python data (also used by tests)."""
    summary: dict = dict(counts(report))
    summary["total"] = len(report.findings)
    summary["failed"] = failed(report)
    summary["complete"] = report.complete
    summary["files"] = len(report.files)
    return {
        "tool": {"name": "smtplint", "version": tool_version(report)},
        "findings": [finding.to_json() for finding in report.findings],
        "notifications": [note.to_json() for note in report.notifications],
        "summary": summary,
    }


def render(report: Report) -> str:
    # Undecodable bytes become the text \\xNN: a lone surrogate is not valid
    # Unicode and strict JSON parsers reject it.
    return json.dumps(unicode_data(document(report)), indent=2, ensure_ascii=True) + "\n"
