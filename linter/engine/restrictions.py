"""Postfix's SMTP access restriction lists, evaluated for a hypothetical client.

With the default ``smtpd_delay_reject = yes`` smtpd runs the client, HELO,
sender, relay and recipient restriction lists at RCPT TO. Each list ends in
permit (explicit, or by reaching its end) or refusal; the mail is accepted
only when no list refuses it. The answer is three-valued: a restriction
whose result depends on data we cannot see (an access map, a DNS list, a
policy service, a name we do not know) makes its list unknown, unless a
decisive result came before it. Restrictions a client passes by behaving
well (a proper HELO name, a valid sender domain) pass.

A restriction class (smtpd_restriction_classes) is an ordinary parameter
whose list smtpd runs in place of its name: its permit or reject decides,
reaching its end goes on with the next restriction. ``expanded_steps``
inlines classes that way; a class inside itself (which smtpd cannot run)
stays a name, so it is unknown. A ``$name`` that nothing defines expands
to an empty value, as in Postfix, when the caller can see every
definition (``undefined_empty``: a whole, untemplated main.cf); otherwise
it is unknown.

``has_working_relay_check`` mirrors smtpd's start-up test, which refuses to
run without a relay check in the relay or recipient restrictions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from linter.postfix.resolve import Setting

CLIENT = "smtpd_client_restrictions"
HELO = "smtpd_helo_restrictions"
SENDER = "smtpd_sender_restrictions"
RELAY = "smtpd_relay_restrictions"
RECIPIENT = "smtpd_recipient_restrictions"
DATA = "smtpd_data_restrictions"
END_OF_DATA = "smtpd_end_of_data_restrictions"
# Evaluated at RCPT TO, in this order (smtpd_delay_reject = yes).
RCPT_LISTS = (CLIENT, HELO, SENDER, RELAY, RECIPIENT)
# Every list a sender restriction may appear in.
ALL_LISTS = RCPT_LISTS + (DATA, END_OF_DATA)

PERMIT, REFUSE, DUNNO, UNKNOWN = "permit", "refuse", "dunno", "unknown"

# What smtpd's start-up check accepts as a relay control (smtpd_check.c).
RELAY_CHECKS = frozenset({"reject_unauth_destination", "defer_unauth_destination",
                          "reject", "defer", "defer_if_permit", "check_relay_domains"})
LOGIN_MISMATCH = frozenset({
    "reject_sender_login_mismatch", "reject_known_sender_login_mismatch",
    "reject_authenticated_sender_login_mismatch",
    "reject_unauthenticated_sender_login_mismatch"})
# The ones that stop an *authenticated* client from using another's address.
AUTHENTICATED_MISMATCH = LOGIN_MISMATCH - {"reject_unauthenticated_sender_login_mismatch"}

# Restrictions that read the next word as their argument.
WITH_ARGUMENT = frozenset({
    "check_policy_service", "reject_rbl_client", "reject_rhsbl_client",
    "reject_rhsbl_sender", "reject_rhsbl_recipient", "reject_rhsbl_helo",
    "reject_rhsbl_reverse_client", "permit_dnswl_client", "permit_rhswl_client", "sleep"})

# Checks a well-behaved client passes: HELO, sender and recipient syntax,
# DNS of names the client chooses, protocol manners. They do not authenticate.
CLIENT_PASSES = frozenset({
    "reject_non_fqdn_helo_hostname", "reject_invalid_helo_hostname",
    "reject_unknown_helo_hostname", "reject_non_fqdn_hostname", "reject_invalid_hostname",
    "reject_unknown_hostname", "reject_non_fqdn_sender", "reject_unknown_sender_domain",
    "reject_unlisted_sender", "reject_unverified_sender", "reject_unknown_address",
    "reject_non_fqdn_recipient", "reject_unknown_recipient_domain",
    "reject_unlisted_recipient", "reject_unverified_recipient", "check_recipient_maps",
    "reject_unauth_pipelining", "reject_multi_recipient_bounce", "reject_plaintext_session",
    "reject_unknown_client_hostname", "reject_unknown_client",
    "reject_unknown_reverse_client_hostname", "reject_unknown_forward_client_hostname",
    "defer_if_reject", "sleep", "permit_inet_interfaces",
    "permit_tls_clientcerts", "permit_tls_all_clientcerts"})


class Settings(Protocol):
    """What the evaluation reads: a service view or a main.cf context."""

    def setting(self, name: str) -> Setting | None: ...


@dataclass(frozen=True)
class Client:
    """The hypothetical SMTP client and the recipient it sends to."""

    authenticated: bool = False
    in_mynetworks: bool = False
    local_recipient: bool = True    # a domain this server accepts mail for


@dataclass(frozen=True)
class Step:
    """One restriction, lower-cased, with the argument it consumes."""

    name: str
    argument: str = ""


@dataclass(frozen=True)
class ListResult:
    """How one restriction list ends for the client."""

    parameter: str
    setting: Setting | None
    outcome: str                 # permit, refuse or unknown
    decided_by: str = ""         # the restriction that decided; "" = end of list


@dataclass(frozen=True)
class Verdict:
    """Whether smtpd accepts the client's RCPT TO: accept, refuse or unknown."""

    outcome: str
    lists: tuple[ListResult, ...]

    def result(self, parameter: str) -> ListResult:
        return next(item for item in self.lists if item.parameter == parameter)


