"""Which rules run and how their findings count: profile, skip, warn, enable.

Entries of skip_list, warn_list and enable_list are rule ids or tags; an id
without a sub-id (``name``) also matches its sub-ids (``name[missing]``).
Rules tagged ``opt-in`` run only when enable_list names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from linter.engine.findings import Finding
from linter.engine.rules import Rule

OPT_IN = "opt-in"


def base_id(rule_id: str) -> str:
    return rule_id.split("[", 1)[0]


def matches(rule_id: str, tags: Iterable[str], selectors: Iterable[str]) -> bool:
    """Whether a rule (by id and tags) is named by one of ``selectors``."""
    names = {rule_id, base_id(rule_id), *tags}
    return any(selector in names for selector in selectors)


def select_rules(rules: Iterable[Rule], profile: str | None = None,
                 skip_list: Iterable[str] = (), enable_list: Iterable[str] = ()) -> list[Rule]:
    skip, enable = tuple(skip_list), tuple(enable_list)
    return [rule for rule in rules
            if rule.in_profile(profile)
            and not matches(rule.id, rule.tags, skip)
            and (OPT_IN not in rule.tags or matches(rule.id, rule.tags, enable))]


def drop_skipped(findings: Iterable[Finding], skip_list: Iterable[str]) -> list[Finding]:
    """Findings of skipped rules that a rule reports under another id (a
    builtin may) are dropped too."""
    skip = tuple(skip_list)
    return [f for f in findings if not matches(f.rule, f.tags, skip)]


def apply_warn_list(findings: Iterable[Finding], warn_list: Iterable[str]) -> list[Finding]:
    """Errors of warn_list rules become warnings: reported, not failing."""
    warn = tuple(warn_list)
    return [replace(f, severity="warning")
            if f.severity == "error" and matches(f.rule, f.tags, warn) else f
            for f in findings]
