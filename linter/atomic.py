"""Write a file only when its content changes, and then atomically.

A reader (an editor, CI uploading a report, a second smtplint) must never
see half a file, and an unchanged file keeps its mtime so build tools and
pre-commit do not think it was touched.
"""

from __future__ import annotations

import os
import tempfile


def write_if_changed(path: str, text: str) -> bool:
    """Write ``text`` (UTF-8) to ``path`` unless it already holds it.

    Returns whether the file was written. The new content goes to a
    temporary file in the same directory, then ``os.replace`` swaps it in.
    """
    data = text.encode("utf-8", "surrogateescape")
    try:
        with open(path, "rb") as handle:
            if handle.read() == data:
                return False
    except OSError:
        pass
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".smtplint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        if os.path.exists(path):
            os.chmod(temp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    return True
