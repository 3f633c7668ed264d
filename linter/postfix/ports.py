"""Service names to TCP ports, the way Postfix resolves them.

Postfix looks a service name up in ``known_tcp_ports`` first (default
``lmtp=24, smtp=25, smtps=submissions=465, submission=587``), then in the
services database, so ``submission`` is 587 and ``smtps`` is 465 whatever
/etc/services says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLE_BY_PORT = {25: "mx", 587: "submission", 465: "submissions"}


@dataclass(frozen=True)
class Listener:
    host: str        # "" for all interfaces (inet_interfaces)
    port: int | None  # None when the name resolves to no port
    port_name: str


def known_tcp_ports(value: str) -> dict[str, int]:
    """Parse ``name=name=...=port`` lists separated by commas or blanks."""
    ports = {}
    for item in re.split(r"[\s,]+", value.strip()):
        names = [part.strip() for part in item.split("=") if part.strip()]
        if len(names) < 2 or not names[-1].isdigit():
            continue
        for name in names[:-1]:
            ports[name] = int(names[-1])
    return ports


def split_listener(service_name: str) -> tuple[str, str]:
    """``[::1]:587`` -> ("::1", "587"); ``127.0.0.1:smtp`` -> ("127.0.0.1", "smtp")."""
    if service_name.startswith("["):
        host, _, rest = service_name[1:].partition("]")
        return host.lower(), rest.lstrip(":")
    host, colon, port = service_name.rpartition(":")
    return (host.lower(), port) if colon else ("", service_name)


def resolve_port(port_name: str, known: dict[str, int]) -> int | None:
    if port_name.isdigit():
        return int(port_name)
    if port_name in known:
        return known[port_name]
    try:
        import socket  # lazily: the services database is rarely needed

        return socket.getservbyname(port_name, "tcp")
    except OSError:
        return None


def listener(service_name: str, known: dict[str, int]) -> Listener:
    host, port_name = split_listener(service_name)
    return Listener(host, resolve_port(port_name, known), port_name)
