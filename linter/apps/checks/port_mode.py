"""app-port-mode-mismatch: implicit TLS on a STARTTLS port, STARTTLS or plain on 465."""

from __future__ import annotations

from linter.apps import findings as make
from linter.apps.findings import STARTTLS_PORTS


def check(rule, endpoint, context):
    port, transport = endpoint.port, endpoint.transport
    if port is None or transport is None or transport == "auto":
        return
    if transport == "implicit_tls" and port in STARTTLS_PORTS:
        expects, error_key, wanted, other = ("expects STARTTLS", "implicit_on_starttls_port",
                                             "starttls", "465")
    elif transport in ("starttls", "plain") and port == 465:
        expects, error_key, wanted, other = ("expects implicit TLS",
                                             "starttls_on_implicit_port", "implicit_tls", "587")
    else:
        return
    cause = endpoint.causes.get("transport")
    error = endpoint.mapping.errors.get(error_key, "a failed connection") \
        .replace("{host}", endpoint.host or "?").replace("{port}", str(port))
    setting, edit = make.fix_edit(endpoint, wanted)
    values = make.fields(rule, endpoint, expects=expects, error=error,
                         where=make.where(endpoint, cause or endpoint.causes.get("port")),
                         wanted=make.mode_text(wanted),
                         setting=setting or "the app's TLS mode setting", other_port=other)
    yield make.make(rule, endpoint, (cause, endpoint.causes.get("port")), values,
                    fix=(setting, edit))
