"""A service offers or requires TLS but smtpd has no certificate to use.

smtpd counts a certificate as configured when smtpd_tls_cert_file,
_eccert_file, _dcert_file or _chain_files is non-empty; the literal
``smtpd_tls_cert_file = none`` asks for certificate-less (anonymous) TLS
on purpose and is not reported.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.tls_mode import (
    cause_origin,
    default_unknown,
    obsolete_note,
    templated,
    tls_cause,
)
from linter.engine.findings import Finding
from linter.engine.run import Problem, Scope, report

CERTIFICATE_PARAMETERS = ("smtpd_tls_cert_file", "smtpd_tls_eccert_file",
                          "smtpd_tls_dcert_file", "smtpd_tls_chain_files")
CONSEQUENCE = {
    "optional": "smtpd cannot start TLS, so STARTTLS is not available",
    "required": "smtpd cannot start TLS, and clients cannot send mail without it",
    "wrapper": "every implicit-TLS handshake fails",
}


def check(rule, scope: Scope) -> Iterator[Finding]:
    problems = []
    for view in scope.services:
        if view.tls not in CONSEQUENCE or templated(view):
            continue
        # All four exist in every supported version (chain_files from 3.4).
        settings = [view.setting(name) for name in CERTIFICATE_PARAMETERS]
        if any(not s.known or s.value.strip() or default_unknown(scope.config, s)
               for s in settings):
            continue
        cause = tls_cause(view)
        problems.append(Problem(view, cause, {"consequence": CONSEQUENCE[view.tls],
                                              "origin": cause_origin(cause),
                                              "obsolete": obsolete_note(cause)}))
    return report(rule, scope, problems)
