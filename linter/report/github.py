"""GitHub Actions workflow commands: annotations on the pull request's diff.

The runner parses each output line as a command, so text from linted files is
escaped as the runner's toolkit does (a raw newline could start a command of
its own, e.g. ``::stop-commands::``); terminal control characters become
visible escapes since the log viewer interprets ANSI sequences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from linter.report.escape import plain
from linter.report.identity import posix_path

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


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
    properties.append(f"title={escape_property(finding.rule)}")
    name = COMMANDS.get(finding.severity, "warning")
    return f"::{name} {','.join(properties)}::{escape_data(_message(finding))}"


def render(report: Report) -> str:
    return "".join(command(finding) + "\n" for finding in report.findings)
