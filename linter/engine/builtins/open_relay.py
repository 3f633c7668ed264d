"""An smtpd that accepts mail for any domain from any client: a bare
``permit`` before the relay check, or mynetworks that trusts the whole
Internet (or a whole class A/B/C network) together with permit_mynetworks."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from functools import lru_cache

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.restrictions import (
    RECIPIENT,
    RELAY,
    Client,
    ListResult,
    Verdict,
    delays_reject,
    evaluate,
    has_working_relay_check,
)
from linter.engine.run import Problem, Scope, origin, quote, report
from linter.postfix.resolve import ServiceView, Setting

STRANGER = Client(authenticated=False, in_mynetworks=False, local_recipient=False)
TRUSTED = Client(authenticated=False, in_mynetworks=True, local_recipient=False)
SAFE_RELAY = "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination"
SAFE_NETWORKS = "127.0.0.0/8 [::1]/128"


def check(rule, scope: Scope) -> Iterator[Finding]:
    return report(rule, scope, _problems(scope))


def _problems(scope: Scope) -> Iterator[Problem]:
    for view in scope.services:
        if delays_reject(view) is not True:
            continue
        verdict = evaluate(view, STRANGER, scope.undefined_is_empty)
        if verdict.outcome == "accept":
            # Accepted without an explicit permit means no relay check at
            # all: smtpd does not start, which relay-control-missing reports.
            result = _deciding(verdict)
            if result is not None:
                yield _permit_problem(scope, view, result)
            continue
        found = trusts_everyone(view)
        if found is not None and verdict.outcome == "refuse" \
                and evaluate(view, TRUSTED, scope.undefined_is_empty).outcome == "accept":
            trusted, why = found
            fields = {"why": why, "what": _what(view, scope.undefined_is_empty)}
            fix = Fix(f"Trust only the hosts that really relay through this server: "
                      f"mynetworks = {SAFE_NETWORKS} (plus your own networks)",
                      (f"mynetworks = {SAFE_NETWORKS}",),
                      (Edit("set", scope.main_path, "mynetworks", SAFE_NETWORKS),))
            yield Problem(view, trusted, fields, fix)


def _what(view: ServiceView, empty: bool) -> str:
    """Without a working relay check smtpd does not start at all, so such a
    service is an open relay only in intent (relay-control-missing says why)."""
    if any(has_working_relay_check(view, name, empty) is not False for name in (RELAY, RECIPIENT)):
        return "is an open relay"
    return ("is configured as an open relay (smtpd refuses to start it this way: "
            "see relay-control-missing)")


def _permit_problem(scope: Scope, view: ServiceView, result: ListResult) -> Problem:
    setting = result.setting
    why = (f"{result.parameter}={quote(setting.value)} ({origin(setting)}) "
           f"reaches {result.decided_by} before any relay check")
    fields = {"why": why, "what": _what(view, scope.undefined_is_empty)}
    in_service = setting is not None and setting.source.kind == "master"
    if in_service:
        line = f"  -o {RELAY}={SAFE_RELAY.replace(' ', '')}"
        edits = [Edit("set", scope.master_path, RELAY, SAFE_RELAY.replace(" ", ""),
                      view.service.key)]
    else:
        line = f"{RELAY} = {SAFE_RELAY}"
        edits = [Edit("set", scope.main_path, RELAY, SAFE_RELAY)]
    if result.parameter == RECIPIENT and setting is not None and setting.value.strip():
        description = (f"Relay only for your own networks and logged-in users: set {line.strip()}"
                       f" and remove the permit from {RECIPIENT}")
    else:
        description = f"Relay only for your own networks and logged-in users: {line.strip()}"
    return Problem(view, setting, fields, Fix(description, (line,), tuple(edits)))


def _deciding(verdict: Verdict) -> ListResult | None:
    """The relay or recipient list that let the mail through by a permit."""
    for name in (RELAY, RECIPIENT):
        result = verdict.result(name)
        if result.decided_by:
            return result
    return None


def trusts_everyone(view: ServiceView) -> tuple[Setting, str] | None:
    """The mynetworks (or mynetworks_style) setting that trusts far too
    much, and why; None when it does not or cannot be known."""
    networks = view.setting("mynetworks")
    if networks is not None and networks.source.kind != "default":
        return _covers_everything(networks, origin(networks))
    style = view.setting("mynetworks_style")
    if style is not None and style.known and style.value.strip().lower() == "class":
        return style, (f"mynetworks_style=class ({origin(style)}) trusts every client in "
                       "the server's whole class A/B/C network, and permit_mynetworks "
                       "lets all of them relay")
    # mynetworks always has a default. Only `audit` knows an unwritten one:
    # postconf derived it from this host's interfaces (an address with a /0
    # prefix, say); unknown otherwise, which _covers_everything leaves alone.
    return _covers_everything(networks, "derived by Postfix from this host's interfaces")


def _covers_everything(networks: Setting, where: str) -> tuple[Setting, str] | None:
    if not networks.known:
        return None
    word = _whole_internet_word(networks.value)
    if word is None:
        return None
    return networks, (f"mynetworks={networks.value.strip()} ({where}) "
                      f"covers every address ({word}), and permit_mynetworks "
                      "lets all of them relay")


@lru_cache(maxsize=256)
def _whole_internet_word(value: str) -> str | None:
    """The first network of a mynetworks value that covers every address.
    Cached by value: every service that inherits main.cf's mynetworks asks
    about the same one (20,000 networks x 100 services was 10 s)."""
    return next((word for word in value.replace(",", " ").split() if _whole_internet(word)),
                None)


def _whole_internet(word: str) -> bool:
    """An exclusion (!net) is no network to ipaddress, so never whole."""
    text = word.replace("[", "").replace("]", "")
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False
