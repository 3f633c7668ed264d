"""app-endpoint-not-offered: the Postfix configuration of the app's host
has no service on that port in that mode."""

from __future__ import annotations

from linter.apps import findings as make
from linter.engine.findings import Related


def check(rule, endpoint, context):
    servers = getattr(context, "servers", None) or {}
    if endpoint.host is None or endpoint.port is None or endpoint.transport is None:
        return
    server = servers.get(endpoint.host.strip().lower().rstrip("."))
    if server is None:
        return
    on_port = [offer for offer in server.offers if offer.port == endpoint.port]
    problem = _problem(endpoint, on_port)
    if problem is None:
        return
    related = [Related(offer.path, offer.line, 1, offer.label) for offer in on_port]
    values = make.fields(rule, endpoint, server=server.name, problem=problem)
    yield make.make(rule, endpoint, (endpoint.causes.get("port"), endpoint.causes.get("host")),
                    values, related=related)


def _problem(endpoint, on_port) -> str | None:
    port, transport = endpoint.port, endpoint.transport
    if not on_port:
        kind = {465: "no active submissions (465) service",
                587: "no active submission (587) service"}.get(
                    port, f"no smtpd service on port {port}")
        return f"has {kind} in master.cf"
    modes = {offer.mode for offer in on_port}
    if None in modes:
        return None                  # the server's TLS mode is not knowable
    names = ", ".join(offer.label for offer in on_port)
    if transport == "implicit_tls" and "implicit_tls" not in modes:
        return (f"runs {names} without smtpd_tls_wrappermode=yes "
                "(STARTTLS or plain, not implicit TLS)")
    if transport == "starttls" and modes == {"implicit_tls"}:
        return f"runs {names} with smtpd_tls_wrappermode=yes (implicit TLS, not STARTTLS)"
    if transport == "starttls" and endpoint.starttls == "required" and modes == {"plain"}:
        return f"runs {names} without TLS (smtpd_tls_security_level=none): STARTTLS is not offered"
    if transport == "plain" and modes == {"implicit_tls"}:
        return f"runs {names} with smtpd_tls_wrappermode=yes (implicit TLS)"
    return None
