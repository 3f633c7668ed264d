"""A submission service should stop a logged-in user from sending as
someone else: a reject_*_login_mismatch restriction that an authenticated
client reaches (not hidden behind permit_sasl_authenticated).

Restriction classes are judged as smtpd runs them: a class named in a list
is replaced by its own list. A class that holds the check but that no list
names may still be reached through an access map or policy service that
answers with its name: then the answer is unknown. A ``$name`` nothing
defines is empty, as in Postfix (Debian's ``$mua_sender_restrictions``
copied without its definition).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.restrictions import (
    ALL_LISTS,
    AUTHENTICATED_MISMATCH,
    SENDER,
    Client,
    Step,
    expanded_steps,
    list_steps,
    restriction_classes,
    step_outcome,
    where,
)
from linter.engine.run import Scope, is_yes, quote, service_finding
from linter.postfix.resolve import ServiceView

AUTHENTICATED = Client(authenticated=True, in_mynetworks=False, local_recipient=False)
ENFORCED, ABSENT, UNKNOWN = "enforced", "absent", "unknown"


def check(rule, scope: Scope) -> Iterator[Finding]:
    empty = scope.undefined_is_empty
    for view in scope.services:
        if is_yes(view.setting("smtpd_sasl_auth_enable")) is not True:
            continue
        lists = {name: expanded_steps(view, name, empty) for name in ALL_LISTS}
        if _class_reachable_by_lookup(view, lists, empty):
            continue
        states = {name: reaches_mismatch(found) for name, found in lists.items()}
        if any(state in (ENFORCED, UNKNOWN) for state in states.values()):
            continue
        shadowed = [name for name, state in states.items() if state.startswith("after ")]
        if shadowed:
            name = shadowed[0]
            setting = view.setting(name)
            first = next(step.name for step in lists[name] or []
                         if step.name in AUTHENTICATED_MISMATCH)
            value = quote(setting.value) if setting else ""
            detail = (f"{name}={value} ({where(setting, view)}) puts "
                      f"{states[name][len('after '):]} before {first}, which logged-in clients "
                      "never reach")
        else:
            setting = view.setting(SENDER)
            value = quote(setting.value) if setting else ""
            detail = ("no restriction list in force uses reject_sender_login_mismatch "
                      f"({SENDER}={value}, {where(setting, view)})")
        detail += _through_classes(view, setting, empty)
        finding = service_finding(rule, scope, view, setting, detail=detail)
        yield dataclasses.replace(finding, fix=_fix(scope, view, empty))


def _through_classes(view: ServiceView, setting, empty: bool) -> str:
    """Which restriction classes the list runs, and where they are defined."""
    classes = restriction_classes(view) or {}
    named = [step.name for step in list_steps(setting, empty) or () if step.name in classes]
    shown = [f"{name}={quote(classes[name].value)} ({classes[name].source.label})"
             for name in dict.fromkeys(named) if classes[name] is not None]
    return f"; restriction class {', '.join(shown)}" if shown else ""


def _class_reachable_by_lookup(view: ServiceView, lists: dict[str, list[Step] | None],
                               empty: bool) -> bool:
    """A class with the check that no list names directly, while some
    list asks a map or policy service, which may answer with the class."""
    classes = restriction_classes(view)
    if not classes:
        return False
    named = {step.name for found in lists.values() for step in found or ()}
    holders = [name for name in classes if name not in named
               and any(step.name in AUTHENTICATED_MISMATCH
                       for step in list_steps(classes[name], empty) or ())]
    lookups = any(step.name.startswith("check_") for found in lists.values()
                  for step in found or ())
    return bool(holders) and lookups


def reaches_mismatch(found: list[Step] | None) -> str:
    """enforced, absent, unknown, or "after X" when the check sits behind
    a restriction X that already permits an authenticated client."""
    if found is None:
        return UNKNOWN
    # Where the last check sits: "is there one later?" in constant time, so
    # a list of 100,000 steps (one $name repeated) is not quadratic.
    last = max((index for index, step in enumerate(found)
                if step.name in AUTHENTICATED_MISMATCH), default=-1)
    for index, step in enumerate(found):
        later = index < last
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


def _fix(scope: Scope, view: ServiceView, empty: bool) -> Fix:
    current = list_steps(view.setting(SENDER), empty) or []
    words = ["reject_sender_login_mismatch"]
    for step in current:
        if step.name not in AUTHENTICATED_MISMATCH:
            words += [step.name, step.argument] if step.argument else [step.name]
    value = ",".join(words)
    option = (f"-o {{ {SENDER} = {', '.join(words)} }}" if any(" " in w for w in words)
              else f"-o {SENDER}={value}")
    return Fix(f"Reject senders the login does not own on {view.label}: {option}, "
               "with smtpd_sender_login_maps naming which login owns which address",
               (f"  {option}",),
               (Edit("set", scope.master_path, SENDER, value, view.service.key),))
