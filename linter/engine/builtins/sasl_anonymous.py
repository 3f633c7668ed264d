"""SASL must not accept anonymous logins: smtpd_sasl_security_options
governs AUTH before TLS, smtpd_sasl_tls_security_options after it, and a
login that is anonymous still counts as authenticated for
permit_sasl_authenticated."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.conditions import tokens
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, is_yes, report
from linter.postfix.resolve import ServiceView, Setting

BEFORE_TLS = "smtpd_sasl_security_options"
AFTER_TLS = "smtpd_sasl_tls_security_options"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    for view in scope.services:
        if is_yes(view.setting("smtpd_sasl_auth_enable")) is not True:
            continue
        for parameter in _options_in_force(view):
            setting = view.setting(parameter)
            if setting is None or not setting.known:
                continue
            if "noanonymous" in (word.lower() for word in tokens(setting.value)):
                continue
            problems.append(Problem(view, setting, fix=_fix(scope, view, setting)))
            break
    return report(rule, scope, problems)


def _options_in_force(view: ServiceView) -> list[str]:
    """Which option lists can apply: before TLS only when AUTH is offered
    without TLS, after TLS only when TLS is possible."""
    found = []
    if view.auth_only is False:
        found.append(BEFORE_TLS)
    if view.tls is not None and view.tls != "none":
        found.append(AFTER_TLS)
    return found


def _fix(scope: Scope, view: ServiceView, setting: Setting) -> Fix:
    """noanonymous added to the list (check() found it lacks the word)."""
    words = tokens(setting.value)
    if setting.source.kind == "master":
        value = ",".join(["noanonymous"] + words)
        return Fix(f"Refuse anonymous logins on {view.label}: -o {setting.name}={value}",
                   (f"  -o {setting.name}={value}",),
                   (Edit("set", scope.master_path, setting.name, value, view.service.key),))
    value = ", ".join(["noanonymous"] + words)
    return Fix(f"Refuse anonymous logins: in main.cf set {setting.name} = {value}",
               (f"{setting.name} = {value}",),
               (Edit("set", scope.main_path, setting.name, value),))
