"""linter.atomic: atomic writes to regular files only, straight writes into
devices and pipes, nothing else clobbered; the guard ``--fix`` relies on.

What could block (a FIFO) or replace a device runs in a child under a time
and memory limit."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time

import pytest
from conftest import REQUIRE_ALL
from limits import ROOT, assert_no_traceback, python_limited, run_limited, smtplint_limited
from lint_helpers import good_pair, project
from unprivileged import as_unprivileged

from linter.atomic import ChangedOnDisk, write_if_changed

WRITE = """
import json
from linter.atomic import write_if_changed
try:
    print(json.dumps({{"written": write_if_changed({path!r}, {text})}}))
except OSError as error:
    print(json.dumps({{"error": error.strerror}}))
"""


def write_limited(path, text="'report\\n'") -> dict:
    """``text`` is a Python expression (the child builds big values)."""
    result = python_limited(WRITE.format(path=str(path), text=text), seconds=10,
                            memory_mb=300)
    assert_no_traceback(result)
    assert result.code == 0, result.err
    return json.loads(result.out)


def _leftovers(directory) -> list[str]:
    return [name for name in os.listdir(directory) if "smtplint-tmp" in name]


def test_new_file_gets_the_umask_mode(tmp_path):
    path = tmp_path / "report.txt"
    old = os.umask(0o027)
    try:
        assert write_if_changed(str(path), "a\n") is True
    finally:
        os.umask(old)
    assert path.read_text() == "a\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    assert _leftovers(tmp_path) == []


def test_unchanged_file_is_not_touched(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("same\n")
    old = time.time() - 1000
    os.utime(path, (old, old))
    inode = path.stat().st_ino
    assert write_if_changed(str(path), "same\n") is False
    assert path.stat().st_mtime == old and path.stat().st_ino == inode


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o755, 0o2775])
def test_replacing_keeps_mode_and_owner(tmp_path, mode):
    path = tmp_path / "main.cf"
    path.write_text("old\n")
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
    path.chmod(mode)                      # after chown, which clears set-id bits
    before = path.stat()
    assert write_if_changed(str(path), "new\n") is True
    after = path.stat()
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(after.st_mode) == mode
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("chain", [1, 2, 5])
def test_symlink_is_kept_and_its_target_written(tmp_path, chain):
    real = tmp_path / "real" / "report.sarif"
    real.parent.mkdir()
    real.write_text("old\n")
    previous = real
    for number in range(chain):
        link = tmp_path / f"link{number}"
        link.symlink_to(os.path.relpath(previous, tmp_path) if number % 2 else previous)
        previous = link
    assert write_if_changed(str(previous), "new\n") is True
    assert real.read_text() == "new\n"
    assert all((tmp_path / f"link{n}").is_symlink() for n in range(chain))
    assert _leftovers(tmp_path / "real") == [] and _leftovers(tmp_path) == []


def test_dev_null_stays_a_device():
    before = os.stat("/dev/null")
    assert write_limited("/dev/null") == {"written": True}
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_link_to_dev_null_is_written_through(tmp_path):
    (tmp_path / "out").symlink_to("/dev/null")
    assert write_limited(tmp_path / "out") == {"written": True}
    assert (tmp_path / "out").is_symlink() and _leftovers(tmp_path) == []


def test_fifo_without_reader_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    assert write_limited(fifo) == {"error": "is a FIFO with no reader; not written"}
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_fifo_with_reader_gets_everything(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received = tmp_path / "received"
    sink = open(received, "wb")
    reader = subprocess.Popen(["cat", str(fifo)], stdout=sink)
    try:
        text = "x" * 300_000 + "\n"              # more than a pipe buffer
        deadline = time.time() + 10
        while True:                              # until cat has opened its end
            answer = write_limited(fifo, "'x' * 300_000 + '\\n'")
            if "written" in answer or time.time() > deadline:
                break
            time.sleep(0.05)
        assert answer == {"written": True}
        reader.wait(timeout=10)
        assert received.read_text() == text
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
        sink.close()


@pytest.mark.parametrize("kind, says", [
    ("directory", "is a directory; not written"),
    ("socket", "is a socket; not written"),
    ("dangling", "is a dangling symbolic link to 'nowhere/x'; not written"),
    ("loop", "Too many levels of symbolic links"),
    ("missing-directory", "No such file or directory"),
])
def test_other_targets_are_refused(tmp_path, kind, says):
    import socket

    path = tmp_path / "out"
    server = None
    if kind == "directory":
        path.mkdir()
    elif kind == "socket":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))
    elif kind == "dangling":
        path.symlink_to("nowhere/x")
    elif kind == "loop":
        path.symlink_to("out")
    else:
        path = tmp_path / "no" / "such" / "out"
    try:
        answer = write_limited(path)
    finally:
        if server:
            server.close()
    assert says in answer["error"]
    assert _leftovers(tmp_path) == []


def _block_device(tmp_path):
    """A block device node that writing could not harm: as root an
    unattached loop device made here, else one in /dev (not writable by us)."""
    if os.geteuid() == 0:
        node = tmp_path / "disk"
        os.mknod(node, stat.S_IFBLK | 0o600, os.makedev(7, 250))
        return node
    for entry in os.scandir("/dev"):
        if stat.S_ISBLK(entry.stat(follow_symlinks=False).st_mode):
            return entry.path
    if REQUIRE_ALL:
        pytest.fail("no block device to test with (run as root to make one)")
    pytest.skip("no block device to test with")


def test_block_device_is_refused(tmp_path):
    node = _block_device(tmp_path)
    assert write_limited(node) == {"error": "is a block device; not written"}
    assert stat.S_ISBLK(os.lstat(node).st_mode)


@pytest.mark.parametrize("redirect", [">", ">>"])
def test_dev_stdout_redirected_to_a_file_adds_to_it(tmp_path, redirect):
    """``--output /dev/stdout > file`` must not rename over the shell's
    file (``>>`` would lose what the file held)."""
    log = tmp_path / "log.txt"
    log.write_text("earlier\n")
    code = "from linter.atomic import write_if_changed; write_if_changed('/dev/stdout', 'now\\n')"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(f"{sys.executable} -c \"{code}\" {redirect} {log}", shell=True, env=env,
                   check=True, timeout=30)
    assert log.read_text() == ("now\n" if redirect == ">" else "earlier\nnow\n")
    assert _leftovers(tmp_path) == []


def test_dev_stdout_into_a_pipe():
    code = "from linter.atomic import write_if_changed; write_if_changed('/dev/stdout', 'piped\\n')"
    result = python_limited(code, seconds=10, memory_mb=300)
    assert result.code == 0 and result.out == "piped\n"


def test_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "report.txt"
    path.write_text("old\n")
    path.chmod(0o444)
    code = WRITE.format(path=str(path), text="'new'")
    result = run_limited(as_unprivileged([sys.executable, "-c", code]), seconds=10,
                         memory_mb=300)
    assert_no_traceback(result)
    assert json.loads(result.out) == {"error": "Permission denied"}
    assert path.read_text() == "old\n" and _leftovers(tmp_path) == []


# --- the guard for --fix ---------------------------------------------------------------

def test_guard_passes_when_the_file_is_as_read(tmp_path):
    from linter.files import read_regular_with_stat

    path = tmp_path / "main.cf"
    path.write_text("a = 1\n")
    data, status = read_regular_with_stat(str(path), 1000)
    assert write_if_changed(str(path), "a = 2\n", expected=data,
                            expected_mtime_ns=status.st_mtime_ns)
    assert path.read_text() == "a = 2\n"


@pytest.mark.parametrize("change", ["edited", "same-size-edit", "replaced", "removed",
                                    "touched"])
def test_guard_refuses_when_the_file_changed(tmp_path, change):
    from linter.files import read_regular_with_stat

    path = tmp_path / "main.cf"
    path.write_text("a = 1\n")
    old = time.time() - 100
    os.utime(path, (old, old))
    data, status = read_regular_with_stat(str(path), 1000)
    if change == "edited":
        path.write_text("a = 1\nb = 2\n")
    elif change == "same-size-edit":
        path.write_text("a = 9\n")
        os.utime(path, (old, old))                # mtime restored: the bytes tell
    elif change == "replaced":
        (tmp_path / "new").write_text("x = 1\n")
        os.replace(tmp_path / "new", path)
    elif change == "removed":
        path.unlink()
    else:
        os.utime(path, None)                      # same bytes, new mtime
    expected = {"expected": data} if change == "same-size-edit" else \
        {"expected": data, "expected_mtime_ns": status.st_mtime_ns}
    if change == "touched":
        expected = {"expected_mtime_ns": status.st_mtime_ns}
    before = path.read_bytes() if path.exists() else None
    with pytest.raises(ChangedOnDisk):
        write_if_changed(str(path), "a = 2\n", **expected)
    assert (path.read_bytes() if path.exists() else None) == before
    assert _leftovers(tmp_path) == []


# --- --output through the command ------------------------------------------------------

@pytest.mark.parametrize("target", ["/dev/null", "/dev/stdout", "fifo", "link", "dangling"])
def test_lint_output_targets(tmp_path, target):
    root = project(tmp_path)
    good_pair(root / "postfix")
    (root / "real.txt").write_text("old\n")
    (root / "link").symlink_to("real.txt")
    (root / "dangling").symlink_to("gone/real.txt")
    os.mkfifo(root / "fifo")
    result = smtplint_limited("lint", "--output", target, cwd=root, seconds=30, memory_mb=600)
    assert_no_traceback(result)
    if target == "fifo":
        assert result.code == 2 and "fifo: cannot write: is a FIFO with no reader" in result.err
    elif target == "dangling":
        assert result.code == 2 and "dangling symbolic link" in result.err
        assert not (root / "gone").exists()
    else:
        assert result.code == 0, result.err
    if target == "link":
        assert (root / "link").is_symlink() and "passed" in (root / "real.txt").read_text()
    if target == "/dev/stdout":
        assert "passed" in result.out
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
