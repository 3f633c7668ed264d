"""A submission service without SMTP AUTH: its effective
smtpd_sasl_auth_enable (main.cf, then -o) is not yes."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import default_unknown
from linter.engine.findings import Finding
from linter.engine.run import Scope, is_yes, service_finding

SASL = "smtpd_sasl_auth_enable"


def check(rule, scope: Scope) -> Iterator[Finding]:
    for view in scope.services:
        setting = view.setting(SASL)
        if default_unknown(scope.config, setting) or setting is None or not setting.known:
            continue
        if is_yes(setting) is not True:
            yield service_finding(rule, scope, view, setting)
