"""A submission port (587 or 465) that master.cf does not offer.

Used by submission-service-missing and submissions-service-missing; the
port, the service name and the entry to add are the rule's options. Judged
only on a whole master.cf: not without one, not when templates may add
entries, and not on a host that listens on loopback only.

A proxy (haproxy, nginx) may take the submission port and hand the
connection to an smtpd on another port. That needs positive evidence on
that smtpd, with SASL in force: the PROXY protocol
(smtpd_upstream_proxy_protocol), XCLIENT hosts (nginx's mail proxy), or its
own ``-o smtpd_sasl_auth_enable=yes`` together with implicit or required
TLS. A front-end setting counts when the service asks for it by ``-o``,
or inherits it while enabling SASL by its own ``-o``. A listener that
merely inherits SASL from main.cf (a content-filter return path such as
127.0.0.1:10025) is not one. When a stand-in is
found, an info finding names it instead of the warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from linter.engine.findings import Edit, Finding, Fix, Related
from linter.engine.run import is_yes, origin
from linter.postfix.resolve import ServiceView
from linter.postfix.syntax import NodeKind

TEMPLATE_LOOP = re.compile(r"\{%-?\s*(for|include|import|macro|call)\b|^\s*\{\{")
LOOPBACK = {"loopback-only", "localhost", "127.0.0.1", "::1", "[::1]"}
SASL = "smtpd_sasl_auth_enable"
PROXY = "smtpd_upstream_proxy_protocol"
XCLIENT = "smtpd_authorized_xclient_hosts"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class StandIn:
    """An smtpd on another port that a proxy in front makes the submission service."""

    view: ServiceView
    parameter: str
    evidence: str


def rule_problem(data: dict) -> tuple[tuple, str] | None:
    """What a rule using this check must give (checked when a user rule is
    loaded): the port, the names of a commented-out entry if any, and the
    entry that the fix adds."""
    options = data["check"].get("options", {})
    port = options.get("port")
    if type(port) is not int or not 1 <= port <= 65535:
        return ("check", "options", "port"), "service_missing needs a port from 1 to 65535"
    names = options.get("names", [])
    if not isinstance(names, list) or not all(isinstance(name, str) and name.strip()
                                              for name in names):
        return ("check", "options", "names"), "names must be a list of service names"
    lines = (data.get("fix") or {}).get("lines")
    if not lines or not str(lines[0]).split():
        return ("fix",), "service_missing needs fix lines: the entry its fix adds"
    return None


def check(rule, scope) -> Iterator[Finding]:
    options = rule.check["options"]
    port = int(options["port"])
    config = scope.config
    if not _judgeable(config):
        return
    if any(view.listener is not None and view.listener.port == port
           for view in config.services):
        return
    if _listens_on_loopback_only(config):
        return
    stand_in = proxied_submission(config, port)
    if stand_in == UNKNOWN:
        return
    if stand_in is not None:
        yield _stand_in_finding(rule, scope, port, stand_in)
        return
    commented = _commented_entry(config, options.get("names", []))
    state = (f" ({commented[1]} is commented out at master.cf:{commented[0]})"
             if commented else "")
    line = commented[0] if commented else 1
    yield Finding(rule=rule.id, severity=rule.severity, path=scope.master_path, line=line,
                  column=1, message=rule.message.format(state=state),
                  fix=_fix(rule, scope, options.get("names", [])),
                  tags=rule.tags)


def _fix(rule, scope, names: list[str]) -> Fix:
    """Activate the commented-out entry when master.cf has one, else add
    the rule's entry (linter/fix decides which when it applies the edit)."""
    lines = tuple(rule.fix["lines"])
    name = names[0] if names else lines[0].split()[0]
    edit = Edit("add-service", scope.master_path, name, "\n".join(lines), f"{name}/inet")
    return Fix(rule.fix["description"], lines, (edit,),
               safety=rule.fix_safety or "unsafe")


