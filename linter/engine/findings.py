"""What a rule reports: a located, specific finding and its fix.

Renderers only format these; the fix stage applies ``Fix.edits`` to the
concrete syntax tree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Edit:
    """A structured change to a configuration file.

    ``action`` is ``set`` (main.cf parameter, or ``-o`` when ``service`` is
    given) or ``remove``; ``service`` is the master.cf ``name/type``.
    """

    action: str
    path: str
    name: str
    value: str | None = None
    service: str | None = None


@dataclass(frozen=True)
class Fix:
    description: str
    lines: tuple[str, ...] = ()     # the exact configuration lines
    edits: tuple[Edit, ...] = ()

    def to_json(self) -> dict:
        return {"description": self.description, "lines": list(self.lines),
                "edits": [asdict(edit) for edit in self.edits]}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    path: str
    line: int
    column: int
    message: str
    service: str | None = None      # "submission/inet"
    fix: Fix | None = None
    tags: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "path": self.path,
                "line": self.line, "column": self.column, "message": self.message,
                "service": self.service, "fix": self.fix.to_json() if self.fix else None}

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)
