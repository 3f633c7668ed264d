"""Problems seen on a live server or host, as the engine's findings."""

from __future__ import annotations

from linter.audit.targets import ENGINE_ROLE
from linter.engine.findings import Finding
from linter.engine.rules import Rule


def probe_finding(rules: dict[str, Rule], rule_id: str, location: str, role: str,
                  message: str) -> Finding | None:
    """A finding at a target (``submission://host:587``); None when the
    rule is not selected."""
    rule = rules.get(rule_id)
    if rule is None:
        return None
    severity = rule.severity_by_role.get(ENGINE_ROLE.get(role, role), rule.severity)
    return Finding(rule=rule_id, severity=severity, path=location, line=0, column=0,
                   message=message, service=role, tags=rule.tags)
