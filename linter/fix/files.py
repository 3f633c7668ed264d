"""Read the files to fix, show what fixing would change, write it back.

Texts are decoded losslessly (undecodable bytes survive as surrogates) so a
fixed file differs from the original only where an edit changed it. A file
is written only when its text changed, atomically, and not when it changed
on disk after it was read (someone else's edit wins; the run says so).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from linter.atomic import write_if_changed
from linter.files import CONFIGURATION_LIMIT, UnreadableFile, read_regular_with_stat
from linter.postfix.load import ConfigPaths
from linter.postfix.syntax import ENCODING_ERRORS


def read_texts(pairs: Iterable[ConfigPaths]) -> tuple[dict[str, str], dict[str, tuple]]:
    """Each file's text, and the bytes and mtime it was read with (to tell
    whether it changed before it is written); unreadable files are left
    out: they are not fixed, lint reports them."""
    texts: dict[str, str] = {}
    read: dict[str, tuple] = {}
    for pair in pairs:
        for path in (pair.main, pair.master):
            if path is None or path in texts:
                continue
            try:
                data, status = read_regular_with_stat(path, CONFIGURATION_LIMIT)
            except (UnreadableFile, OSError):
                continue
            read[path] = (data, status.st_mtime_ns)
            texts[path] = data.decode("utf-8", ENCODING_ERRORS)
    return texts, read


def unified_diff(original: dict[str, str], changed: dict[str, str], context: int = 3) -> str:
    """A unified diff of every changed file, as ``--diff`` prints it."""
    out = []
    for path in sorted(changed):
        before = original[path].splitlines(keepends=True)
        after = changed[path].splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{path}", f"b/{path}", n=context):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_fixed(changed: dict[str, str], read: dict[str, tuple]) -> dict[str, str]:
    """Write every changed file (through a symlink to its target,
    atomically); the error of each file not written, by path."""
    from linter.atomic import ChangedOnDisk

    errors = {}
    for path, text in sorted(changed.items()):
        data, mtime = read[path]
        try:
            write_if_changed(path, text, expected=data, expected_mtime_ns=mtime)
        except ChangedOnDisk as error:
            errors[path] = (f"{path}: {error.strerror or 'changed on disk'} while smtplint "
                            "was fixing it; not written")
        except OSError as error:
            errors[path] = f"{path}: cannot write: {error.strerror or error}"
    return errors
