"""Which listener hosts count as loopback for the rules that leave local
listeners alone (mx-tls-required, sasl-auth-before-tls,
tls-legacy-protocols, tls-weak-ciphers): an address in 127.0.0.0/8 or ::1
in any spelling, and the names that mean loopback; never a name or an
address that merely starts like one."""

from __future__ import annotations

import pytest

from linter.engine.builtins.tls_mode import is_loopback, is_loopback_host
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve


def _view(host: str):
    config = resolve(None, parse_master_cf(f"{host}:10025 inet n - n - - smtpd\n"), "3.7")
    [view] = config.services
    return view


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.0.0.2", "127.255.255.254", "[::1]", "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]", "localhost", "LOCALHOST", "mail.localhost",
    "localhost.localdomain", "ip6-localhost", "ip6-loopback",
])
def test_loopback_hosts(host):
    assert is_loopback(_view(host)) is True


@pytest.mark.parametrize("host", [
    # a DNS name that starts with "localhost" is whatever DNS says it is
    "localhost.example.com", "localhostmail",
    # ::10 and ::1:2 are not ::1; 127.example.com is a name, not 127/8
    "[::10]", "[::1:2]", "127.example.com",
    "192.0.2.1", "[2001:db8::1]", "[::ffff:192.0.2.1]", "0.0.0.0", "[::]",
])
def test_hosts_that_only_look_like_loopback(host):
    assert is_loopback(_view(host)) is False


def test_a_listener_without_a_host_is_not_loopback():
    """A bare port listens on inet_interfaces (all by default)."""
    config = resolve(None, parse_master_cf("10025 inet n - n - - smtpd\n"), "3.7")
    assert is_loopback(config.services[0]) is False


@pytest.mark.parametrize("host, loopback", [
    ("LOCALHOST", True), ("[::1]", True), ("::1", True), ("", False), ("Localhost.Example.COM", False),
    ("[LOCALHOST]", True), ("[::1", False), ("::1]", False), ("[[::1]]", False)])
def test_host_helper_takes_hosts_as_written(host, loopback):
    """Brackets and case as a user writes them (the listener parser already
    normalises; other callers may not)."""
    assert is_loopback_host(host) is loopback
