"""app-tls-not-required: plain or opportunistic STARTTLS to a remote host."""

from __future__ import annotations

from linter.apps import findings as make
from linter.apps.values import is_local

SENT = ("literal", "secret-reference")


def check(rule, endpoint, context):
    if endpoint.host is None or is_local(endpoint.host):
        return
    transport, starttls = endpoint.transport, endpoint.starttls
    if transport == "plain":
        how = "in plain text"
        cause = endpoint.causes.get("transport")
    elif transport in ("starttls", "auto") and starttls == "opportunistic":
        how = "with STARTTLS only if the server offers it (opportunistic)"
        cause = endpoint.causes.get("starttls") or endpoint.causes.get("transport")
    else:
        return
    how += f" ({make.where(endpoint, cause)})"
    severity = None
    if endpoint.credentials in SENT:
        how += ", and logs in with a password that an attacker on the path can read"
        severity = "error"
    setting, edit = make.fix_edit(endpoint, "require_tls")
    values = make.fields(rule, endpoint, how=how,
                         setting=setting or "require STARTTLS or use implicit TLS on 465")
    yield make.make(rule, endpoint, (cause,), values, severity=severity,
                    fix=(setting, edit))
