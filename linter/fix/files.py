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
from linter.postfix.load import ConfigPaths
from linter.postfix.syntax import ENCODING_ERRORS


def read_texts(pairs: Iterable[ConfigPaths]) -> tuple[dict[str, str], dict[str, bytes]]:
    """Each file's text and the bytes it was read from; unreadable files
    are left out (they are not fixed; lint reports them)."""
    texts: dict[str, str] = {}
    raw: dict[str, bytes] = {}
    for pair in pairs:
        for path in (pair.main, pair.master):
            if path is None or path in texts:
                continue
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                continue
            raw[path] = data
            texts[path] = data.decode("utf-8", ENCODING_ERRORS)
    return texts, raw


def unified_diff(original: dict[str, str], changed: dict[str, str]) -> str:
    """A unified diff of every changed file, as ``--diff`` prints it."""
    out = []
    for path in sorted(changed):
        before = original[path].splitlines(keepends=True)
        after = changed[path].splitlines(keepends=True)
        for line in difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def write_fixed(changed: dict[str, str], raw: dict[str, bytes]) -> list[str]:
    """Write every changed file; the errors, one per file not written."""
    errors = []
    for path, text in sorted(changed.items()):
        try:
            with open(path, "rb") as handle:
                if handle.read() != raw[path]:
                    errors.append(f"{path}: changed on disk while smtplint was fixing it; "
                                  "not written")
                    continue
            write_if_changed(path, text)
        except OSError as error:
            errors.append(f"{path}: cannot write: {error.strerror or error}")
    return errors
