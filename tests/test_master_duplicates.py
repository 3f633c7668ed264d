"""What a real master(8) does with duplicate master.cf entries, so that
duplicate-service says what Postfix does: a private Postfix instance on
127.0.0.1, every entry an smtpd with its own banner, probed by connecting.
Each master is stopped by its PID (its process group), nothing is left."""

from __future__ import annotations

import collections
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REQUIRE_ALL

from linter.engine.rules import builtin_rules
from linter.engine.run import run_rules
from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

MASTER = Path("/usr/lib/postfix/sbin/master")


def _can_run() -> bool:
    if not MASTER.exists() or os.geteuid() != 0:
        return False
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _can_run() and not REQUIRE_ALL,
                                reason="needs Debian's postfix master(8), run as root")
RULE = next(rule for rule in builtin_rules() if rule.id == "duplicate-service")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MAIN = """compatibility_level = 3.7
queue_directory = {root}/queue
data_directory = {root}/data
myhostname = test.example
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
local_recipient_maps =
proxy_read_maps = proxy:unix:passwd.byname
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
"""
SUPPORT = """postlog   unix-dgram n  -       n       -       1       postlogd
proxymap  unix  -       -       n       -       -       proxymap
anvil     unix  -       -       n       -       1       anvil
"""


class Instance:
    """A private Postfix under a fresh directory that the postfix user can reach."""

    def __init__(self, master_cf: str):
        self.root = Path(tempfile.mkdtemp(prefix="smtplint-master-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        postfix = pwd.getpwnam("postfix")
        (self.root / "conf").mkdir()
        for name in ("queue", "queue/pid", "queue/public", "queue/private", "data"):
            (self.root / name).mkdir()
            os.chown(self.root / name, postfix.pw_uid, postfix.pw_gid)
        (self.root / "maillog").touch()
        os.chown(self.root / "maillog", postfix.pw_uid, postfix.pw_gid)
        (self.root / "conf" / "main.cf").write_text(MAIN.format(root=self.root))
        (self.root / "conf" / "master.cf").write_text(SUPPORT + master_cf)
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(MASTER), "-c", str(self.root / "conf"), "-d"], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def wait_for(self, port: int) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"master never listened on {port}: {self.log()}")

    def log(self) -> str:
        return (self.root / "maillog").read_text(errors="replace")

    def __exit__(self, *exc):
        process = self.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        leftover = _group_alive(process.pid, seconds=10)
        if leftover:
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)
        assert not leftover, "master left processes running"


