"""Service names to TCP ports, the way Postfix's master resolves them.

An inet entry's name is split by host_port() (``[::1]:587``,
``127.0.0.1:smtp``, ``587``); the port is looked up in ``known_tcp_ports``
first (default ``lmtp=24, smtp=25, smtps=submissions=465,
submission=587``), then given to getaddrinfo: a number as glibc reads it
(``99999`` wraps to 34463, ``0`` is a random port), a name in the
services database. Verified with a real master on Linux: an unclosed
``[``, a missing port, garbage after a number, an unknown service name or
a negative number stop master; port 0 and wrapped numbers do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from linter.postfix.numbers import alldig, numeric_port
from linter.postfix.quote import token

ROLE_BY_PORT = {25: "mx", 587: "submission", 465: "submissions"}
CHARS_SPACE = " \t\r\n"
NSSWITCH, SERVICES_FILE, SERVICES_DB = ("/etc/nsswitch.conf", "/etc/services",
                                        "/var/lib/misc/services.db")


@dataclass(frozen=True)
class Problem:
    """What master does with a listener it cannot use as written."""

    severity: str    # "error": master stops; "warning": it starts, wrongly
    message: str


@dataclass(frozen=True)
class Listener:
    host: str        # "" for all interfaces (inet_interfaces)
    port: int | None  # None when the name resolves to no port (or a random one)
    port_name: str
    problems: tuple[Problem, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class KnownPorts:
    """known_tcp_ports as config_known_tcp_ports.c reads it, with its warnings."""

    ports: dict[str, str]
    warnings: tuple[str, ...] = ()

    def get(self, name: str) -> str | None:
        return self.ports.get(name)


def known_tcp_ports(value: str) -> dict[str, int]:
    """``name=name=...=port`` associations and their ports (compatibility)."""
    parsed = parse_known_tcp_ports(value)
    found = {}
    for name, port in parsed.ports.items():
        resolved = numeric_port(port)
        if resolved is not None and resolved.port:
            found[name] = resolved.port
    return found


def parse_known_tcp_ports(value: str) -> KnownPorts:
    """Comma-separated ``1*(name "=") port`` items. A bad item is a warning
    and is skipped (postconf and the daemons go on); names keep the first
    association, ports must be ASCII digits, a name must not be one."""
    ports: dict[str, str] = {}
    warnings: list[str] = []
    for item in value.split(","):
        if not item:
            continue   # argv_split drops empty items, not blank ones
        parts = f" {item} ".split("=")
        if len(parts) == 1:
            warnings.append(f"in {token(item)}: not in \"name = value\" form")
            continue
        problem = _association(parts, ports)
        if problem:
            warnings.append(f"in {token(item)}: {problem}")
    return KnownPorts(ports, tuple(warnings))


def _association(parts: list[str], ports: dict[str, str]) -> str | None:
    port_words = parts[-1].split()
    if not port_words:
        return 'missing port value after "="'
    if len(port_words) > 1:
        return "whitespace in port number"
    port = port_words[0]
    problem = None
    for part in parts[:-1]:
        words = part.split()
        if not words:
            found = 'missing service name before "="'
        elif len(words) > 1:
            found = "whitespace in service name"
        elif alldig(words[0]):
            found = "numerical service name"
        elif not alldig(port):
            found = "non-numerical service port"
        elif words[0] in ports:
            found = "duplicate service name"
        else:
            ports[words[0]] = port
            found = None
        problem = problem or found
    return problem


def split_listener(service_name: str) -> tuple[str, str]:
    """``[::1]:587`` -> ("::1", "587"); ``127.0.0.1:smtp`` -> ("127.0.0.1", "smtp")."""
    if service_name.startswith("["):
        host, _, rest = service_name[1:].partition("]")
        return host.lower(), rest.lstrip(":")
    host, colon, port = service_name.rpartition(":")
    return (host.lower(), port) if colon else ("", service_name)


def host_port(service_name: str) -> tuple[str, str, str | None]:
    """host_port(name, &host, "", &port, NULL) as master calls it:
    (host, port, error)."""
    if service_name.startswith("["):
        rest = service_name[1:]
        if rest[:5].lower() == "ipv6:":
            rest = rest[5:]
        host, bracket, after = rest.partition("]")
        if not bracket:
            return host, "", 'missing "]"'
        if after and not after.startswith(":"):
            return host, "", 'garbage after "]"'
        port = after[1:]
    else:
        host, colon, port = service_name.rpartition(":")
        if not colon:
            host, port = "", service_name
    if not port:
        return host, "", "missing service information"
    if "0" <= port[0] <= "9" and not alldig(port):
        return host, port, "garbage after numerical service"
    return host, port, None


def resolve_port(port_name: str, known: dict[str, int] | KnownPorts) -> int | None:
    return _resolve(port_name, known)[0]


def listener(service_name: str, known: dict[str, int] | KnownPorts) -> Listener:
    host, port_name, error = host_port(service_name)
    if error is not None:
        return Listener(host.lower(), None, port_name,
                        (Problem("error", f"{error} in {token(service_name)}: master "
                                          "refuses to start"),))
    port, problem = _resolve(port_name, known)
    return Listener(host.lower(), port, port_name, (problem,) if problem else ())


def _resolve(port_name: str, known: dict[str, int] | KnownPorts) -> tuple[int | None, Problem | None]:
    """filter_known_tcp_port(), then getaddrinfo's numeric or named service."""
    if isinstance(known, KnownPorts):
        mapped = known.get(port_name) if not alldig(port_name) else None
        if mapped is not None:
            port_name = mapped
    elif port_name in known and not alldig(port_name):
        return known[port_name], None
    numeric = numeric_port(port_name)
    if numeric is not None:
        if numeric.port == 0:
            return None, Problem("warning", numeric.note)
        if numeric.note:
            severity = "error" if numeric.port is None else "warning"
            return numeric.port, Problem(severity, numeric.note)
        return numeric.port, None
    port = services_port(port_name)
    if port is None and services_database_works():
        return None, Problem("error", f"{token(port_name)} is not a port number nor a "
                                      "service in the services database (or "
                                      "known_tcp_ports): master stops (Servname not "
                                      "supported for ai_socktype)")
    return port, None


