"""AUTH before STARTTLS sends the password in the clear: SASL on, TLS
optional or off, smtpd_tls_auth_only = no, and plaintext mechanisms
allowed (smtpd_sasl_security_options without noplaintext). When the
services inherit smtpd_tls_auth_only from main.cf (or its default), one
finding at the cause names them all."""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import is_loopback
from linter.engine.conditions import tokens
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import Problem, Scope, is_yes, quote, report

AUTH_ONLY = "smtpd_tls_auth_only"
OPTIONS = "smtpd_sasl_security_options"


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    for view in scope.services:
        if is_yes(view.setting("smtpd_sasl_auth_enable")) is not True:
            continue
        if view.tls not in ("none", "optional") or view.auth_only is not False:
            continue
        if is_loopback(view) or (view.tls == "none" and view.role == "other"):
            continue  # nobody on the network sees it, or a port without TLS by design
        options = view.setting(OPTIONS)
        if options is None or not options.known:
            continue
        if "noplaintext" in (word.lower() for word in tokens(options.value)):
            continue
        setting = view.setting(AUTH_ONLY)
        tls = "off" if view.tls == "none" else "optional"
        shown = quote(options.value.strip()) or "(empty)"
        if setting is not None and setting.source.kind == "master":
            fix = Fix(f"Offer AUTH only after STARTTLS on {view.label}: -o {AUTH_ONLY}=yes",
                      (f"  -o {AUTH_ONLY}=yes",),
                      (Edit("set", scope.master_path, AUTH_ONLY, "yes", view.service.key),))
        else:
            fix = Fix(f"Offer AUTH only after STARTTLS: in main.cf set {AUTH_ONLY} = yes",
                      (f"{AUTH_ONLY} = yes",),
                      (Edit("set", scope.main_path, AUTH_ONLY, "yes"),))
        problems.append(Problem(view, setting, {"tls": tls, "options": shown}, fix,
                                detail=f"TLS {tls}, {OPTIONS}={shown}"))
    yield from report(rule, scope, problems)
