"""Renderers: one module per output format, all fed the same findings.

Each module ``linter.report.<format>`` has ``render(report: Report) -> str``.
Renderers never compute; they format. They are imported on first use.
Paths in a Report are already what the format shows (relative to the
project root for machine formats, see ``linter.project``).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from linter.engine.findings import Finding
from linter.engine.rules import Rule

FORMATS = ("text", "brief", "json", "sarif", "codeclimate", "github", "junit")


@dataclass(frozen=True)
class Notification:
    """Something about the run itself rather than the configuration.

    ``error``: the run is incomplete (a file could not be linted, an
    internal error): no format may say it passed. ``note``: information
    for the summary (rules that could not judge, and why)."""

    message: str
    path: str | None = None
    level: str = "error"            # "error" or "note"

    def to_json(self) -> dict:
        return {"message": self.message, "path": self.path, "level": self.level}


@dataclass
class Report:
    findings: list[Finding]
    rules: dict[str, Rule] = field(default_factory=dict)   # by id, for metadata
    files: list[str] = field(default_factory=list)         # every file linted
    failing: tuple[str, ...] = ("error",)   # severities that fail (--strict adds warning)
    color: bool = False
    tool_version: str = ""
    notifications: list[Notification] = field(default_factory=list)
    # The project root as an absolute path (SARIF originalUriBaseIds), when known.
    root: str | None = None
    # -q counts down, -v up: text leaves out the summary below 0 and shows
    # long values whole above 0.
    verbosity: int = 0

    @property
    def complete(self) -> bool:
        """No error notification: every file was linted, nothing crashed."""
        return not any(note.level == "error" for note in self.notifications)

    @property
    def errors(self) -> list[Notification]:
        return [note for note in self.notifications if note.level == "error"]

    @property
    def notes(self) -> list[Notification]:
        return [note for note in self.notifications if note.level != "error"]


def render(output_format: str, report: Report) -> str:
    if output_format not in FORMATS:
        raise ValueError(f"unknown format {output_format!r}")
    module = importlib.import_module(f"linter.report.{output_format}")
    return module.render(report)
