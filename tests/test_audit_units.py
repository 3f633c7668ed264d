"""Target syntax, /proc/net/tcp parsing and version choice: the small pure
parts of audit and probe."""

from __future__ import annotations

import socket

import pytest

from linter.audit.host import model_version
from linter.audit.listening import is_listening, listening_sockets
from linter.audit.targets import Target, TargetError, parse_target


@pytest.mark.parametrize("text, expected", [
    ("mx.example.org:25", [Target("smtp", "mx.example.org", 25)]),
    ("Mail.Example.org:465", [Target("submissions", "mail.example.org", 465)]),
    ("submissions://mail.example.org:10465", [Target("submissions", "mail.example.org", 10465)]),
    ("submission://[2001:db8::1]", [Target("submission", "2001:db8::1", 587)]),
    ("h", [Target("smtp", "h", 25), Target("submissions", "h", 465),
           Target("submission", "h", 587)]),
])
def test_targets(text, expected):
    assert parse_target(text) == expected


def test_labels_are_rfc8314_uris():
    assert Target("submission", "2001:db8::1", 587).label == "submission://[2001:db8::1]:587"


@pytest.mark.parametrize("text", ["h:2525", "imap://h", "h:0", "[::1", "bad host", "[nope]:25"])
def test_bad_targets(text):
    with pytest.raises(TargetError):
        parse_target(text)


def test_listening_sockets_sees_a_real_listener():
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        sockets = listening_sockets()
        assert is_listening(sockets, "127.0.0.1", port)
        assert is_listening(sockets, "", port)
        assert not is_listening(sockets, "127.0.0.2", port)
    assert not is_listening(listening_sockets(), "127.0.0.1", port)


@pytest.mark.parametrize("mail_version, expected", [
    ("3.7.11", "3.7"), ("3.10.2", "3.10"), ("3.2.5", "3.4"), ("3.12.0", "3.10"), (None, "3.7"),
])
def test_model_version(mail_version, expected):
    assert model_version(mail_version)[0] == expected


def test_targets_file_and_baseline_naming_a_target(tmp_path, monkeypatch):
    """--targets-file reads one target a line; .smtplint-ignore may list a
    target with a rule id, and the finding is then not reported."""
    import io
    import json

    from linter.cli import main as _cli_main

    def main(argv):
        return _cli_main(["probe", *argv])

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    targets = tmp_path / "targets.txt"
    targets.write_text(f"# closed ports\nsubmission://127.0.0.1:{port}\n\n"
                       f"submissions://127.0.0.1:{port}\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["--targets-file", str(targets), "-f", "json"]) == 1
    paths = {f["path"] for f in json.loads(out.getvalue())["findings"]}
    assert paths == {f"submission://127.0.0.1:{port}", f"submissions://127.0.0.1:{port}"}
    (tmp_path / ".smtplint-ignore").write_text(
        f"submission://127.0.0.1:{port} probe-unreachable\n")
    out.truncate(0), out.seek(0)
    assert main(["--targets-file", str(targets), "-f", "json"]) == 1
    paths = {f["path"] for f in json.loads(out.getvalue())["findings"]}
    assert paths == {f"submissions://127.0.0.1:{port}"}


class _Terminal:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_progress_bar_only_on_a_terminal_and_not_in_ci():
    from linter.audit.progress import Progress

    for tty, environ, shown in ((True, {}, True), (False, {}, False), (True, {"CI": "true"}, False)):
        stream = _Terminal(tty)
        progress = Progress(stream, 3, environ)
        for _ in range(3):
            progress.step()
        progress.close()
        assert ("3/3" in stream.text) is shown


def test_listening_sockets_reads_tcp6():
    from conftest import REQUIRE_ALL

    try:
        server = socket.create_server(("::1", 0), family=socket.AF_INET6)
    except OSError:
        if REQUIRE_ALL:
            raise
        pytest.skip("::1 is not configured here")
    with server:
        port = server.getsockname()[1]
        assert ("::1", port) in listening_sockets()
