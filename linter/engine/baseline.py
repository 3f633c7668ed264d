"""The baseline: ``.smtplint-ignore`` at the config root.

Each line is ``path rule-id`` (path relative to the root, ``/``-separated);
``#`` starts a comment line. Findings it lists are dropped, so a team can
adopt smtplint on an old configuration and fail only on new problems.
``smtplint lint --generate-ignore`` writes it from the current findings.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from linter.atomic import write_if_changed
from linter.engine.findings import Finding
from linter.engine.select import base_id

IGNORE_FILE = ".smtplint-ignore"
HEADER = ("# smtplint baseline: findings to ignore, one 'path rule-id' a line.\n"
          "# Regenerate with: smtplint lint --generate-ignore\n")


class BaselineError(Exception):
    """A malformed ignore file; the message has file:line."""


def relative(path: str, root: str) -> str:
    relative_path = os.path.relpath(os.path.abspath(path), root)
    return relative_path.replace(os.sep, "/")


def load(root: str) -> set[tuple[str, str]]:
    """The (path, rule) pairs of the root's ignore file; empty without one."""
    path = os.path.join(root, IGNORE_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read: {error}") from None
    entries = set()
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        if len(fields) != 2:
            raise BaselineError(f"{path}:{number}: expected 'path rule-id', found {stripped!r}")
        entries.add((fields[0].removeprefix("./"), fields[1]))
    return entries


def apply(findings: Iterable[Finding], entries: set[tuple[str, str]],
          root: str) -> list[Finding]:
    if not entries:
        return list(findings)
    return [f for f in findings
            if (relative(f.path, root), f.rule) not in entries
            and (relative(f.path, root), base_id(f.rule)) not in entries]


def render(findings: Iterable[Finding], root: str) -> str:
    lines = sorted({f"{relative(f.path, root)} {f.rule}" for f in findings})
    return HEADER + "".join(line + "\n" for line in lines)


def generate(findings: Iterable[Finding], root: str) -> tuple[str, bool, int]:
    """Write the ignore file for ``findings``; (its path, whether it was
    written, how many entries it has)."""
    text = render(findings, root)
    path = os.path.join(root, IGNORE_FILE)
    count = text.count("\n") - HEADER.count("\n")
    return path, write_if_changed(path, text), count
