"""Read a file smtplint was pointed at: a regular file, of bounded size.

Everything smtplint reads comes from people it does not trust (a pull
request, a checkout on a server run as root). A FIFO blocks ``open()``
forever, ``/dev/zero`` never ends, and opening some devices has side
effects (a watchdog, a tape rewinding), so the path is stat'ed before it is
opened, opened non-blocking, and the opened descriptor is checked again
(the path may have been swapped in between); then at most ``limit`` bytes
are read.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

MEGABYTE = 1024 * 1024
CONFIGURATION_LIMIT = 16 * MEGABYTE   # a main.cf or master.cf; real ones are kilobytes
SETTINGS_LIMIT = 1 * MEGABYTE         # .smtplint.yml, a rule file
_CHUNK = 1 * MEGABYTE


@dataclass(frozen=True)
class FileProblem:
    """A file or directory that could not be linted, and why.

    ``level`` "error": something that should have been linted was not (the
    run is incomplete); "note": something deliberately left alone."""

    path: str
    message: str             # a sentence: "not linted: this file is a FIFO ..."
    level: str = "error"


class UnreadableFile(Exception):
    """The file cannot be read as a regular file; ``reason`` says why
    without the path (the caller locates it)."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def kind(mode: int) -> str:
    """What a file is, for a message."""
    for test, name in ((stat.S_ISREG, "a regular file"), (stat.S_ISDIR, "a directory"),
                       (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def describe_missing(path: str) -> str | None:
    """Why ``path`` cannot be stat'ed, as the end of a sentence that starts
    with the path ("does not exist", "is a dangling symbolic link to 'x'"),
    or None when it is there."""
    try:
        os.stat(path)
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a loop of symbolic links"
        if error.errno == errno.ENOENT and os.path.islink(path):
            return f"is a dangling symbolic link to '{_readlink(path)}'"
        if error.errno == errno.ENOENT:
            return "does not exist"
        return f"cannot be read: {_strerror(error)}"


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def _too_large(size: int, limit: int) -> str:
    return (f"is {size / MEGABYTE:.1f} MB, larger than the {limit // MEGABYTE} MB "
            "smtplint reads" if size >= MEGABYTE else
            f"is larger than the {limit} bytes smtplint reads")


def _not_regular(mode: int) -> str:
    return f"is {kind(mode)}, not a regular file"


def read_regular_with_stat(path: str, limit: int, *, head: bool = False
                           ) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file ``path`` and the stat of the
    descriptor they were read from (for "changed since I read it" checks).

    Raises UnreadableFile for anything else: missing, a dangling link, a
    FIFO, a device, a directory, more than ``limit`` bytes, an I/O error.
    With ``head``, a larger file is not an error: its first ``limit``
    bytes are returned (to tell what a too-large file is).
    """
    try:
        before = os.stat(path)
    except OSError:
        raise UnreadableFile(path, describe_missing(path) or "cannot be read") from None
    if not stat.S_ISREG(before.st_mode):
        raise UnreadableFile(path, _not_regular(before.st_mode))
    if before.st_size > limit and not head:
        raise UnreadableFile(path, _too_large(before.st_size, limit))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        raise UnreadableFile(path, f"cannot be read: {_strerror(error)}") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):    # swapped after the stat
            raise UnreadableFile(path, _not_regular(opened.st_mode))
        chunks, total = [], 0
        wanted = limit if head else limit + 1
        while total < wanted:
            chunk = os.read(fd, min(_CHUNK, wanted - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:                       # grew while we read
            raise UnreadableFile(path, _too_large(total, limit))
        return b"".join(chunks), opened
    except OSError as error:
        raise UnreadableFile(path, f"cannot be read: {_strerror(error)}") from None
    finally:
        os.close(fd)


def read_regular(path: str, limit: int = CONFIGURATION_LIMIT) -> bytes:
    """The bytes of the regular file ``path`` (see read_regular_with_stat)."""
    return read_regular_with_stat(path, limit)[0]


def decode_utf8(data: bytes, path: str) -> str:
    """Strict UTF-8; the error names the line and column of the first bad
    byte (and the byte), never the text around it."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UnreadableFile(f"{path}:{line}:{column}",
                             f"not UTF-8 (byte 0x{data[error.start]:02x})") from None


def _strerror(error: OSError) -> str:
    return error.strerror or type(error).__name__


def is_within(path: str, directory: str) -> bool:
    """Whether the real path ``path`` is ``directory`` or below it (both
    already made real with os.path.realpath)."""
    if path == directory:
        return True
    return path.startswith(directory if directory.endswith(os.sep) else directory + os.sep)