def services_port(name: str) -> int | None:
    """The services database's port for a TCP service name."""
    if not name or not name.isascii() or any(char in CHARS_SPACE + "\x00" for char in name):
        return None
    table = _services_file()
    if table is not None:
        return table.get(name)
    return _getservbyname(name)


@lru_cache(maxsize=1024)
def _getservbyname(name: str) -> int | None:
    try:
        import socket  # lazily: the services database is rarely needed

        return socket.getservbyname(name, "tcp")
    except (OSError, UnicodeError):
        return None


@lru_cache(maxsize=1)
def _services_file() -> dict[str, int] | None:
    """/etc/services read once, when the name service switch consults
    nothing else for services (an unknown name then costs a dictionary
    look-up, not a 40 us NSS call: master.cf files with thousands of
    names). None: ask getservbyname."""
    try:
        nsswitch = Path(NSSWITCH).read_text(errors="replace")
    except OSError:
        nsswitch = ""
    sources = ["files"]
    for line in nsswitch.splitlines():
        key, colon, rest = line.partition(":")
        if colon and key.strip() == "services":
            sources = rest.split("#", 1)[0].split()
    if not sources or set(sources) - {"files", "db"} or (
            "db" in sources and Path(SERVICES_DB).exists()):
        return None
    try:
        text = Path(SERVICES_FILE).read_text(errors="replace")
    except OSError:
        return None
    table: dict[str, int] = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) < 2 or "/" not in fields[1]:
            continue
        port, _, protocol = fields[1].partition("/")
        if protocol != "tcp" or not alldig(port) or len(port) > 5:
            continue
        for alias in [fields[0], *fields[2:]]:
            table.setdefault(alias, int(port))
    return table


@lru_cache(maxsize=1)
def services_database_works() -> bool:
    """Whether this machine has a services database to judge names by (a
    minimal container may have none: then unknown names are not errors)."""
    return services_port("smtp") == 25 and services_port("domain") == 53
