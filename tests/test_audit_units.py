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
