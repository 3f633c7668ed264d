"""A real Postfix instance for tests, in a network namespace of its own.

Each instance has its own config_directory, queue_directory and
data_directory under a temporary directory, and its master runs under
``unshare --net``: inside, only the loopback interface exists, so its
smtpd services sit on 127.0.0.1:25, :465 and :587 (the standard ports, so
the model gives them their roles) without touching the host's ports, and
nothing is reachable from beyond loopback. Commands that talk to it or
read its listening sockets run inside the namespace through ``nsenter``.

``stop()`` ends the master by its PID, then any child it left by PID.
Debian's postfix package provides the mail_owner ``postfix`` and the
setgid group ``postdrop``.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

MASTER = "/usr/lib/postfix/sbin/master"
QUEUE_DIRS = ("active", "bounce", "corrupt", "defer", "deferred", "flush", "hold",
              "incoming", "private", "saved", "trace")
INTERNAL_SERVICES = """\
cleanup   unix  n - n - 0 cleanup
rewrite   unix  - - n - - trivial-rewrite
proxymap  unix  - - n - - proxymap
tlsmgr    unix  - - n 1000? 1 tlsmgr
anvil     unix  - - n - 1 anvil
postlog   unix-dgram n - n - 1 postlogd
"""
PORTS = (25, 465, 587)


def available() -> str | None:
    """Why instances cannot run here, or None."""
    if os.geteuid() != 0:
        return "a Postfix master must be started as root"
    for tool in ("unshare", "nsenter", "ip", "postconf"):
        if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists():
            return f"{tool} is not installed"
    if not Path(MASTER).exists():
        return "Debian's postfix package is not installed"
    try:
        pwd.getpwnam("postfix")
        grp.getgrnam("postdrop")
    except KeyError:
        return "the postfix user or the postdrop group is missing"
    if shutil.which("saslpasswd2") is None:
        return "sasl2-bin (Cyrus SASL's saslpasswd2) is not installed"
    return None


class PostfixInstance:
    def __init__(self, root: Path, main: dict[str, str], master: str):
        self.root = root
        self.config_dir = root / "etc"
        self.queue_dir = root / "spool"
        self.data_dir = root / "data"
        self.log = root / "master.log"
        self.main = main
        self.master = master
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def write(self) -> None:
        postfix = pwd.getpwnam("postfix").pw_uid
        postdrop = grp.getgrnam("postdrop").gr_gid
        for directory in (self.config_dir, self.queue_dir, self.data_dir):
            directory.mkdir(parents=True, exist_ok=True)
        for name in QUEUE_DIRS:
            (self.queue_dir / name).mkdir(mode=0o700, exist_ok=True)
            os.chown(self.queue_dir / name, postfix, -1)
        for name, mode, group in (("public", 0o710, postdrop), ("maildrop", 0o730, postdrop)):
            (self.queue_dir / name).mkdir(mode=mode, exist_ok=True)
            os.chown(self.queue_dir / name, postfix, group)
        (self.queue_dir / "pid").mkdir(exist_ok=True)
        os.chown(self.data_dir, postfix, -1)
        settings = {
            "compatibility_level": "3.6",
            "queue_directory": str(self.queue_dir),
            "data_directory": str(self.data_dir),
            "mail_owner": "postfix", "setgid_group": "postdrop",
            "inet_interfaces": "all", "inet_protocols": "ipv4",
            "myhostname": "mail.test", "mydestination": "",
            "alias_maps": "", "alias_database": "", "local_recipient_maps": "",
            "smtpd_peername_lookup": "no",       # no DNS in the namespace
            "maillog_file": "/dev/stdout",       # master -s: the log file below
            **self.main,
        }
        text = "".join(f"{name} = {value}\n" for name, value in settings.items())
        (self.config_dir / "main.cf").write_text(text)
        (self.config_dir / "master.cf").write_text(self.master + INTERNAL_SERVICES)
        old = time.time() - 10   # postconf re-reads files changed within the last second
        for name in ("main.cf", "master.cf"):
            os.utime(self.config_dir / name, (old, old))

    def start(self, timeout: float = 20) -> None:
        self.write()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["unshare", "--net", "--", "sh", "-c",
                 f"ip link set lo up && exec {MASTER} -c {self.config_dir} -d -s"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"master exited: {self.log.read_text()[-2000:]}")
            if self.listening() >= set(self.ports()):
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"master did not listen in {timeout} s: {self.log.read_text()[-2000:]}")

    def ports(self) -> list[int]:
        return [port for port in PORTS if self._defines(port)]

    def _defines(self, port: int) -> bool:
        names = {25: "smtp", 465: "submissions", 587: "submission"}
        return any(line.split()[:1] == [names[port]] for line in self.master.splitlines())

    def listening(self) -> set[int]:
        """Ports with a listening socket, read from the master's namespace."""
        found = set()
        try:
            text = Path(f"/proc/{self.pid}/net/tcp").read_text()
        except OSError:
            return found
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A":
                found.add(int(fields[1].split(":")[1], 16))
        return found

    def inside(self, argv: list[str]) -> list[str]:
        """``argv`` run in the instance's network namespace."""
        return ["nsenter", f"--net=/proc/{self.pid}/ns/net", "--", *argv]

    def children(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        children = self.children()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for pid in children:   # a daemon that outlived its master, still ours
            try:
                if os.readlink(f"/proc/{pid}/cwd").startswith(str(self.queue_dir)):
                    os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
