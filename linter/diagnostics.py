"""Problems found while reading or resolving a configuration.

A diagnostic is what Postfix itself would say (a warning or a fatal error),
located at file:line:column. Parsers return them instead of raising; the
rule engine turns each into a finding of the rule named by ``code``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int
    severity: str      # "error" (Postfix refuses) or "warning"
    code: str          # the rule id this diagnostic belongs to
    message: str

    def to_json(self) -> dict:
        return asdict(self)
