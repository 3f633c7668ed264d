"""What a rule reports: a located, specific finding and its fix.

Renderers only format these; the fix stage applies ``Fix.edits`` to the
concrete syntax tree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")
# A safe fix cannot change which clients can connect, authenticate or relay;
# an unsafe one changes policy. ``--fix`` applies safe fixes only.
FIX_SAFETY = ("safe", "unsafe")


# What an Edit can do (linter/fix applies them to the syntax tree).
EDIT_ACTIONS = ("set", "remove", "rename-service", "add-service", "replace")


@dataclass(frozen=True)
class Edit:
    """A structured change to a configuration file.

    - ``set`` / ``remove``: a main.cf parameter, or the ``-o`` option
      ``name`` of the master.cf entry ``service`` (``name/type``) when
      ``service`` is given. ``remove`` removes every definition, so no
      earlier duplicate takes over; with a ``span``, only the main.cf
      definition on its line (a duplicate that Postfix ignores).
    - ``rename-service``: the entry ``service`` gets the service field ``name``.
    - ``add-service``: the entry ``service`` (``name`` is its service field)
      is activated from a commented-out block when master.cf has one, else
      ``value`` (the whole entry, lines joined by newlines) is inserted
      after the last smtpd listener.
    - ``replace``: the words at ``span`` (start line, start column, end
      line, end column; 1-based, end exclusive) of entry ``service``
      become ``value`` (a broken ``-o`` rewritten as the author meant).
    """

    action: str
    path: str
    name: str
    value: str | None = None
    service: str | None = None
    span: tuple[int, int, int, int] | None = None


@dataclass(frozen=True)
class Fix:
    description: str
    lines: tuple[str, ...] = ()     # the exact configuration lines
    edits: tuple[Edit, ...] = ()
    safety: str = "unsafe"          # one of FIX_SAFETY

    def to_json(self) -> dict:
        return {"description": self.description, "lines": list(self.lines),
                "edits": [asdict(edit) for edit in self.edits], "safety": self.safety}


@dataclass(frozen=True)
class Related:
    """Another place a finding concerns: a service that one main.cf cause
    affects, or the earlier of two duplicates."""

    path: str
    line: int
    column: int
    label: str                      # what the place is, e.g. "submission/inet"

    def to_json(self) -> dict:
        return asdict(self)


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
    # The parameter the finding is about: with rule, path and service it
    # identifies the finding across unrelated edits (fingerprints).
    parameter: str | None = None
    related: tuple[Related, ...] = ()
    # Where the cause ends (SARIF regions): the end of the entry or token
    # at line/column, filled in by the lint stage from the syntax tree; 0
    # when unknown. endColumn is the column after the last character.
    end_line: int = field(default=0, compare=False)
    end_column: int = field(default=0, compare=False)

    def to_json(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "path": self.path,
                "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column,
                "message": self.message,
                "service": self.service, "parameter": self.parameter,
                "related": [place.to_json() for place in self.related],
                "fix": self.fix.to_json() if self.fix else None}

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)
