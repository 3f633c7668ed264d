"""A small SMTP server of the tests' own, configurable to misbehave.

It serves the probe's rule fixtures (tests/fixtures/rules/probe-*/) and the
hostile cases: an endless banner line, silence, a drip-feed, too many
lines (in the banner or the EHLO reply), a hang-up in the TLS handshake, a
slow but honest server, and a STARTTLS that keeps the plaintext it
buffered (CVE-2011-0411 class). It records every command it is sent, so a
test can check that the probe never sends credentials or a message. It
binds only 127.0.0.1 on a free port, runs in a thread, and is stopped by
``close()`` (a context manager), which also closes every connection it
accepted.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import warnings
from dataclasses import dataclass, field


@dataclass
class Behaviour:
    implicit_tls: bool = False        # 465: TLS first, banner inside
    plaintext_on_implicit: bool = False
    starttls: bool = True
    starttls_reply: int = 220
    auth_before_tls: bool = False
    auth_after_tls: bool = True
    auth_mechanisms: str = "PLAIN LOGIN"   # the AUTH line's text, as the server words it
    accept_plain_mail: bool = False
    plain_mail_reply: str = "250 2.1.0 Ok"   # how it accepts MAIL before STARTTLS
    buffered_starttls: bool = False   # keep plaintext read before the handshake
    legacy_tls: bool = False          # accept TLS 1.0 and 1.1
    only_legacy_tls: bool = False     # accept TLS 1.0 and nothing newer
    banner: str = "220 fake.test ESMTP"
    delay: float = 0.0                # seconds before each reply: a slow but honest server
    hostile: str | None = None        # endless-line, silence, drip, many-lines, close
    hostile_ehlo: str | None = None   # endless-line, drip: the EHLO reply misbehaves
    close_in_handshake: bool = False  # answer STARTTLS 220, then hang up


@dataclass
class FakeServer:
    behaviour: Behaviour
    cert_file: str                    # PEM: key + certificate chain
    host: str = "127.0.0.1"
    port: int = 0
    _listener: socket.socket | None = None
    _connections: list = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)
    commands: list = field(default_factory=list)   # every line a client sent, in order

    def __enter__(self) -> FakeServer:  # noqa: PYI034
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self._listener.settimeout(0.2)
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        for connection in list(self._connections):
            try:
                connection.close()
            except OSError:
                pass
        for thread in self._threads:
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()

    def _context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_file)
        if self.behaviour.only_legacy_tls:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                context.minimum_version = context.maximum_version = ssl.TLSVersion.TLSv1
            context.set_ciphers("ALL:@SECLEVEL=0")
        elif self.behaviour.legacy_tls:
            context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
            context.set_ciphers("ALL:@SECLEVEL=0")
        else:
            context.minimum_version = ssl.TLSVersion.TLSv1_2
        return context

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            self._connections.append(connection)
            thread = threading.Thread(target=self._serve, args=(connection,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, connection: socket.socket) -> None:
        try:
            connection.settimeout(5)
            Conversation(self, connection).run()
        except (OSError, ssl.SSLError, ValueError):
            pass
        finally:
            try:
                connection.close()
            except OSError:
                pass


class Conversation:
    def __init__(self, server: FakeServer, sock: socket.socket):
        self.server, self.sock, self.behaviour = server, sock, server.behaviour
        self.buffer = b""
        self.tls = False

    def send(self, text: str) -> None:
        if self.behaviour.delay:
            time.sleep(self.behaviour.delay)
        self.sock.sendall(text.encode())

    def run(self) -> None:
        b = self.behaviour
        if b.hostile:
            self._hostile(b.hostile)
            return
        if b.implicit_tls and not b.plaintext_on_implicit:
            self.sock = self.server._context().wrap_socket(self.sock, server_side=True)
            self.tls = True
        self.send(b.banner + "\r\n")
        while not self.server._stop.is_set():
            line = self._line()
            if line is None:
                return
            if not self._command(line):
                return

    def _line(self) -> bytes | None:
        while b"\n" not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                return None
            self.buffer += data
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.rstrip(b"\r")

    def _command(self, line: bytes) -> bool:
        b = self.behaviour
        self.server.commands.append(line.decode("ascii", "replace"))
        verb = line.split(b" ")[0].upper()
        if verb in (b"EHLO", b"HELO") and b.hostile_ehlo and not self.tls:
            self.send("250-fake.test\r\n")
            self._hostile(b.hostile_ehlo, "250")
            return False
        if verb in (b"EHLO", b"HELO"):
            lines = ["fake.test", "PIPELINING"]
            if b.starttls and not self.tls and not b.implicit_tls:
                lines.append("STARTTLS")
            if (b.auth_before_tls and not self.tls) or (b.auth_after_tls and self.tls):
                lines.append(f"AUTH {b.auth_mechanisms}")
            self.send("".join(f"250-{text}\r\n" for text in lines[:-1]) + f"250 {lines[-1]}\r\n")
        elif verb == b"STARTTLS" and b.starttls and not self.tls:
            self.send(f"{b.starttls_reply} 2.0.0 Ready to start TLS\r\n")
            if b.starttls_reply != 220:
                return True
            if b.close_in_handshake:
                return False
            if not b.buffered_starttls:
                self.buffer = b""
            self.sock = self.server._context().wrap_socket(self.sock, server_side=True)
            self.tls = True
        elif verb == b"MAIL":
            if self.tls:
                self.send("250 2.1.0 Ok\r\n")
            elif b.accept_plain_mail:
                self.send(b.plain_mail_reply + "\r\n")
            else:
                self.send("530 5.7.0 Must issue a STARTTLS command first\r\n")
        elif verb == b"QUIT":
            self.send("221 2.0.0 Bye\r\n")
            return False
        elif verb in (b"RSET", b"NOOP"):
            self.send("250 2.0.0 Ok\r\n")
        else:
            self.send("502 5.5.2 Error: command not recognized\r\n")
        return True

    def _hostile(self, kind: str, code: str = "220") -> None:
        stop = self.server._stop
        if kind == "endless-line":
            self.send(f"{code} ")
            while not stop.is_set():
                self.sock.sendall(b"A" * 65536)
        elif kind == "silence":
            stop.wait(30)
        elif kind == "drip":
            self.send(f"{code}-")
            while not stop.is_set():
                self.sock.sendall(b"x")
                time.sleep(0.05)
        elif kind == "many-lines":
            while not stop.is_set():
                self.sock.sendall(f"{code}-fake.test\r\n".encode() * 1000)
        elif kind == "close":
            return
