"""The default, human-readable format: one finding per line, its fix, a summary.

Everything taken from linted files goes through ``one_line`` so no control
sequence reaches the terminal and no newline can forge a finding. Colour
is added only around words we wrote (severities, the verdict), and only when
the CLI decided the output is a colour terminal. A long value (a cipher
list, a restriction list) is shortened in the message with an ellipsis;
``-v`` and the machine formats show it whole. Fix lines stay whole: they
are meant to be copied. Paths are as the user gave them (relative to the
current directory), so a terminal or editor can open them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from linter.report.escape import one_line
from linter.report.summary import totals, verdict

if TYPE_CHECKING:
    from linter.engine.findings import Finding
    from linter.report import Notification, Report

RESET = "\x1b[0m"
COLORS = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "note": "\x1b[36m",
    "failed": "\x1b[1;31m",
    "incomplete": "\x1b[1;31m",
    "passed": "\x1b[32m",
}
INDENT = "    "
# A word (no blanks) longer than this is shown as its head, "…", its tail.
LONG_WORD = 64
HEAD, TAIL = 40, 16
_LONG = re.compile(rf"\S{{{LONG_WORD + 1},}}")


def _paint(word: str, color: bool) -> str:
    return f"{COLORS[word]}{word}{RESET}" if color and word in COLORS else word


def shorten(text: str) -> str:
    """Long words cut in the middle: ``ALL:!aNULL:…:!SHA1`` keeps both ends."""
    return _LONG.sub(lambda match: f"{match.group()[:HEAD]}…{match.group()[-TAIL:]}", text)


def finding_lines(finding: Finding, color: bool, whole: bool = True) -> list[str]:
    """The location line, then the fix's description and exact lines."""
    location = f"{one_line(finding.path)}:{finding.line}:{finding.column}:"
    if "://" in finding.path:  # a probed server (submission://host:587) has no lines
        location = f"{one_line(finding.path)}:"
    head = f"{location} {_paint(finding.severity, color)} {one_line(finding.rule)}"
    message = finding.message if whole else shorten(finding.message)
    lines = [f"{head} {one_line(message)}"]
    if finding.fix is not None:
        description = finding.fix.description if whole else shorten(finding.fix.description)
        lines.append(f"  fix ({fix_label(finding.fix)}): {one_line(description)}")
        lines.extend(INDENT + one_line(line) for line in finding.fix.lines)
    return lines


def fix_label(fix) -> str:
    """Whether ``--fix`` would apply the fix."""
    if not fix.edits:
        return "by hand"
    return "--fix applies it" if fix.safety == "safe" else "unsafe: --fix --unsafe-fixes"


def notification_line(note: Notification, color: bool) -> str:
    word = "error" if note.level == "error" else "note"
    where = f"{one_line(note.path)}: " if note.path else ""
    return f"{_paint(word, color)}: {where}{one_line(note.message)}"


def summary_line(report: Report) -> str:
    """E.g. ``2 errors, 1 warning, 0 info in 3 files: failed``."""
    return f"{totals(report)}: {_paint(verdict(report), report.color)}"


def render(report: Report) -> str:
    out: list[str] = []
    whole = report.verbosity > 0
    for finding in report.findings:
        out.extend(finding_lines(finding, report.color, whole))
    quiet = report.verbosity < 0 and report.complete
    if quiet:
        return "".join(line + "\n" for line in out)
    notes = [notification_line(note, report.color)
             for note in (*report.notes, *report.errors)]
    if out and notes:
        out.append("")
    out.extend(notes)
    if out:
        out.append("")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"
