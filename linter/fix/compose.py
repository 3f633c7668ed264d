"""Which fixes to apply together: chosen by safety, deduplicated, and with
conflicts settled by a stated rule.

- An edit several findings propose (one main.cf change that fixes three
  services) is applied once.
- Two values for one setting: where Postfix orders the values by
  strictness (TLS levels, ``smtpd_tls_auth_only``), the stricter wins;
  otherwise the fix of the earlier finding wins and the later fix is
  dropped, with a message. A fix is applied whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from linter.engine.findings import Edit, Finding

# Values from least to most strict.
STRICTNESS = {
    "smtpd_tls_security_level": ("none", "may", "encrypt", "dane", "dane-only",
                                 "fingerprint", "verify", "secure"),
    "smtpd_tls_auth_only": ("no", "yes"),
}


@dataclass(frozen=True)
class FixPolicy:
    """Which findings' fixes to apply."""

    unsafe: bool = False                    # --unsafe-fixes
    only: frozenset[str] = frozenset()      # --fix-only RULE[,RULE]: empty means all

    def allows(self, finding: Finding) -> bool:
        fix = finding.fix
        if fix is None or not fix.edits:
            return False
        if self.only and finding.rule not in self.only \
                and finding.rule.split("[", 1)[0] not in self.only:
            return False
        return fix.safety == "safe" or self.unsafe


@dataclass
class Plan:
    edits: list[Edit] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    # The findings whose fixes the plan applies, by edit.
    sources: dict[Edit, list[Finding]] = field(default_factory=dict)


def _target(edit: Edit) -> tuple:
    """What an edit changes: two edits with one target must agree."""
    if edit.action == "remove" and edit.span is not None:
        return ("definition", edit.path, edit.name, edit.span[0])
    if edit.action in ("set", "remove"):
        return ("setting", edit.path, edit.service, edit.name)
    if edit.action == "replace":
        return ("words", edit.path, edit.service, edit.span)
    return ("service", edit.path, edit.service)


def stricter(first: Edit, second: Edit) -> Edit | None:
    """The stricter of two ``set`` edits of one setting, or None when the
    values are not ordered."""
    order = STRICTNESS.get(first.name)
    if order is None or first.action != "set" or second.action != "set":
        return None
    values = [(edit.value or "").strip().lower() for edit in (first, second)]
    if not all(value in order for value in values):
        return None
    return first if order.index(values[0]) >= order.index(values[1]) else second


def plan(findings: Iterable[Finding], allows: Callable[[Finding], bool]) -> Plan:
    result = Plan()
    chosen: dict[tuple, Edit] = {}
    for finding in findings:
        if not allows(finding):
            continue
        edits = finding.fix.edits
        conflicts = [(chosen[_target(edit)], edit) for edit in edits
                     if _target(edit) in chosen and chosen[_target(edit)] != edit]
        if any(stricter(old, new) is None for old, new in conflicts):
            old, new = next((o, n) for o, n in conflicts if stricter(o, n) is None)
            result.messages.append(
                f"{finding.path}:{finding.line}: {finding.rule}: fix not applied: it "
                f"{_describe(new)}, but another fix {_describe(old)}")
            continue
        for edit in edits:
            target = _target(edit)
            current = chosen.get(target)
            chosen[target] = (edit if current is None or current == edit
                              else stricter(current, edit))
            result.sources.setdefault(chosen[target], []).append(finding)
    result.edits = list(chosen.values())
    return result


def _describe(edit: Edit) -> str:
    where = f" of {edit.service}" if edit.service else ""
    if edit.action == "set":
        return f"sets {edit.name}{where} to {edit.value!r}"
    if edit.action == "remove":
        return f"removes {edit.name}{where}"
    return f"does {edit.action} {edit.name}{where}"
