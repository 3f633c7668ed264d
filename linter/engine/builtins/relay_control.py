"""smtpd refuses to start unless smtpd_relay_restrictions or
smtpd_recipient_restrictions holds a working relay check ("specify at
least one working instance of ..."): found here before it takes mail down."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.restrictions import (
    RECIPIENT,
    RELAY,
    Settings,
    has_working_relay_check,
    steps,
    where,
)
from linter.engine.run import Problem, Scope, quote, report
from linter.postfix.resolve import ServiceView, Setting

SAFE_RELAY = "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    for view in scope.services:
        if any(has_working_relay_check(view, name, scope.undefined_is_empty) is not False
               for name in (RELAY, RECIPIENT)):
            continue
        relay, recipient = view.setting(RELAY), view.setting(RECIPIENT)
        detail = f"neither {_shown(relay, RELAY, view)} nor {_shown(recipient, RECIPIENT, view)}"
        problems.append(Problem(view, relay, {"detail": detail}, _fix(scope, view, relay)))
    return report(rule, scope, problems)


def _shown(setting: Setting, name: str, settings: Settings) -> str:
    value = setting.value.strip()
    note = where(setting, settings)
    words = [step.name for step in steps(value)]
    if "permit" in words:
        note += "; its permit ends the list before any relay check"
    elif "warn_if_reject" in words:
        note += "; its warn_if_reject makes the next check only log"
    return f"{name}={quote(value)} ({note})"


def _fix(scope: Scope, view: ServiceView, relay: Setting | None) -> Fix:
    if relay is not None and relay.source.kind == "master":
        value = SAFE_RELAY.replace(" ", "")
        return Fix(f"Give {view.label} a relay check: -o {RELAY}={value}",
                   (f"  -o {RELAY}={value}",),
                   (Edit("set", scope.master_path, RELAY, value, view.service.key),))
    return Fix(f"In main.cf set {RELAY} = {SAFE_RELAY}",
               (f"{RELAY} = {SAFE_RELAY}",),
               (Edit("set", scope.main_path, RELAY, SAFE_RELAY),))
