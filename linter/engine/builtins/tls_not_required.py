"""A port-587 submission service that does not require STARTTLS.

The message names the setting that decides the TLS mode: the security
level, or, when the level is empty, the obsolete smtpd_use_tls that smtpd
consults instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import cause_origin, refers_to_missing_main, tls_cause
from linter.engine.findings import Finding
from linter.engine.run import Scope, service_finding


def check(rule, scope: Scope) -> Iterator[Finding]:
    for view in scope.services:
        if view.tls not in ("none", "optional"):
            continue
        # Without main.cf, -o smtpd_tls_security_level=$submission_level is
        # unknown, not empty. (The boolean switches need no such test: an
        # empty boolean is invalid, and the mode is then unknown already.)
        if refers_to_missing_main(scope.config, view.setting("smtpd_tls_security_level")):
            continue
        cause = tls_cause(view)
        yield service_finding(rule, scope, view, cause, origin=cause_origin(cause))
