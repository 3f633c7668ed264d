"""linter.files: only regular files are read, never more than the limit.

Each read of something that could block or never end (a FIFO, a device)
runs in a child under a time and memory limit, so a regression fails
instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from limits import assert_no_traceback, python_limited, run_limited
from unprivileged import as_unprivileged

from linter.files import (
    UnreadableFile,
    decode_utf8,
    describe_missing,
    is_within,
    read_regular_with_stat,
)

READ = """
import json, sys
from linter.files import UnreadableFile, read_regular
try:
    data = read_regular({path!r}, {limit})
    print(json.dumps({{"read": len(data)}}))
except UnreadableFile as error:
    print(json.dumps({{"reason": error.reason}}))
"""


def read_limited(path, limit=1024 * 1024) -> dict:
    result = python_limited(READ.format(path=str(path), limit=limit), seconds=10,
                            memory_mb=300)
    assert_no_traceback(result)
    assert result.code == 0, result.err
    return json.loads(result.out)


@pytest.mark.parametrize("target, kind", [
    ("/dev/zero", "a character device"),
    ("/dev/urandom", "a character device"),
    ("/dev/null", "a character device"),
    ("/proc/self/fd/0", None),            # whatever stdin is in the child: never read
])
def test_devices_are_not_read(tmp_path, target, kind):
    link = tmp_path / "main.cf"
    link.symlink_to(target)
    answer = read_limited(link)
    assert "read" not in answer
    if kind:
        assert answer["reason"] == f"is {kind}, not a regular file"


@pytest.mark.parametrize("through_link", [False, True])
def test_fifo_is_not_opened_for_long(tmp_path, through_link):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    path = fifo
    if through_link:
        path = tmp_path / "master.cf"
        path.symlink_to(fifo)
    assert read_limited(path) == {"reason": "is a FIFO (named pipe), not a regular file"}


def test_directory_socket_dangling_loop_missing(tmp_path):
    import socket

    (tmp_path / "dir").mkdir()
    assert read_limited(tmp_path / "dir") == {"reason": "is a directory, not a regular file"}
    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(sock_path))
        assert read_limited(sock_path) == {"reason": "is a socket, not a regular file"}
    finally:
        server.close()
    (tmp_path / "dangling").symlink_to("nowhere/at/all")
    assert read_limited(tmp_path / "dangling") == {
        "reason": "is a dangling symbolic link to 'nowhere/at/all'"}
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    assert read_limited(tmp_path / "a") == {"reason": "is a loop of symbolic links"}
    assert read_limited(tmp_path / "gone") == {"reason": "does not exist"}
    assert describe_missing(str(tmp_path / "dir")) is None


@pytest.mark.parametrize("size, limit, readable", [
    (0, 10, True), (10, 10, True), (11, 10, False),
    (3 * 1024 * 1024, 2 * 1024 * 1024, False), (2 * 1024 * 1024, 2 * 1024 * 1024, True),
])
def test_size_cap_at_the_boundary(tmp_path, size, limit, readable):
    path = tmp_path / "main.cf"
    with open(path, "wb") as handle:
        handle.truncate(size)                # sparse: cheap to make
    answer = read_limited(path, limit)
    if readable:
        assert answer == {"read": size}
    else:
        assert "larger than" in answer["reason"]


def test_sparse_huge_file_is_refused_without_reading(tmp_path):
    path = tmp_path / "main.cf"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 ** 3)      # 50 GB of holes
    answer = read_limited(path, 16 * 1024 * 1024)
    assert answer["reason"] == "is 51200.0 MB, larger than the 16 MB smtplint reads"


def test_stat_is_of_the_descriptor_read(tmp_path):
    path = tmp_path / "main.cf"
    path.write_bytes(b"a = b\n")
    data, status = read_regular_with_stat(str(path), 100)
    assert data == b"a = b\n"
    assert (status.st_ino, status.st_size) == (os.stat(path).st_ino, 6)


def test_unreadable_file_is_a_reason_not_an_exception(tmp_path):
    path = tmp_path / "main.cf"
    path.write_text("a = b\n")
    path.chmod(0)
    code = READ.format(path=str(path), limit=100)
    result = run_limited(as_unprivileged([sys.executable, "-c", code]), seconds=10,
                         memory_mb=300)
    assert_no_traceback(result)
    assert json.loads(result.out) == {"reason": "cannot be read: Permission denied"}


@pytest.mark.parametrize("data, where", [
    (b"\xff", "f:1:1"), (b"ok\nab\xc3", "f:2:3"), (b"a\n\nb = \xe9t\xe9\n", "f:3:5"),
])
def test_decode_names_line_column_and_byte_only(data, where):
    with pytest.raises(UnreadableFile) as caught:
        decode_utf8(data, "f")
    assert caught.value.path == where
    assert caught.value.reason.startswith("not UTF-8 (byte 0x")


def test_is_within():
    assert is_within("/a/b", "/a") and is_within("/a", "/a") and is_within("/a/b", "/")
    assert not is_within("/ab", "/a") and not is_within("/", "/a")
