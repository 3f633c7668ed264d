"""A submission service should stop a logged-in user from sending as
someone else: a reject_*_login_mismatch restriction that an authenticated
client reaches (not hidden behind permit_sasl_authenticated)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.restrictions import (
    ALL_LISTS,
    AUTHENTICATED_MISMATCH,
    SENDER,
    Client,
    list_steps,
    restriction_classes,
    step_outcome,
)
from linter.engine.run import Scope, is_yes, origin, service_finding
from linter.postfix.resolve import ServiceView

AUTHENTICATED = Client(authenticated=True, in_mynetworks=False, local_recipient=False)
ENFORCED, ABSENT, UNKNOWN = "enforced", "absent", "unknown"


def check(rule, scope: Scope) -> Iterator[Finding]:
    for view in scope.services:
        if is_yes(view.setting("smtpd_sasl_auth_enable")) is not True:
            continue
        if restriction_classes(view) != {}:
            continue  # a class (named by a map we cannot read) may hold the check
        states = {name: reaches_mismatch(view, name) for name in ALL_LISTS}
        if any(state in (ENFORCED, UNKNOWN) for state in states.values()):
            continue
        shadowed = [name for name, state in states.items() if state.startswith("after ")]
        if shadowed:
            name = shadowed[0]
            setting = view.setting(name)
            first = next(step.name for step in list_steps(setting) or []
                         if step.name in AUTHENTICATED_MISMATCH)
            value = setting.value.strip() if setting else ""
            detail = (f"{name}={value} ({origin(setting)}) puts "
                      f"{states[name][len('after '):]} before {first}, so the check never "
                      "applies to a logged-in client")
        else:
            setting = view.setting(SENDER)
            detail = ("no restriction list in force uses reject_sender_login_mismatch "
                      f"({SENDER}={setting.value.strip() if setting else ''}, {origin(setting)})")
        finding = service_finding(rule, scope, view, setting, detail=detail)
        yield dataclasses.replace(finding, fix=_fix(scope, view))


def reaches_mismatch(view: ServiceView, parameter: str) -> str:
    """enforced, absent, unknown, or "after X" when the check sits behind
    a restriction X that already permits an authenticated client."""
    found = list_steps(view.setting(parameter))
    if found is None:
        return UNKNOWN
    names = [step.name for step in found]
    for index, step in enumerate(found):
        later = any(name in AUTHENTICATED_MISMATCH for name in names[index + 1:])
        if step.name in AUTHENTICATED_MISMATCH:
            return ENFORCED
        outcome = step_outcome(step, AUTHENTICATED)
        if outcome == "permit" and later:
            return f"after {step.name}"
        if outcome in ("permit", "refuse"):
            return ABSENT
        if outcome == "unknown" and later:
            return UNKNOWN
    return ABSENT


def _fix(scope: Scope, view: ServiceView) -> Fix:
    current = view.setting(SENDER)
    words = [word for word in (current.value.replace(",", " ").split() if current else [])
             if word.lower() not in AUTHENTICATED_MISMATCH]
    value = ",".join(["reject_sender_login_mismatch"] + words)
    return Fix(f"Reject senders the login does not own on {view.label}: -o {SENDER}={value}, "
               "with smtpd_sender_login_maps naming which login owns which address",
               (f"  -o {SENDER}={value}",),
               (Edit("set", scope.master_path, SENDER, value, view.service.key),))
