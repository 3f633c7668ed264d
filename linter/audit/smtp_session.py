"""One SMTP client connection with bounded, deadline-driven reads.

Every read takes at most what is left of the reply's own time and of the
endpoint's deadline; a line may not exceed MAX_LINE bytes and a reply
MAX_REPLY_LINES lines, so an endless line, a drip-feed or silence ends in
a ProbeError instead of a hang or unbounded memory.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass

from linter.audit.limits import MAX_LINE, MAX_REPLY_LINES, Deadline, Timeouts


class ProbeError(Exception):
    """The conversation cannot go on; the message is the reason."""


@dataclass(frozen=True)
class Reply:
    code: int
    lines: tuple[str, ...]      # text after the code, decoded leniently

    @property
    def text(self) -> str:
        return " / ".join(self.lines)

    @property
    def keywords(self) -> set[str]:
        """EHLO extension keywords, upper-cased (the first line is the greeting)."""
        return {line.split()[0].upper() for line in self.lines[1:] if line.split()}

    def extension(self, keyword: str) -> str | None:
        for line in self.lines[1:]:
            words = line.split()
            if words and words[0].upper() == keyword:
                return " ".join(words[1:])
        return None


def connect(host: str, port: int, timeouts: Timeouts, deadline: Deadline) -> socket.socket:
    timeout = deadline.remaining(timeouts.connect)
    if timeout <= 0:
        raise ProbeError("the endpoint's time limit ran out before connecting")
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise ProbeError(f"connect timed out after {timeout:.1f} s") from None
    except OSError as error:
        raise ProbeError(f"cannot connect: {error.strerror or error}") from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


class Session:
    """Commands and replies over one socket (plain, then maybe TLS)."""

    def __init__(self, sock: socket.socket, timeouts: Timeouts, deadline: Deadline):
        self.sock: socket.socket = sock
        self.timeouts = timeouts
        self.deadline = deadline
        self._buffer = bytearray()

    # -- reading -------------------------------------------------------

    def read_reply(self, what: str = "reply") -> Reply:
        reply_deadline = time.monotonic() + self.timeouts.read
        code, lines = None, []
        while True:
            line = self._read_line(reply_deadline, what)
            if len(line) < 3 or not line[:3].isdigit() or line[3:4] not in (b"", b" ", b"-"):
                raise ProbeError(f"malformed {what}: {_shown(line)}")
            if code is not None and int(line[:3]) != code:
                raise ProbeError(f"{what} changes its code inside a multi-line reply")
            code = int(line[:3])
            lines.append(line[4:].decode("utf-8", "replace"))
            if line[3:4] != b"-":
                return Reply(code, tuple(lines))
            if len(lines) >= MAX_REPLY_LINES:
                raise ProbeError(f"{what} has more than {MAX_REPLY_LINES} lines")

    def _read_line(self, reply_deadline: float, what: str) -> bytes:
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end]).rstrip(b"\r")
                del self._buffer[:end + 1]
                if len(line) > MAX_LINE:
                    raise ProbeError(f"{what} has a line longer than {MAX_LINE} bytes")
                return line
            if len(self._buffer) > MAX_LINE:
                raise ProbeError(f"{what} has a line longer than {MAX_LINE} bytes")
            self._receive(reply_deadline, what)

    def _receive(self, reply_deadline: float, what: str) -> None:
        timeout = min(reply_deadline - time.monotonic(), self.deadline.remaining())
        if timeout <= 0:
            raise ProbeError(self._timeout_reason(what))
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(MAX_LINE + 2 - len(self._buffer))
        except TimeoutError:
            raise ProbeError(self._timeout_reason(what)) from None
        except ssl.SSLError as error:
            raise ProbeError(f"TLS error while reading the {what}: {error.reason or error}") from None
        except OSError as error:
            raise ProbeError(f"connection lost while reading the {what}: "
                             f"{error.strerror or error}") from None
        if not data:
            raise ProbeError(f"the server closed the connection instead of sending the {what}")
        self._buffer += data

    def _timeout_reason(self, what: str) -> str:
        if self.deadline.expired:
            return f"no complete {what} within the endpoint's time limit"
        return f"no complete {what} within {self.timeouts.read:.0f} s"

    def has_pending(self, wait: float) -> bool:
        """Whether the server sent something unasked within ``wait`` seconds."""
        if self._buffer:
            return True
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        self.sock.settimeout(max(0.001, self.deadline.remaining(wait)))
        try:
            data = self.sock.recv(MAX_LINE)
        except (TimeoutError, ssl.SSLWantReadError):
            return False
        except OSError:
            return False
        self._buffer += data
        return bool(data)

    # -- writing -------------------------------------------------------

    def send(self, text: str) -> None:
        timeout = self.deadline.remaining(self.timeouts.read)
        if timeout <= 0:
            raise ProbeError("the endpoint's time limit ran out")
        self.sock.settimeout(timeout)
        try:
            self.sock.sendall(text.encode("ascii"))
        except OSError as error:
            raise ProbeError(f"cannot send {text.split()[0]}: {error.strerror or error}") from None

    def command(self, text: str) -> Reply:
        self.send(text + "\r\n")
        return self.read_reply(f"reply to {text.split()[0]}")

    # -- TLS -----------------------------------------------------------

    def start_tls(self, context: ssl.SSLContext, server_hostname: str | None) -> None:
        """Handshake on the current socket; whatever the server sent before
        it is dropped, as RFC 3207 requires of the client too."""
        self._buffer.clear()
        self.sock = handshake(self.sock, context, server_hostname, self.timeouts, self.deadline)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    def quit(self) -> None:
        """QUIT politely, but never wait long for the goodbye."""
        try:
            self.send("QUIT\r\n")
            self.sock.settimeout(min(0.5, max(0.001, self.deadline.remaining())))
            self.sock.recv(MAX_LINE)
        except (OSError, ProbeError):
            pass
        self.close()


def handshake(sock: socket.socket, context: ssl.SSLContext, server_hostname: str | None,
              timeouts: Timeouts, deadline: Deadline) -> ssl.SSLSocket:
    timeout = deadline.remaining(timeouts.read)
    if timeout <= 0:
        raise ProbeError("the endpoint's time limit ran out before the TLS handshake")
    sock.settimeout(timeout)
    try:
        return context.wrap_socket(sock, server_hostname=server_hostname)
    except ssl.SSLCertVerificationError:
        raise
    except TimeoutError:
        raise ProbeError(f"TLS handshake timed out after {timeout:.1f} s") from None
    except ssl.SSLError as error:
        raise ProbeError(f"TLS handshake failed: {error.reason or error}") from None
    except OSError as error:
        raise ProbeError(f"TLS handshake failed: {error.strerror or error}") from None


def _shown(line: bytes) -> str:
    """A short, escaped excerpt of server text for a message."""
    from linter.report.escape import one_line

    return one_line(line[:80].decode("utf-8", "replace")) + ("..." if len(line) > 80 else "")
