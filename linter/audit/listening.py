"""What listens on this host, from /proc/net/tcp and /proc/net/tcp6."""

from __future__ import annotations

import ipaddress

LISTEN = "0A"
PROC_FILES = ("/proc/net/tcp", "/proc/net/tcp6")
MAX_BYTES = 64 * 1024 * 1024


def listening_sockets(files=PROC_FILES) -> set[tuple[str, int]] | None:
    """(address, port) of every listening TCP socket; None when /proc
    cannot be read (then nothing can be judged)."""
    found: set[tuple[str, int]] = set()
    read_any = False
    for path in files:
        try:
            with open(path, encoding="ascii", errors="replace") as handle:
                text = handle.read(MAX_BYTES)
        except OSError:
            continue
        read_any = True
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 4 or fields[3] != LISTEN:
                continue
            address, _, port = fields[1].partition(":")
            try:
                found.add((_address(address), int(port, 16)))
            except ValueError:
                continue
    return found if read_any else None


def _address(hex_text: str) -> str:
    """The kernel prints addresses as 32-bit words in host (little-endian) order."""
    raw = bytes.fromhex(hex_text)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def is_listening(sockets: set[tuple[str, int]], host: str, port: int) -> bool:
    """A socket on the port that accepts connections for ``host`` ("" = any)."""
    wildcard = {"0.0.0.0", "::"}
    for address, bound in sockets:
        if bound != port:
            continue
        if not host or address in wildcard or address == host:
            return True
        if address.startswith("::ffff:") and address[7:] == host:
            return True
    return False
