"""A hostile or broken server cannot hang the probe or grow its memory.

Each case runs ``smtplint probe`` in a child process under its own time
and memory limit (tests/limits.py) against the tests' own server
(tests/smtp_fake.py) on 127.0.0.1.
"""

from __future__ import annotations

import json
import time

import pytest
from certs import make_ca, make_leaf
from limits import assert_no_traceback, python_limited, run_limited
from smtp_fake import Behaviour, FakeServer

PROBE = ["-m", "linter", "probe"]


@pytest.fixture(scope="module")
def cert_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "server.pem"
    ca = make_ca()
    leaf = make_leaf(["127.0.0.1"], ca)
    path.write_bytes(leaf.key_pem() + leaf.cert_pem())
    (path.parent / "ca.pem").write_bytes(ca.cert_pem())
    return str(path)


@pytest.fixture(scope="module")
def ca_file(cert_file):
    """The anchor that makes cert_file's chain trusted."""
    import os

    return os.path.join(os.path.dirname(cert_file), "ca.pem")


def _probe(server: FakeServer, role: str, *extra: str, seconds: float = 20):
    import sys

    start = time.monotonic()
    result = run_limited([sys.executable, *PROBE, f"{role}://127.0.0.1:{server.port}",
                          "--read-timeout", "1", "--endpoint-timeout", "4",
                          "--connect-timeout", "1", "-f", "json", *extra],
                         seconds=seconds, memory_mb=512)
    assert_no_traceback(result)
    return json.loads(result.out)["findings"], time.monotonic() - start


@pytest.mark.parametrize("behaviour, reason", [
    (Behaviour(hostile="endless-line"), "longer than 2048 bytes"),
    (Behaviour(hostile="silence"), "no complete banner within 1 s"),
    (Behaviour(hostile="drip"), "no complete banner within 1 s"),
    (Behaviour(hostile="many-lines"), "more than 100 lines"),
    (Behaviour(hostile="close"), "closed the connection"),
    # the banner is fine; the EHLO reply is what never ends
    (Behaviour(hostile_ehlo="endless-line"), "reply to EHLO has a line longer than 2048 bytes"),
    (Behaviour(hostile_ehlo="drip"), "no complete reply to EHLO within 1 s"),
    (Behaviour(hostile_ehlo="many-lines"), "reply to EHLO has more than 100 lines"),
])
def test_hostile_replies_end_in_probe_unreachable(cert_file, behaviour, reason):
    with FakeServer(behaviour, cert_file) as server:
        findings, elapsed = _probe(server, "submission")
    assert [f["rule"] for f in findings] == ["probe-unreachable"]
    assert reason in findings[0]["message"]
    assert elapsed < 10


def test_the_endpoint_deadline_bounds_a_slow_drip(cert_file):
    """Each reply is given 1 s; one endpoint 4 s in all, whatever the server does."""
    with FakeServer(Behaviour(hostile="drip"), cert_file) as server:
        _, elapsed = _probe(server, "submissions")
    assert elapsed < 8


def test_buffered_starttls_is_reported_as_injection(cert_file):
    with FakeServer(Behaviour(buffered_starttls=True), cert_file) as server:
        findings, _ = _probe(server, "submission", "--ca-file", cert_file)
    rules = {f["rule"] for f in findings}
    assert "probe-starttls-injection" in rules


def test_server_text_is_escaped_in_every_format(cert_file):
    banner = "220 evil.test \x1b[31mred\x1b[0m [bold]markup[/bold] \u202eoverride"
    behaviour = Behaviour(banner=banner.replace("220", "554", 1))
    with FakeServer(behaviour, cert_file) as server:
        import sys

        for output_format in ("text", "brief", "github", "json", "sarif"):
            result = run_limited([sys.executable, *PROBE, f"submission://127.0.0.1:{server.port}",
                                  "-f", output_format, "--read-timeout", "2"],
                                 seconds=20, memory_mb=512)
            assert "\x1b" not in result.out and "\u202e" not in result.out, output_format
            assert "probe-unreachable" in result.out


def test_unreachable_port_names_the_reason():
    import socket
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_limited([sys.executable, *PROBE, f"submission://127.0.0.1:{port}", "-f", "json"],
                         seconds=20, memory_mb=512)
    findings = json.loads(result.out)["findings"]
    assert result.code == 1
    assert findings[0]["rule"] == "probe-unreachable"
    assert "refused" in findings[0]["message"]
    assert findings[0]["path"] == f"submission://127.0.0.1:{port}"


def test_bad_targets_are_usage_errors():
    import sys

    for target in ("127.0.0.1:2525", "ftp://host", "host:99999", "[::1"):
        result = run_limited([sys.executable, *PROBE, target], seconds=20, memory_mb=512)
        assert result.code == 2, target
        assert "smtplint: error:" in result.err


def test_session_reader_memory_stays_bounded():
    """An endless line fed straight to the reader, in a child under 256 MB."""
    code = """
import socket, threading
from linter.audit.smtp_session import Session, ProbeError
from linter.audit.limits import Deadline, Timeouts
a, b = socket.socketpair()
def feed():
    try:
        while True:
            b.sendall(b"2" * 1048576)
    except OSError:
        pass
threading.Thread(target=feed, daemon=True).start()
try:
    Session(a, Timeouts(1, 2, 5), Deadline(5)).read_reply("banner")
except ProbeError as error:
    print("stopped:", error)
a.close(); b.close()
"""
    result = python_limited(code, seconds=20, memory_mb=256)
    assert "stopped: banner has a line longer than 2048 bytes" in result.out, result.err[-2000:]


