"""The checks only the mail host can make, over one resolved instance:
certificate files, the SASL backend, and whether 587/465 really listen."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from linter.engine.findings import Finding
from linter.engine.rules import Rule

TLS_MODES = ("optional", "required", "wrapper")


@dataclass
class HostOptions:
    expiring_days: int = 21
    sockets: set | None = None     # listening (address, port); None: unknown
    notes: list[str] = field(default_factory=list)   # what could not be judged


def host_findings(config, rules: dict[str, Rule], options: HostOptions) -> list[Finding]:
    found: set[Finding] = set()
    for view in config.smtpd_services():
        found.update(_certificates(config, view, rules, options))
        found.update(_sasl(config, view, rules))
        found.update(_listening(config, view, rules, options))
    return sorted(found, key=Finding.sort_key)


def _at(config, view, setting) -> tuple[str, int, int, str | None]:
    """Where a finding about ``setting`` of ``view`` points."""
    source = getattr(setting, "source", None)
    if source is not None and source.kind == "main" and config.main is not None:
        return config.main.path, source.line, source.column, None
    if source is not None and source.kind == "master":
        return config.master.path, source.line, source.column, view.service.key
    return config.master.path, view.service.line, 1, view.service.key


def _finding(rules, rule_id, config, view, setting, message, parameter=None) -> Finding | None:
    rule = rules.get(rule_id)
    if rule is None:
        return None
    path, line, column, service = _at(config, view, setting)
    severity = rule.severity_by_role.get(view.role or "", rule.severity)
    return Finding(rule=rule_id, severity=severity, path=path, line=line, column=column,
                   message=message, service=service, tags=rule.tags, parameter=parameter)


def _certificates(config, view, rules, options) -> Iterator[Finding]:
    from linter.audit.cert_checks import NOT_JUDGED, check_set, key_cert_sets

    if view.tls not in TLS_MODES:
        return
    hostnames = [view.value("myhostname").strip()]
    if view.listener is not None and view.listener.host and not _is_address(view.listener.host):
        hostnames.append(view.listener.host)
    for entry in key_cert_sets(view):
        for problem in check_set(entry, hostnames, options.expiring_days):
            if problem.sub_id == NOT_JUDGED:
                if problem.message not in options.notes:
                    options.notes.append(problem.message)
                continue
            finding = _finding(rules, f"tls-cert-invalid[{problem.sub_id}]", config, view,
                               problem.setting, f"{view.label}: {problem.message}",
                               problem.parameter)
            if finding is not None:
                yield _shared(finding)


def _shared(finding: Finding) -> Finding:
    """A problem of a main.cf file is one finding, not one per service."""
    if finding.service is None:
        from dataclasses import replace

        message = finding.message.split(": ", 1)[-1]
        return replace(finding, message=message)
    return finding


def _sasl(config, view, rules) -> Iterator[Finding]:
    from linter.audit.sasl_checks import sasl_problem

    problem = sasl_problem(view)
    if problem is None:
        return
    message, setting = problem
    finding = _finding(rules, "sasl-backend-unreachable", config, view, setting,
                       f"{view.label}: {message}", getattr(setting, "name", None))
    if finding is not None:
        yield _shared(finding)


def _listening(config, view, rules, options) -> Iterator[Finding]:
    from linter.audit.listening import is_listening

    if options.sockets is None or view.role not in ("submission", "submissions"):
        return
    if view.listener is None or view.listener.port is None or view.service.type != "inet":
        return
    if is_listening(options.sockets, view.listener.host, view.listener.port):
        return
    where = f"{view.listener.host or '*'}:{view.listener.port}"
    finding = _finding(rules, "service-not-listening", config, view, None,
                       f"{view.label} is defined in master.cf, but nothing listens on "
                       f"{where}: master is not running, has not been reloaded since the "
                       "service was added, or could not bind the port")
    if finding is not None:
        yield finding


def _is_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False