def split(value: str) -> list[str]:
    """Words as smtpd splits a restriction list: blanks and commas
    separate, ``{ ... }`` groups one word."""
    words: list[str] = []
    current: list[str] = []
    depth = 0
    for char in value:
        if depth == 0 and (char in " \t\r\n,"):
            if current:
                words.append("".join(current))
                current = []
            continue
        depth += char == "{"
        depth -= char == "}" and depth > 0
        current.append(char)
    if current:
        words.append("".join(current))
    return words


def steps(value: str) -> list[Step]:
    """The restrictions of a list, each with its argument, if it takes one."""
    return list(_steps(value))


@lru_cache(maxsize=4096)
def _steps(value: str) -> tuple[Step, ...]:
    """Many services share one list (inherited from main.cf): split it once."""
    words = split(value)
    found: list[Step] = []
    index = 0
    while index < len(words):
        name = words[index].lower()
        if _takes_argument(name) and index + 1 < len(words):
            found.append(Step(name, words[index + 1]))
            index += 2
        else:
            found.append(Step(name))
            index += 1
    return tuple(found)


def _takes_argument(name: str) -> bool:
    return name in WITH_ARGUMENT or (name.startswith("check_") and name.endswith("_access"))


def list_steps(setting: Setting | None, undefined_empty: bool = False) -> list[Step] | None:
    """A list's restrictions; None when its value cannot be known. A
    reference to an undefined parameter is unknown unless
    ``undefined_empty`` says every definition is in view: then it is the
    empty value Postfix makes of it."""
    if setting is None:
        return []
    if not setting.known or (setting.expansion.undefined and not undefined_empty):
        return None
    return steps(setting.value)


# Bounds on inlining classes: nesting depth and the size of the result.
MAX_CLASS_DEPTH = 16
MAX_EXPANDED_STEPS = 2000


def expanded_steps(settings: Settings, parameter: str,
                   undefined_empty: bool = False) -> list[Step] | None:
    """The list as smtpd runs it, every restriction class replaced by its
    own list. None when the list, or a class it needs, cannot be known."""
    found = list_steps(settings.setting(parameter), undefined_empty)
    classes = restriction_classes(settings)
    if found is None or not classes:
        return found  # unknown class list: class names stay names (unknown)
    budget = [MAX_EXPANDED_STEPS]
    return _inline(found, classes, undefined_empty, (), budget)


def _inline(found: list[Step], classes: dict[str, Setting | None], undefined_empty: bool,
            inside: tuple[str, ...], budget: list[int]) -> list[Step] | None:
    result: list[Step] = []
    for step in found:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        if step.name not in classes or step.name in inside or len(inside) >= MAX_CLASS_DEPTH:
            result.append(step)  # a class inside itself stays a name: unknown
            continue
        inner = list_steps(classes[step.name], undefined_empty)
        if inner is None or classes[step.name] is None:
            result.append(step)  # undefined (smtpd stops) or unknown: unknown
            continue
        inner = _inline(inner, classes, undefined_empty, inside + (step.name,), budget)
        if inner is None:
            return None
        result.extend(inner)
    return result


def step_outcome(step: Step, client: Client) -> str:
    """permit, refuse, dunno or unknown for one restriction."""
    name = step.name
    if name == "permit":
        return PERMIT
    if name in ("reject", "defer", "defer_if_permit"):
        return REFUSE
    if name == "permit_mynetworks":
        return PERMIT if client.in_mynetworks else DUNNO
    if name == "permit_sasl_authenticated":
        return PERMIT if client.authenticated else DUNNO
    if name in ("reject_unauth_destination", "defer_unauth_destination"):
        return DUNNO if client.local_recipient else REFUSE
    if name == "permit_auth_destination":
        return PERMIT if client.local_recipient else DUNNO
    if name in LOGIN_MISMATCH or name == "check_sasl_access":
        # Unauthenticated, the client can use an address nobody owns.
        owned_check = name == "reject_unauthenticated_sender_login_mismatch"
        return UNKNOWN if client.authenticated and not owned_check else DUNNO
    if name in CLIENT_PASSES:
        return DUNNO
    return UNKNOWN


def evaluate_list(parameter: str, setting: Setting | None, client: Client,
                  found: list[Step] | None = None) -> ListResult:
    """Walk one list (``found``: its expanded steps, by default the
    setting's own) until a restriction decides; ``defer_if_permit``
    refuses whatever follows, ``warn_if_reject`` turns the next refusal
    into a log line."""
    if found is None:
        found = list_steps(setting)
    if found is None:
        return ListResult(parameter, setting, UNKNOWN)
    warn_only = False
    for step in found:
        if step.name == "warn_if_reject":
            warn_only = True
            continue
        outcome = step_outcome(step, client)
        if warn_only and outcome == REFUSE:
            outcome = DUNNO
        warn_only = False
        if outcome != DUNNO:
            return ListResult(parameter, setting, outcome, step.name)
    return ListResult(parameter, setting, PERMIT)


