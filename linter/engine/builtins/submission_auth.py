"""Port 587/465 must refuse mail from clients that have not logged in
(RFC 6409 section 4.3): evaluate the restriction lists for an
unauthenticated client outside mynetworks writing to a local address."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Finding
from linter.engine.restrictions import (
    RECIPIENT,
    RELAY,
    Client,
    Verdict,
    delays_reject,
    evaluate,
    has_working_relay_check,
    where,
)
from linter.engine.run import Scope, service_finding
from linter.postfix.resolve import ServiceView

UNAUTHENTICATED = Client(authenticated=False, in_mynetworks=False, local_recipient=True)


def check(rule, scope: Scope) -> Iterator[Finding]:
    for view in scope.services:
        if delays_reject(view) is not True:
            continue
        verdict = evaluate(view, UNAUTHENTICATED, scope.undefined_is_empty)
        if verdict.outcome != "accept" or not _starts(view, scope.undefined_is_empty):
            continue
        parameter = _culprit(verdict)
        why = ("stops only mail to other domains"
               if has_working_relay_check(view, parameter, scope.undefined_is_empty)
               else "rejects no client that has not logged in")
        setting = view.setting(parameter)
        yield service_finding(rule, scope, view, setting, why=why, origin=where(setting, view))


def _culprit(verdict: Verdict) -> str:
    """The list a reader expects to do the job: relay, unless it is empty."""
    relay = verdict.result(RELAY).setting
    if relay is not None and relay.value.strip():
        return RELAY
    return RECIPIENT


def _starts(view: ServiceView, empty: bool) -> bool:
    """Without any relay check smtpd does not start (relay-control-missing)."""
    return any(has_working_relay_check(view, name, empty) is not False
               for name in (RELAY, RECIPIENT))
