"""GitHub Actions workflow commands: annotations on the pull request's diff.

The runner parses each output line as a command, so text from linted files is
escaped as the runner unescapes it (``%``, CR and LF in the message; also
``:`` and ``,`` in properties), and terminal control and invisible
characters become visible escapes since the log viewer interprets ANSI
sequences. GitHub shows at most 10 error and 10 warning annotations per
step, so the first line is a summary annotation with the totals, and
``linter.report.step_summary`` writes every finding to the job summary.
A run that could not lint everything adds an error annotation per cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import plain
from linter.report.identity import posix_path
from linter.report.summary import counts, totals, verdict

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Notification, Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
SHOWN_PER_LEVEL = 10      # GitHub's limit per step for each annotation level


def escape_data(text: str) -> str:
    """The message part, after ``::``."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return plain(escaped)


def escape_property(text: str) -> str:
    """A ``key=value`` property: also ``:`` and ``,``, which end it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding) -> str:
    if finding.fix is None:
        return finding.message
    return "\n".join([finding.message, f"Fix: {finding.fix.description}",
                      *(f"    {line}" for line in finding.fix.lines)])


def command(finding: Finding) -> str:
    properties = [f"file={escape_property(posix_path(finding.path))}"]
    if finding.line >= 1:
        properties.append(f"line={finding.line}")
        if finding.column >= 1:
            properties.append(f"col={finding.column}")
        if finding.end_line > finding.line:
            properties.append(f"endLine={finding.end_line}")
    properties.append(f"title={escape_property(finding.rule)}")
    name = COMMANDS.get(finding.severity, "warning")
    return f"::{name} {','.join(properties)}::{escape_data(_message(finding))}"


def incomplete_command(note: Notification) -> str:
    properties = []
    if note.path:
        properties.append(f"file={escape_property(posix_path(note.path))}")
    properties.append("title=smtplint could not lint everything")
    return f"::error {','.join(properties)}::{escape_data(note.message)}"


def summary_command(report: Report) -> str:
    """One annotation with the totals: the only one certain to be shown."""
    result = verdict(report)
    text = f"smtplint: {totals(report)}: {result}"
    per_level = counts(report)
    hidden = [f"{count - SHOWN_PER_LEVEL} {severity}" for severity, count in per_level.items()
              if count > SHOWN_PER_LEVEL]
    if hidden:
        text += (f". GitHub shows {SHOWN_PER_LEVEL} annotations of each level per step; "
                 f"not shown here: {', '.join(hidden)} (see the job summary or the log)")
    name = "notice" if result == "passed" else "error"
    return f"::{name} title=smtplint {result}::{escape_data(text)}"


def render(report: Report) -> str:
    lines = [summary_command(report)]
    lines += [incomplete_command(note) for note in report.errors]
    lines += [command(finding) for finding in report.findings]
    return "".join(line + "\n" for line in lines)
