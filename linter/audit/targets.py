"""Probe targets: ``[ROLE://]HOST[:PORT]``, RFC 8314's service names.

Without a role the port decides (25 smtp, 465 submissions, 587 submission);
another port needs a role; with neither, the host's three standard ports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PORT_BY_ROLE = {"smtp": 25, "submissions": 465, "submission": 587}
ROLE_BY_PORT = {port: role for role, port in PORT_BY_ROLE.items()}
ROLES = tuple(PORT_BY_ROLE)
# The engine's role names (severity_by_role) for the probe's.
ENGINE_ROLE = {"smtp": "mx", "submission": "submission", "submissions": "submissions"}
HOST = re.compile(r"^[A-Za-z0-9._-]{1,253}$")
MAX_TARGETS_FILE = 1024 * 1024


class TargetError(ValueError):
    """A target that cannot be probed as written; the message says why."""


@dataclass(frozen=True)
class Target:
    role: str
    host: str
    port: int

    @property
    def label(self) -> str:
        """``submission://mail.example.org:587``: where findings point."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.role}://{host}:{self.port}"

    @property
    def starttls(self) -> bool:
        return self.role != "submissions"


def parse_target(text: str) -> list[Target]:
    """One written target; several when neither role nor port is given."""
    written = text.strip()
    role = None
    if "://" in written:
        role, _, written = written.partition("://")
        role = role.lower()
        if role not in PORT_BY_ROLE:
            raise TargetError(f"{text!r}: unknown role {role!r}; use {', '.join(ROLES)}")
    host, port = _split_host_port(written, text)
    if port is None:
        if role is not None:
            return [Target(role, host, PORT_BY_ROLE[role])]
        return [Target(r, host, PORT_BY_ROLE[r]) for r in ("smtp", "submissions", "submission")]
    if role is None:
        role = ROLE_BY_PORT.get(port)
        if role is None:
            raise TargetError(f"{text!r}: port {port} has no standard role; write "
                              f"smtp://, submission:// or submissions:// before the host")
    return [Target(role, host, port)]


def _split_host_port(written: str, text: str) -> tuple[str, int | None]:
    if written.startswith("["):
        host, bracket, rest = written[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise TargetError(f"{text!r}: unbalanced [ ] around the address")
        port_text = rest[1:] if rest else None
        _check_ipv6(host, text)
    else:
        host, colon, port_text = written.partition(":")
        port_text = port_text if colon else None
        if not HOST.match(host):
            raise TargetError(f"{text!r}: not a host name or address")
    port = None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise TargetError(f"{text!r}: port must be a number from 1 to 65535")
        port = int(port_text)
    return host.lower(), port


def _check_ipv6(host: str, text: str) -> None:
    import ipaddress

    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise TargetError(f"{text!r}: {host!r} is not an IPv6 address") from None


def read_targets_file(path: str) -> list[str]:
    """One target a line; blank lines and ``#`` comments are skipped."""
    with open(path, encoding="utf-8", errors="replace") as handle:
        text = handle.read(MAX_TARGETS_FILE + 1)
    if len(text) > MAX_TARGETS_FILE:
        raise TargetError(f"{path}: larger than {MAX_TARGETS_FILE} bytes")
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
