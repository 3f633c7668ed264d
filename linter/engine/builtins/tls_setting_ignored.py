"""TLS settings that smtpd never acts on, so they mislead the reader.

- In wrappermode smtpd ignores smtpd_tls_security_level (smtpd.c skips it)
  and smtpd_tls_auth_only (TLS is on before the first command).
- When smtpd_tls_chain_files is set, the legacy certificate parameters
  are ignored (smtpd logs "the legacy parameters will be ignored").
- smtp_tls_* and smtp_sasl_* belong to the SMTP client; an ``-o`` on an
  smtpd service sets nothing smtpd reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property

from linter.engine.builtins.tls_mode import templated
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, quote, report
from linter.postfix.resolve import ServiceView, Setting

WRAPPER_IGNORES = ("smtpd_tls_security_level", "smtpd_tls_auth_only")
LEGACY_CERTIFICATES = ("smtpd_tls_cert_file", "smtpd_tls_key_file",
                       "smtpd_tls_eccert_file", "smtpd_tls_dcert_file")
CLIENT_PREFIXES = ("smtp_tls_", "smtp_sasl_")


def check(rule, scope: Scope) -> Iterator[Finding]:
    return report(rule, scope, _problems(scope))


def _problems(scope: Scope) -> Iterator[Problem]:
    every = _EveryService(scope)
    for view in scope.services:
        if templated(view):
            continue
        yield from _wrapper(scope, view, every)
        yield from _legacy_certificates(scope, view, every)
        yield from _client_parameters(scope, view)


class _EveryService:
    """What holds for every smtpd service, worked out once a run when a
    service asks (per service, thousands of services made it quadratic)."""

    def __init__(self, scope: Scope):
        self._services = scope.config.smtpd_services()

    @cached_property
    def wraps(self) -> bool:
        return all(view.tls == "wrapper" for view in self._services)

    @cached_property
    def uses_chain_files(self) -> bool:
        """Every TLS smtpd service uses chain files, so main.cf's legacy
        certificate parameters are dead everywhere and safe to delete."""
        for view in self._services:
            chain = view.setting("smtpd_tls_chain_files")
            if view.tls != "none" and (chain is None or not chain.known
                                       or not chain.value.strip()):
                return False
        return True


def _explicit(setting: Setting, data) -> bool:
    """Written by -o, or in main.cf with a value other than the default."""
    if not setting.known:
        return False
    if setting.source.kind == "master":
        return True
    return (setting.source.kind == "main"
            and setting.value.strip() != data.defaults[setting.name].strip())


def _wrapper(scope: Scope, view: ServiceView, every: _EveryService) -> Iterator[Problem]:
    if view.tls != "wrapper":
        return
    for name in WRAPPER_IGNORES:
        setting = view.setting(name)   # both are Postfix parameters: never None
        if not _explicit(setting, scope.config.data):
            continue
        if setting.source.kind == "main" and not every.wraps:
            continue  # main.cf's value is meant for the STARTTLS services
        reason = "wrappermode (implicit TLS) ignores it: TLS is always on"
        yield _finding(scope, view, setting, reason)


def _legacy_certificates(scope: Scope, view: ServiceView,
                         every: _EveryService) -> Iterator[Problem]:
    if view.tls not in ("optional", "required", "wrapper"):
        return
    chain = view.setting("smtpd_tls_chain_files")
    if chain is None or not chain.known or not chain.value.strip():
        return
    for name in LEGACY_CERTIFICATES:
        setting = view.setting(name)
        if setting is None or not setting.known or not setting.value.strip():
            continue
        if name == "smtpd_tls_key_file" and setting.source.kind == "default":
            continue  # its default follows smtpd_tls_cert_file
        if setting.source.kind != "master" and not every.uses_chain_files:
            continue  # main.cf's certificate is in force for another TLS service
        reason = (f"smtpd_tls_chain_files={quote(chain.value)} is set, and then "
                  "smtpd ignores the legacy certificate parameters")
        yield _finding(scope, view, setting, reason)


def _client_parameters(scope: Scope, view: ServiceView) -> Iterator[Problem]:
    for override in view.service.override_map().values():
        if not override.name.startswith(CLIENT_PREFIXES):
            continue
        setting = view.setting(override.name)  # an -o always defines its name
        reason = "it is an SMTP client (smtp) parameter, which smtpd never reads"
        server = "smtpd_" + override.name[len("smtp_"):]
        if server in scope.config.data.defaults and not (
                view.tls == "wrapper" and server in WRAPPER_IGNORES):
            reason += f"; the server parameter is {server}"
        yield _finding(scope, view, setting, reason)


def _finding(scope: Scope, view: ServiceView, setting: Setting, reason: str) -> Problem:
    if setting.source.kind == "master":
        fix = Fix(f"Remove -o {setting.name}={setting.raw.strip()} from {view.label}",
                  (), (Edit("remove", scope.master_path, setting.name,
                            service=view.service.key),), safety="safe")
    else:
        fix = Fix(f"Remove {setting.name} from main.cf ({setting.source.label})",
                  (), (Edit("remove", scope.main_path, setting.name),), safety="safe")
    return Problem(view, setting, {"reason": reason}, fix)
