"""Write a file only when its content changes, atomically, and never
clobber what is not a regular file.

A reader (an editor, CI uploading a report, a second smtplint) must never
see half a file, and an unchanged file keeps its mtime so build tools and
pre-commit do not think it was touched. What is at the path decides how:

- a regular file (through any symbolic links): a temporary file in the
  target's directory, fsync'ed, with the target's mode and owner, renamed
  over the target; the symbolic link itself stays a link;
- nothing yet: the same, with the default mode;
- a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a pipe):
  written straight into it; a FIFO is opened without blocking, so one
  with no reader is an error instead of a hang;
- anything else (a directory, a block device, a socket, a dangling link):
  an error, nothing written.

``--fix`` rewrites files it read earlier: ``expected`` (the bytes it read)
and ``expected_mtime_ns`` make the write fail with ChangedOnDisk when
someone else changed the file in between, instead of losing their edit.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile


class ChangedOnDisk(OSError):
    """The file is not what the caller read: it was edited, replaced or
    removed since."""


def _error(code: int, message: str, path: str) -> OSError:
    return OSError(code, message, path)


def write_if_changed(path: str, content: str | bytes, *, expected: bytes | None = None,
                     expected_mtime_ns: int | None = None) -> bool:
    """Write ``content`` (str is encoded UTF-8) to ``path`` unless it
    already holds it. Returns whether anything was written. Raises OSError
    (with a readable ``strerror``) when the target cannot be written, and
    ChangedOnDisk when ``expected``/``expected_mtime_ns`` do not match."""
    data = content.encode("utf-8", "surrogateescape") if isinstance(content, str) else content
    try:
        status = os.stat(path)
    except FileNotFoundError:
        status = None
    if status is None:
        if os.path.islink(path):
            raise _error(errno.ENOENT, f"is a dangling symbolic link to '{os.readlink(path)}'; "
                         "not written", path)
        if expected is not None or expected_mtime_ns is not None:
            raise ChangedOnDisk(errno.ENOENT, "was removed since it was read", path)
        _replace(path, data, None)
        return True
    mode = status.st_mode
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        _write_stream(path, data, stat.S_ISFIFO(mode))
        return True
    if not stat.S_ISREG(mode):
        raise _error(errno.EINVAL, f"is {_kind(mode)}; not written", path)
    target = _real_target(path, status)
    if target is None:                  # /dev/stdout redirected to a file: add to it
        _write_stream(path, data, False, append=True)
        return True
    current = _current(target, status, len(data), expected is not None)
    _check_unchanged(target, status, current, expected, expected_mtime_ns)
    if current == data:
        return False
    if not os.access(target, os.W_OK):
        raise _error(errno.EACCES, "Permission denied", path)
    _replace(target, data, status, lambda: _check_unchanged(
        target, None, None, expected, expected_mtime_ns))
    return True


def _kind(mode: int) -> str:
    from linter.files import kind

    return kind(mode)


def _real_target(path: str, status: os.stat_result) -> str | None:
    """The real path of a regular file reached through symbolic links, or
    None when the way there goes through /proc (``/dev/stdout``,
    ``/dev/fd/1``: a descriptor's "magic" link, not a name to rename over;
    the shell may have opened it for appending)."""
    current = os.path.abspath(path)
    for _ in range(40):
        directory = os.path.realpath(os.path.dirname(current))
        if directory == "/proc" or directory.startswith("/proc/"):
            return None
        current = os.path.join(directory, os.path.basename(current))
        if not os.path.islink(current):
            break
        current = os.path.join(directory, os.readlink(current))
    else:
        raise _error(errno.ELOOP, "is a loop of symbolic links", path)
    try:
        same = os.stat(current)
    except OSError:
        return None
    if (same.st_dev, same.st_ino) != (status.st_dev, status.st_ino):
        return None
    return current


def _current(target: str, status: os.stat_result, size: int, always: bool) -> bytes | None:
    """What the file holds now: read only when it could equal the new
    content (same size) or the caller wants to compare it."""
    if status.st_size != size and not always:
        return None
    from linter.files import UnreadableFile, read_regular

    try:
        return read_regular(target, max(status.st_size, size))
    except UnreadableFile:
        return None


def _check_unchanged(target: str, status: os.stat_result | None, current: bytes | None,
                     expected: bytes | None, expected_mtime_ns: int | None) -> None:
    if expected is None and expected_mtime_ns is None:
        return
    if status is None:
        try:
            status = os.stat(target)
        except FileNotFoundError:
            raise ChangedOnDisk(errno.ENOENT, "was removed since it was read", target) from None
    if expected_mtime_ns is not None and status.st_mtime_ns != expected_mtime_ns:
        raise ChangedOnDisk(errno.EBUSY, "changed on disk since it was read", target)
    if expected is not None:
        if current is None:
            current = _current(target, status, len(expected), True)
        if current != expected:
            raise ChangedOnDisk(errno.EBUSY, "changed on disk since it was read", target)


def _write_stream(path: str, data: bytes, fifo: bool, append: bool = False) -> None:
    """Straight into a device or pipe; a FIFO nobody reads is ENXIO.
    ``append``: a regular file behind a descriptor link (the shell
    truncated it already for ``>``, and ``>>`` means add)."""
    flags = os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | \
        getattr(os, "O_CLOEXEC", 0) | (os.O_APPEND if append else 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ENXIO and fifo:
            raise _error(errno.ENXIO, "is a FIFO with no reader; not written", path) from None
        raise
    try:
        opened = os.fstat(fd)
        if not (stat.S_ISCHR(opened.st_mode) or stat.S_ISFIFO(opened.st_mode)
                or (append and stat.S_ISREG(opened.st_mode))):
            raise _error(errno.EINVAL, f"is {_kind(opened.st_mode)}; not written", path)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _replace(target: str, data: bytes, status: os.stat_result | None,
             last_check=None) -> None:
    """Temp file beside ``target``, fsync, mode and owner of the old file,
    rename over it, fsync the directory."""
    directory, name = os.path.split(os.path.abspath(target))
    fd, temp = tempfile.mkstemp(prefix=f".{name[:64]}.", suffix=".smtplint-tmp", dir=directory)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if status is not None:
                _keep_owner(fd, status)         # before chmod: chown clears set-id bits
                os.fchmod(fd, stat.S_IMODE(status.st_mode))
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.fchmod(fd, 0o666 & ~umask)
            os.fsync(fd)
        finally:
            os.close(fd)
        if last_check is not None:
            last_check()
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(directory)


def _keep_owner(fd: int, status: os.stat_result) -> None:
    """As root, the new file gets the old one's owner; otherwise keep the
    group when we may, and the rest is what we can do."""
    try:
        os.fchown(fd, status.st_uid, status.st_gid)
    except PermissionError:
        try:
            os.fchown(fd, -1, status.st_gid)
        except PermissionError:
            pass


def _fsync_directory(directory: str) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
