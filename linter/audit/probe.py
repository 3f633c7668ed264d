"""Probe one target: the SMTP and TLS policy a client actually meets.

Never sends credentials or a message: the deepest it goes is
``MAIL FROM:<>`` (only before TLS on a submission port, to see that it is
refused), then RSET or QUIT. Each connection runs under the endpoint's
deadline; a problem the server has becomes a Problem with a rule id, a
server that cannot be talked to ends the probe with ``probe-unreachable``.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field

from linter.audit import tls_contexts
from linter.audit.certificates import from_der
from linter.audit.limits import Deadline, Timeouts
from linter.audit.smtp_session import ProbeError, Reply, Session, connect, handshake
from linter.audit.targets import Target
from linter.report.escape import one_line

EHLO_NAME = "smtplint.invalid"
SERVER_TEXT = 120          # at most this much of a server's text in a message
INJECTED = "NOOP"
EXPIRING_DAYS = 21


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str


@dataclass
class ProbeOptions:
    ca_file: str | None = None
    timeouts: Timeouts = field(default_factory=Timeouts)
    legacy_versions: tuple[str, ...] = ("TLSv1", "TLSv1.1")


@dataclass
class ProbeResult:
    """What one target showed: the problems, and the facts behind them
    (also what ``audit`` compares with the configuration)."""

    target: Target
    problems: list[Problem] = field(default_factory=list)
    facts: dict = field(default_factory=dict)

    def add(self, rule: str, message: str) -> None:
        self.problems.append(Problem(rule, message))


def shown(text: str) -> str:
    """Server text, escaped and shortened, for a message."""
    text = one_line(text)
    return text if len(text) <= SERVER_TEXT else text[:SERVER_TEXT] + "..."


def probe(target: Target, options: ProbeOptions | None = None) -> ProbeResult:
    options = options or ProbeOptions()
    result = ProbeResult(target)
    deadline = Deadline(options.timeouts.endpoint)
    try:
        if target.starttls:
            _probe_starttls(target, options, deadline, result)
        else:
            _probe_implicit(target, options, deadline, result)
        if _speaks_tls(result):
            _legacy_versions(target, options, deadline, result)
    except ProbeError as error:
        result.add("probe-unreachable", f"{error}")
    return result


def _speaks_tls(result: ProbeResult) -> bool:
    """Whether trying old protocol versions can tell anything: TLS is on
    offer, even if a modern handshake failed (a server that knows only
    TLS 1.0, say)."""
    if result.facts.get("tls_failed") or result.facts.get("implicit_tls") == "handshake-failed":
        return True
    return not any(p.rule in ("probe-starttls-missing", "probe-implicit-tls-failed")
                   for p in result.problems)


# -- STARTTLS ports (25, 587) -----------------------------------------------

def _open(target: Target, options: ProbeOptions, deadline: Deadline) -> tuple[Session, Reply]:
    session = Session(connect(target.host, target.port, options.timeouts, deadline),
                      options.timeouts, deadline)
    try:
        banner = session.read_reply("banner")
    except ProbeError:
        session.close()
        raise
    if banner.code != 220:
        session.quit()
        raise ProbeError(f"the banner is {banner.code} {shown(banner.text)}, not 220: "
                         f"the server refuses the session")
    return session, banner


def _ehlo(session: Session, stage: str) -> Reply:
    reply = session.command(f"EHLO {EHLO_NAME}")
    if reply.code != 250:
        raise ProbeError(f"EHLO {stage} was refused: {reply.code} {shown(reply.text)}")
    return reply


def _probe_starttls(target: Target, options: ProbeOptions, deadline: Deadline,
                    result: ProbeResult) -> None:
    session, banner = _open(target, options, deadline)
    try:
        result.facts["banner"] = shown(banner.text)
        ehlo = _ehlo(session, "before TLS")
        result.facts["starttls"] = "STARTTLS" in ehlo.keywords
        result.facts["auth_before_tls"] = ehlo.extension("AUTH")
        if result.facts["auth_before_tls"] is not None:
            result.add("probe-auth-before-starttls",
                       f"the server offers AUTH {shown(result.facts['auth_before_tls'])} "
                       "before STARTTLS: passwords can be sent in cleartext")
        if target.role == "submission":
            _plaintext_mail(target, session, result)
        if not result.facts["starttls"]:
            result.add("probe-starttls-missing",
                       f"the server does not offer STARTTLS in its EHLO reply: "
                       f"{_role_consequence(target)}")
            return
        reply = session.command("STARTTLS")
        if reply.code != 220:
            result.add("probe-starttls-missing",
                       f"the server offers STARTTLS but answers it with {reply.code} "
                       f"{shown(reply.text)}: {_role_consequence(target)}")
            return
        try:
            session = _tls_session(target, options, deadline, session, result)
        except ProbeError as error:
            if deadline.expired:
                raise
            result.facts["tls_failed"] = str(error)
            reason = str(error).removeprefix("TLS handshake failed: ")
            result.add("probe-starttls-missing",
                       f"the server offers STARTTLS but the TLS handshake fails ({reason}): "
                       f"{_role_consequence(target)}")
            return
        after = _ehlo(session, "after STARTTLS")
        _auth_after_tls(target, after, result)
    finally:
        session.quit()
    _injection(target, options, deadline, result)


def _plaintext_mail(target: Target, session: Session, result: ProbeResult) -> None:
    reply = session.command("MAIL FROM:<>")
    result.facts["plaintext_mail"] = reply.code
    if 200 <= reply.code < 300:   # any positive completion: the sender is taken
        result.add("probe-plaintext-mail-accepted",
                   f"the server accepts MAIL FROM before STARTTLS ({reply.code} "
                   f"{shown(reply.text)}); a submission port must refuse it with 530")
        session.command("RSET")


def _role_consequence(target: Target) -> str:
    if target.role == "smtp":
        return "mail from other servers to this MX travels in cleartext"
    return "mail clients cannot protect their password or messages"


def _tls_session(target: Target, options: ProbeOptions, deadline: Deadline,
                 session: Session, result: ProbeResult) -> Session:
    """Handshake with chain verification; when the chain fails, say why and
    finish the session on a new, unverified connection."""
    try:
        session.start_tls(tls_contexts.verifying_context(options.ca_file), _sni(target))
        result.facts["chain"] = "trusted"
    except ssl.SSLCertVerificationError as error:
        session.close()
        _chain_failed(target, error, result)
        session, _ = _open(target, options, deadline)
        _ehlo(session, "before TLS")
        reply = session.command("STARTTLS")
        if reply.code != 220:
            raise ProbeError(f"STARTTLS refused on the second connection: {reply.code}") from None
        session.start_tls(tls_contexts.unverified_context(), _sni(target))
    _certificate(target, session.sock, result)
    return session


def _auth_after_tls(target: Target, ehlo: Reply, result: ProbeResult) -> None:
    result.facts["auth_after_tls"] = ehlo.extension("AUTH")
    if target.role != "smtp" and result.facts["auth_after_tls"] is None:
        result.add("probe-auth-not-offered",
                   "the server does not offer AUTH after TLS: mail clients "
                   "cannot log in to submit mail")


def _injection(target: Target, options: ProbeOptions, deadline: Deadline,
               result: ProbeResult) -> None:
    """CVE-2011-0411 class: send STARTTLS and a second command in one packet.
    A server that buffered the plaintext answers that command inside TLS:
    an attacker on the path could inject commands into the protected
    session. Two commands are then sent inside TLS: three replies mean the
    injected one was executed."""
    session, _ = _open(target, options, deadline)
    try:
        _ehlo(session, "before TLS")
        session.send(f"STARTTLS\r\n{INJECTED}\r\n")
        reply = session.read_reply("reply to STARTTLS")
        if reply.code != 220:
            result.facts["injection"] = f"refused ({reply.code})"
            return
        try:
            session.sock = handshake(session.sock, tls_contexts.unverified_context(),
                                     _sni(target), options.timeouts, deadline)
        except ProbeError as error:
            result.facts["injection"] = f"handshake after a pipelined STARTTLS failed: {error}"
            return
        session.send("NOOP\r\nQUIT\r\n")
        replies = []
        for _ in range(3):
            try:
                replies.append(session.read_reply("reply inside TLS"))
            except ProbeError:
                break
            if replies[-1].code == 221:
                break
        injected = len(replies) == 3
        result.facts["injection"] = "vulnerable" if injected else "safe"
        if injected:
            result.add("probe-starttls-injection",
                       f"the server answered the command sent in plaintext right after "
                       f"STARTTLS ({INJECTED}) inside the TLS session: it buffers plaintext "
                       "across the handshake (CVE-2011-0411 class), so an attacker on the "
                       "path can inject commands into the protected session")
    finally:
        session.close()


# -- implicit TLS (465) -----------------------------------------------------

def _probe_implicit(target: Target, options: ProbeOptions, deadline: Deadline,
                    result: ProbeResult) -> None:
    sock = connect(target.host, target.port, options.timeouts, deadline)
    session = Session(sock, options.timeouts, deadline)
    try:
        try:
            session.start_tls(tls_contexts.verifying_context(options.ca_file), _sni(target))
            result.facts["chain"] = "trusted"
        except ssl.SSLCertVerificationError as error:
            session.close()
            _chain_failed(target, error, result)
            session = Session(connect(target.host, target.port, options.timeouts, deadline),
                              options.timeouts, deadline)
            session.start_tls(tls_contexts.unverified_context(), _sni(target))
        except ProbeError as error:
            session.close()
            _implicit_failed(target, options, deadline, result, str(error))
            return
        _certificate(target, session.sock, result)
        banner = session.read_reply("banner after the TLS handshake")
        if banner.code != 220:
            raise ProbeError(f"the banner after TLS is {banner.code} {shown(banner.text)}")
        result.facts["banner"] = shown(banner.text)
        _auth_after_tls(target, _ehlo(session, "after TLS"), result)
    finally:
        session.quit()


def _implicit_failed(target: Target, options: ProbeOptions, deadline: Deadline,
                     result: ProbeResult, reason: str) -> None:
    """Say which: the port speaks plaintext SMTP, or TLS itself fails."""
    plaintext = None
    try:
        session = Session(connect(target.host, target.port, options.timeouts, deadline),
                          options.timeouts, deadline)
        try:
            banner = session.read_reply("banner")
            plaintext = f"{banner.code} {shown(banner.text)}"
        finally:
            session.close()
    except ProbeError:
        pass
    if plaintext is not None:
        result.facts["implicit_tls"] = "plaintext"
        result.add("probe-implicit-tls-failed",
                   f"the server answers in plaintext ({plaintext}) where implicit TLS "
                   "is expected: the service is not in wrappermode")
    else:
        result.facts["implicit_tls"] = "handshake-failed"
        result.add("probe-implicit-tls-failed",
                   f"the implicit TLS handshake fails: {reason}")


# -- TLS details -------------------------------------------------------------

def _sni(target: Target) -> str | None:
    import ipaddress

    try:
        ipaddress.ip_address(target.host)
        return None
    except ValueError:
        return target.host


def _chain_failed(target: Target, error: ssl.SSLCertVerificationError,
                  result: ProbeResult) -> None:
    sub_id, reason = tls_contexts.chain_problem(error)
    result.facts["chain"] = sub_id
    if sub_id == "expired":
        return  # the certificate's own dates are judged in _certificate
    what = "is self-signed" if sub_id == "self-signed" else "is not trusted"
    result.add(f"probe-cert-invalid[{sub_id}]",
               f"the certificate chain {what}: {shown(reason)}")


def _certificate(target: Target, sock: ssl.SSLSocket, result: ProbeResult) -> None:
    result.facts["tls_version"] = sock.version()
    der = sock.getpeercert(binary_form=True)
    if not der:
        return
    cert = from_der(der)
    result.facts["cert_names"] = [*cert.dns_names, *cert.ip_addresses]
    if cert.expired():
        result.add("probe-cert-invalid[expired]",
                   f"the certificate expired on "
                   f"{cert.not_after:%Y-%m-%d %H:%M} UTC ({shown(cert.subject)})")
    if not cert.covers(target.host):
        result.add("probe-cert-invalid[name-mismatch]",
                   f"the certificate does not cover {target.host}: it names "
                   f"{shown(cert.names_text)}")


def _legacy_versions(target: Target, options: ProbeOptions, deadline: Deadline,
                     result: ProbeResult) -> None:
    accepted = []
    for version in options.legacy_versions:
        context = tls_contexts.legacy_context(version)
        if context is None:
            continue
        if _accepts(target, options, deadline, context):
            accepted.append(version)
    result.facts["legacy_tls"] = accepted
    if accepted:
        what = "these protocol versions are" if len(accepted) > 1 else "this protocol version is"
        result.add("probe-legacy-tls", f"the server accepts {' and '.join(accepted)}: "
                                       f"{what} deprecated (RFC 8996)")


def _accepts(target: Target, options: ProbeOptions, deadline: Deadline,
             context: ssl.SSLContext) -> bool:
    """Whether a handshake with only this protocol version succeeds."""
    try:
        if target.starttls:
            session, _ = _open(target, options, deadline)
            try:
                _ehlo(session, "before TLS")
                if session.command("STARTTLS").code != 220:
                    return False
                session.start_tls(context, _sni(target))
            finally:
                session.close()
        else:
            sock = connect(target.host, target.port, options.timeouts, deadline)
            try:
                handshake(sock, context, _sni(target), options.timeouts, deadline).close()
            finally:
                sock.close()
    except ProbeError:
        if deadline.expired:
            raise
        return False
    return True
