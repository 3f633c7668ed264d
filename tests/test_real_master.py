"""What a real Postfix master does with the inet names smtplint judges:
started under a temporary config_directory, listening only on 127.0.0.1,
for three seconds (``-e 3``), stopped by its PID. The model must call an
error what master refuses and a warning (with the right port) what master
accepts but misplaces (port 0, numbers over 65535)."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import REQUIRE_ALL

from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

DAEMON_DIRECTORY = Path("/usr/lib/postfix/sbin")
MASTER = DAEMON_DIRECTORY / "master"


def _missing() -> str | None:
    if not MASTER.exists():
        return "Postfix's master is not installed"
    if os.geteuid() != 0:
        return "master runs only as root"
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "no postfix user"
    return None


pytestmark = pytest.mark.skipif(_missing() is not None and not REQUIRE_ALL,
                                reason=_missing() or "")


def _listening(pid: int) -> set[int]:
    """TCP ports the process listens on (its socket inodes in /proc/net/tcp)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def run_master(base: Path, entry: str, listens: bool = True) -> tuple[bool, set[int]]:
    """(master took the entry, ports it listened on). Without ``listens``
    (a unix service) master took it when it is still running after 1.2 s."""
    base.chmod(0o755)
    etc, queue, data = base / "etc", base / "queue", base / "data"
    for directory in (etc, queue / "pid", queue / "public", queue / "private", data):
        directory.mkdir(parents=True)
    for directory in (data, queue / "public", queue / "private"):
        shutil.chown(directory, "postfix")
    (etc / "main.cf").write_text(
        f"queue_directory = {queue}\ndata_directory = {data}\ncompatibility_level = 3.6\n"
        "inet_interfaces = loopback-only\ninet_protocols = ipv4\n"
        f"daemon_directory = {DAEMON_DIRECTORY}\n")
    (etc / "master.cf").write_text(entry + "\n")
    for path in etc.iterdir():
        os.utime(path, (time.time() - 10, time.time() - 10))
    process = subprocess.Popen([str(MASTER), "-c", str(etc), "-d", "-e", "3"],
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        ports: set[int] = set()
        deadline = time.monotonic() + (2.5 if listens else 1.2)
        while time.monotonic() < deadline and process.poll() is None and not ports:
            time.sleep(0.05)
            ports = _listening(process.pid)
        if process.poll() is None:
            return bool(ports) or not listens, ports    # running: it took the entry
        return process.returncode == 0 and bool(ports), ports
    finally:
        if process.poll() is None:
            process.terminate()          # stopped by its PID, nothing left running
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


CASES = [
    # entry name, master starts?, the port it listens on (None: random)
    ("127.0.0.1:23450", True, 23450),
    ("127.0.0.1:0", True, None),
    ("127.0.0.1:89001", True, 89001 % 65536),           # 23465
    ("127.0.0.1:4294990756", True, 4294990756 % 2**32),  # 23460
    ("127.0.0.1:023461", True, 23461),
    ("[127.0.0.1:23462", False, None),
    ("127.0.0.1:nosuchservice", False, None),
    ("127.0.0.1:-23463", False, None),
    ("127.0.0.1:", False, None),
    ("127.0.0.1:２３４６４", False, None),
]


@pytest.fixture
def base():
    """A directory the postfix user can reach (pytest's tmp_path is in a
    0700 directory), removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="smtplint-master-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("name, starts, port", CASES)
def test_model_agrees_with_a_real_master(base, name, starts, port):
    entry = f"{name} inet n - n - - smtpd"
    started, ports = run_master(base, entry)
    assert started == starts, (name, ports)
    if starts:
        assert len(ports) == 1
        if port is not None:
            assert ports == {port}
    config = resolve(None, parse_master_cf(entry + "\n"))
    errors = [d for d in config.diagnostics if d.severity == "error"]
    assert bool(errors) == (not starts), [d.message for d in config.diagnostics]
    view = config.services[0]
    if starts and port is not None:
        assert view.listener.port == port
    if starts and port is None:
        assert view.listener.port is None
        assert any("random port" in d.message for d in config.diagnostics)


FIELDS = [
    # wakeup, maxproc, master takes it?
    ("60", "1", True), ("60?", "1", True), ("60x", "1", True), ("99999999999", "1", True),
    ("4294967296", "1", True), ("-", "1x", True), ("-", "4294967297", True),
    ("²", "1", False), ("٦٠", "1", False), ("2147483648", "1", False), ("+1", "1", False),
    ("-", "²", False), ("-", "2147483648", False), ("-", "+1", False),
]


@pytest.mark.parametrize("wakeup, maxproc, taken", FIELDS)
def test_number_fields_agree_with_a_real_master(base, wakeup, maxproc, taken):
    entry = f"t1 unix - - n {wakeup} {maxproc} pickup"
    started, _ = run_master(base, entry, listens=False)
    assert started == taken, entry
    config = resolve(None, parse_master_cf(entry + "\n"))
    errors = [d for d in config.diagnostics if d.severity == "error"]
    assert bool(errors) == (not taken), [d.message for d in config.diagnostics]