def evaluate(settings: Settings, client: Client, undefined_empty: bool = False) -> Verdict:
    """Accepted only when no list refuses; any known refusal is decisive."""
    results = tuple(_evaluate_expanded(settings, name, client, undefined_empty)
                    for name in RCPT_LISTS)
    outcomes = {result.outcome for result in results}
    if REFUSE in outcomes:
        return Verdict("refuse", results)
    if UNKNOWN in outcomes:
        return Verdict(UNKNOWN, results)
    return Verdict("accept", results)


def _evaluate_expanded(settings: Settings, parameter: str, client: Client,
                       undefined_empty: bool) -> ListResult:
    setting = settings.setting(parameter)
    found = expanded_steps(settings, parameter, undefined_empty)
    if found is None:
        return ListResult(parameter, setting, UNKNOWN)
    return evaluate_list(parameter, setting, client, found)


def delays_reject(settings: Settings) -> bool | None:
    """The lists all run at RCPT TO only with smtpd_delay_reject = yes."""
    setting = settings.setting("smtpd_delay_reject")
    if setting is None:
        return True
    if not setting.known:
        return None
    return {"yes": True, "no": False}.get(setting.value.strip().lower())


def restriction_classes(settings: Settings) -> dict[str, Setting | None] | None:
    """Class name -> its definition; None when the class list is unknown."""
    setting = settings.setting("smtpd_restriction_classes")
    if setting is None:
        return {}
    if not setting.known:
        return None
    return {name.lower(): settings.setting(name) for name in split(setting.value)}


def has_working_relay_check(settings: Settings, parameter: str,
                            undefined_empty: bool = False) -> bool | None:
    """smtpd's start-up test for one list: a relay check, not hidden behind
    ``permit`` or ``warn_if_reject``, here or in a class the list names
    (a class's permit ends only the search of that class)."""
    classes = restriction_classes(settings)
    setting = settings.setting(parameter)
    found = list_steps(setting, undefined_empty)
    if found and classes == {}:
        return _has_required_without_classes(setting.value)
    return _has_required(found, classes, set(), undefined_empty)


@lru_cache(maxsize=1024)
def _has_required_without_classes(value: str) -> bool | None:
    """_has_required of a list with no classes to look into, by value: every
    service that inherits main.cf's list asks about the same one."""
    return _has_required(list(_steps(value)), {}, set())


def _has_required(found: list[Step] | None, classes: dict | None,
                  seen: set[str], undefined_empty: bool = False) -> bool | None:
    if found is None:
        return None
    unknown = False
    skip = False
    for step in found:
        if skip:
            skip = False
            continue
        if step.name == "warn_if_reject":
            skip = True
            continue
        if step.name == "permit":
            return None if unknown else False
        if step.name in RELAY_CHECKS:
            return True
        if classes is None:
            unknown = True
        elif step.name in classes and step.name not in seen:
            inner = _has_required(list_steps(classes[step.name], undefined_empty), classes,
                                  seen | {step.name}, undefined_empty)
            if inner is True:
                return True
            unknown = unknown or inner is None
    return None if unknown else False


def mentions(settings: Settings, names: Iterable[str], parameters: Iterable[str] = ALL_LISTS,
             undefined_empty: bool = False) -> list[tuple[str, Setting]] | None:
    """The lists (and their settings) that name any of ``names``, classes
    included; None when a list or a restriction class cannot be known."""
    wanted = frozenset(names)
    found = []
    classes = restriction_classes(settings)
    if classes is None:
        return None
    for parameter in list(parameters) + sorted(classes):
        setting = settings.setting(parameter)
        words = list_steps(setting, undefined_empty)
        if words is None:
            return None
        if setting is not None and not wanted.isdisjoint(_restriction_names(setting.value)):
            found.append((parameter, setting))
    return found


@lru_cache(maxsize=1024)
def _restriction_names(value: str) -> frozenset[str]:
    """The restrictions a list names, by value (shared lists are walked once)."""
    return frozenset(step.name for step in _steps(value))


def quoted(setting: Setting | None, parameter: str) -> str:
    """``name=value`` as a message shows a list (empty when unset)."""
    return f"{parameter}={setting.value.strip() if setting else ''}"


def where(setting: Setting | None, settings: Settings) -> str:
    """Like run.origin, but a default that depends on compatibility_level
    says so instead of quoting Postfix's internal expression."""
    from linter.engine.run import origin

    if setting is not None and setting.source.kind == "default" and "level {" in setting.raw:
        level = settings.setting("compatibility_level")
        shown = level.value.strip() if level is not None and level.known else "unknown"
        return f"the Postfix default at compatibility_level {shown or '0'}"
    return origin(setting)