def _group_alive(group: int, seconds: float) -> bool:
    """Whether processes of master's group (its children) outlive it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.1)
    return True


def banners(port: int, count: int, host: str = "127.0.0.1") -> collections.Counter:
    seen: collections.Counter = collections.Counter()
    for _ in range(count):
        with socket.create_connection((host, port), timeout=5) as connection:
            connection.settimeout(5)
            seen[connection.recv(512).decode().strip()] += 1
    return seen


def smtpd(name: str, banner: str) -> str:
    return f"{name} inet n - n - - smtpd\n  -o smtpd_banner={banner}\n"


def lint(master_cf: str):
    return run_rules(resolve(parse_main_cf("inet_interfaces = 127.0.0.1\n"),
                             parse_master_cf(master_cf)), [RULE])


def test_same_name_twice_master_uses_only_the_last_entry():
    port = free_port()
    master_cf = smtpd(f"127.0.0.1:{port}", "first") + smtpd(f"127.0.0.1:{port}", "second")
    with Instance(master_cf) as instance:
        instance.wait_for(port)
        assert banners(port, 6) == {"220 second": 6}
    [finding] = lint(master_cf)
    assert finding.severity == "warning"
    assert "master uses only this later entry and ignores the one at master.cf:1" \
        in finding.message


def test_same_unix_service_twice_master_uses_only_the_last_entry():
    """The unix twin: both entries name private/dup; master serves the
    socket with the later entry only."""
    master_cf = ("dup unix - - n - - smtpd\n  -o smtpd_banner=first\n"
                 "dup unix - - n - - smtpd\n  -o smtpd_banner=second\n")
    with Instance(master_cf) as instance:
        path = instance.root / "queue" / "private" / "dup"
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        seen: collections.Counter = collections.Counter()
        for _ in range(6):
            with socket.socket(socket.AF_UNIX) as connection:
                connection.settimeout(5)
                connection.connect(str(path))
                seen[connection.recv(512).decode().strip()] += 1
    assert seen == {"220 second": 6}, seen
    [finding] = lint(master_cf)
    assert (finding.severity, finding.line) == ("warning", 3)
    assert finding.message == ("dup/unix is defined twice: master uses only this later entry "
                               "and ignores the one at master.cf:1")


def test_two_names_for_one_socket_master_runs_both_at_random():
    """``127.0.0.1:PORT`` and ``PORT`` (with inet_interfaces = 127.0.0.1)
    are one socket: master binds both and connections go to either."""
    port = free_port()
    master_cf = smtpd(f"127.0.0.1:{port}", "first") + smtpd(str(port), "second")
    with Instance(master_cf) as instance:
        instance.wait_for(port)
        seen = banners(port, 30)
    assert set(seen) == {"220 first", "220 second"}, seen
    [finding] = lint(master_cf)
    assert finding.severity == "error" and finding.line == 3
    assert finding.message == (
        f"{port}/inet and 127.0.0.1:{port}/inet (master.cf:1) both listen on port {port}: "
        "master starts both, and each connection reaches either one at random")
    master_cf = smtpd("submission", "first") + smtpd("587", "second")   # two names, no host
    [finding] = lint(master_cf)
    assert finding.severity == "error"
    assert "master starts both, and each connection reaches either one at random" \
        in finding.message


def test_a_host_outside_inet_interfaces_is_another_socket():
    """``127.0.0.2:PORT`` beside ``PORT`` (inet_interfaces = 127.0.0.1):
    master binds two sockets, each reached at its own address."""
    port = free_port()
    master_cf = smtpd(f"127.0.0.2:{port}", "first") + smtpd(str(port), "second")
    with Instance(master_cf) as instance:
        instance.wait_for(port)
        assert banners(port, 6) == {"220 second": 6}
        assert banners(port, 6, host="127.0.0.2") == {"220 first": 6}
    assert lint(master_cf) == []


@pytest.mark.parametrize("interfaces, first, second, one_socket", [
    ("127.0.0.1", "[127.0.0.1]:2525", "2525", True),
    ("127.0.0.1, 192.0.2.1", "192.0.2.1:2525", "2525", True),
    ("[::1]", "[::0:1]:2525", "2525", True),
    ("127.0.0.1", "2525", "127.0.0.1:2525", True),
    ("127.0.0.1", "127.0.0.2:2525", "2525", False),
    ("all", "127.0.0.1:2525", "2525", False),           # unknown here: not judged
    ("localhost", "127.0.0.1:2525", "2525", False),     # a name: not judged
    ("loopback-only", "127.0.0.1:2525", "2525", False),
    ("$undefined_interfaces", "127.0.0.1:2525", "2525", False),
    ("{{ postfix_interfaces }}", "127.0.0.1:2525", "2525", False),   # unknown
])
def test_a_host_less_entry_binds_the_literal_inet_interfaces(interfaces, first, second,
                                                             one_socket):
    """The model's side, without a master: which written hosts a host-less
    entry shares a socket with."""
    master_cf = smtpd(first, "first") + smtpd(second, "second")
    found = run_rules(resolve(parse_main_cf(f"inet_interfaces = {interfaces}\n"),
                              parse_master_cf(master_cf)), [RULE])
    assert [f.severity for f in found] == (["error"] if one_socket else [])