def _stand_in_finding(rule, scope, port: int, stand_in: StandIn) -> Finding:
    view = stand_in.view
    message = (f"master.cf has no port-{port} service; {view.label} is taken to stand in "
               f"for it behind a proxy: {stand_in.evidence}. Check that the proxy listens "
               f"on port {port}")
    return Finding(rule=rule.id, severity="info", path=scope.master_path,
                   line=view.service.line, column=1, message=message,
                   service=view.service.key, tags=rule.tags, parameter=stand_in.parameter,
                   related=(Related(scope.master_path, view.service.line, 1,
                                    view.service.key),))


def _judgeable(config) -> bool:
    master = config.master
    if master is None:
        return False
    if any(view.service.templated for view in config.services):
        return False
    if any(node.kind is NodeKind.TEMPLATE and TEMPLATE_LOOP.search(node.text())
           for node in master.nodes):
        return False
    inet = [view for view in config.services if view.service.type == "inet"]
    if not inet or any(view.listener is None or view.listener.port is None for view in inet):
        return False  # no network listener at all, or one we cannot place
    return True


def _listens_on_loopback_only(config) -> bool:
    setting = config.context.setting("inet_interfaces")
    if setting is None or not setting.known:
        return False
    hosts = [token for token in re.split(r"[\s,]+", setting.value.strip().lower()) if token]
    return bool(hosts) and all(host in LOOPBACK or host.startswith("127.") for host in hosts)


def proxied_submission(config, port: int) -> StandIn | str | None:
    """The first smtpd on another port with positive evidence of a proxy
    for ``port``; UNKNOWN when the evidence cannot be known."""
    unknown = False
    for view in config.services:
        if view.role != "other" or view.service.type != "inet":
            continue
        found = _evidence(view, port)
        if isinstance(found, StandIn):
            return found
        unknown = unknown or found == UNKNOWN
    return UNKNOWN if unknown else None


def _evidence(view: ServiceView, port: int) -> StandIn | str | None:
    sasl = is_yes(view.setting(SASL))
    if sasl is False:
        return None
    own_sasl = view.setting(SASL) is not None and view.setting(SASL).source.kind == "master"
    results = [_front_end(view, PROXY, "the PROXY protocol", own_sasl),
               _front_end(view, XCLIENT, "XCLIENT", own_sasl)]
    results.append(_own_sasl_with_tls(view))
    if sasl is None:
        return UNKNOWN if any(result is not None for result in results) else None
    if view.tls == "wrapper" and port == 587 or view.tls == "required" and port == 465:
        return None  # TLS here serves the other submission port
    for result in results:
        if isinstance(result, StandIn):
            return result
    return UNKNOWN if UNKNOWN in results else None


def _front_end(view: ServiceView, name: str, what: str,
               own_sasl: bool) -> StandIn | str | None:
    """A front-end setting counts when this service asks for it: by its
    own -o, or from main.cf with SASL switched on by its own -o."""
    setting = view.setting(name)   # both exist in every supported version
    # A default (empty for both) is no evidence: not "master", and empty.
    if setting.source.kind != "master" and not own_sasl:
        return None
    if not setting.known:
        return UNKNOWN
    if not setting.value.strip():
        return None
    return StandIn(view, name, f"{name}={setting.value.strip()} ({origin(setting)}) "
                               f"accepts connections from a front end ({what})")


def _own_sasl_with_tls(view: ServiceView) -> StandIn | str | None:
    sasl = view.setting(SASL)
    if sasl is None or sasl.source.kind != "master":
        return None
    if view.tls is None:
        return UNKNOWN
    if view.tls not in ("wrapper", "required"):
        return None
    tls = "implicit TLS" if view.tls == "wrapper" else "required STARTTLS"
    return StandIn(view, SASL, f"its own -o {SASL}={sasl.raw.strip()} "
                               f"({sasl.source.label}) with {tls}")


def _commented_entry(config, names: list[str]) -> tuple[int, str] | None:
    pattern = re.compile(r"^\s*#\s*((?:\S+:)?(" + "|".join(map(re.escape, names))
                         + r"))\s+inet\s")
    for node in config.master.nodes:
        for line in node.lines:  # comments may sit inside an entry's node
            match = pattern.match(line.text)
            if match:
                return line.number, match.group(1)
    return None