def test_probe_sarif_is_valid_and_locates_the_target(cert_file):
    """The target is the result's artifact URI, under the official schema."""
    import sys

    from consumers import official_sarif_schema as official_schema

    with FakeServer(Behaviour(accept_plain_mail=True), cert_file) as server:
        result = run_limited([sys.executable, *PROBE, f"submission://127.0.0.1:{server.port}",
                              "--ca-file", cert_file, "-f", "sarif"], seconds=20, memory_mb=512)
    document = json.loads(result.out)
    import jsonschema

    schema = official_schema()
    for validator in (jsonschema.Draft7Validator(schema), jsonschema.Draft4Validator(schema)):
        assert list(validator.iter_errors(document)) == []
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
            for res in document["runs"][0]["results"] for loc in res["locations"]}
    assert uris == {f"submission://127.0.0.1:{server.port}"}


def test_a_server_that_hangs_up_in_the_handshake_is_reported(cert_file):
    """It answers STARTTLS with 220 and hangs up: TLS is offered but no
    client gets it (and no old protocol version works either)."""
    with FakeServer(Behaviour(close_in_handshake=True), cert_file) as server:
        findings, elapsed = _probe(server, "submission")
    assert [f["rule"] for f in findings] == ["probe-starttls-missing"]
    assert "the TLS handshake fails (UNEXPECTED_EOF" in findings[0]["message"]
    assert elapsed < 10


@pytest.mark.parametrize("role, implicit", [("submission", False), ("submissions", True)])
def test_a_slow_but_honest_server_is_judged_not_unreachable(cert_file, ca_file, role, implicit):
    """0.3 s before every reply, well inside the 1 s read limit: every
    check runs and none fails."""
    with FakeServer(Behaviour(delay=0.3, implicit_tls=implicit), cert_file) as server:
        findings, _ = _probe(server, role, "--ca-file", ca_file, "--endpoint-timeout", "20",
                             seconds=40)
    assert findings == []


def test_a_banner_that_claims_starttls_does_not_count(cert_file):
    """Only the EHLO reply's keywords are believed, not what the banner says."""
    behaviour = Behaviour(banner="220 mx.test ESMTP STARTTLS AUTH PLAIN ready", starttls=False)
    with FakeServer(behaviour, cert_file) as server:
        findings, _ = _probe(server, "submission")
    assert [f["rule"] for f in findings] == ["probe-starttls-missing"]


ALLOWED = {"EHLO smtplint.invalid", "STARTTLS", "MAIL FROM:<>", "RSET", "NOOP", "QUIT"}


@pytest.mark.parametrize("role, implicit", [("smtp", False), ("submission", False),
                                            ("submissions", True)])
def test_the_probe_never_sends_credentials_or_a_message(cert_file, ca_file, role, implicit):
    """Even a server that offers AUTH everywhere and accepts plaintext MAIL
    gets no AUTH, RCPT or DATA: the probe stops at MAIL FROM:<> and QUITs."""
    behaviour = Behaviour(implicit_tls=implicit, auth_before_tls=True, accept_plain_mail=True)
    with FakeServer(behaviour, cert_file) as server:
        _probe(server, role, "--ca-file", ca_file)
        commands = list(server.commands)
    assert commands and set(commands) <= ALLOWED, commands
    assert "QUIT" in commands
    assert ("MAIL FROM:<>" in commands) == (role == "submission")


def test_many_targets_are_probed_concurrently(cert_file):
    """Eight silent servers, 1 s of patience each: one after the other
    would take 8 s; the thread pool waits for them together, and the
    findings still come one per target."""
    import contextlib
    import sys

    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(FakeServer(Behaviour(hostile="silence"), cert_file))
                   for _ in range(8)]
        start = time.monotonic()
        result = run_limited([sys.executable, *PROBE,
                              *(f"submission://127.0.0.1:{s.port}" for s in servers),
                              "--read-timeout", "1", "-j", "8", "-f", "json"],
                             seconds=30, memory_mb=512)
        elapsed = time.monotonic() - start
    assert_no_traceback(result)
    findings = json.loads(result.out)["findings"]
    assert sorted(f["path"] for f in findings) == sorted(
        f"submission://127.0.0.1:{s.port}" for s in servers)
    assert {f["rule"] for f in findings} == {"probe-unreachable"}
    assert elapsed < 6, elapsed


def test_ehlo_text_is_escaped_in_every_format(cert_file):
    """The AUTH line's text reaches the message of probe-auth-before-starttls."""
    import sys

    mechanisms = "PLAIN \x1b[2J\x1b[31mLOGIN [bold]x[/bold] \u202etxt"
    behaviour = Behaviour(auth_before_tls=True, auth_mechanisms=mechanisms)
    with FakeServer(behaviour, cert_file) as server:
        for output_format in ("text", "brief", "github", "json", "sarif"):
            result = run_limited([sys.executable, *PROBE, f"submission://127.0.0.1:{server.port}",
                                  "-f", output_format, "--read-timeout", "2", "--no-color"],
                                 seconds=20, memory_mb=512)
            assert "probe-auth-before-starttls" in result.out, output_format
            assert "\x1b" not in result.out and "\u202e" not in result.out, output_format
