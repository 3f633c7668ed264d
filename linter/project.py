"""The project root, and paths relative to it for the reports CI reads.

GitHub code scanning, GitLab Code Quality and the Actions runner match a
report's paths against the files of the repository, so machine formats
name files relative to the repository root whatever directory smtplint ran
from. The root is, in order: ``--project-root``; ``GITHUB_WORKSPACE`` or
``CI_PROJECT_DIR`` when set and the current directory is inside it (a
checkout without ``.git`` still has them); the git top-level (the nearest
directory above the current one with ``.git``, a directory or the file of a
worktree or submodule); else the current directory. A file outside the
root keeps its absolute path.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace

from linter.engine.findings import Finding

CI_ROOT_VARIABLES = ("GITHUB_WORKSPACE", "CI_PROJECT_DIR")
# Names that stand for no file on disk (standard input without --stdin-filename).
NOT_A_PATH = frozenset({"<stdin>"})


def _inside(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([path, directory]) == directory
    except ValueError:      # different drives
        return False


def git_top_level(start: str) -> str | None:
    directory = start
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def find_root(explicit: str | None, environ: Mapping[str, str], cwd: str) -> str:
    """The absolute project root (see the module docstring for the order)."""
    cwd = os.path.abspath(cwd)
    if explicit:
        return os.path.abspath(os.path.join(cwd, explicit))
    for name in CI_ROOT_VARIABLES:
        value = environ.get(name)
        if value and os.path.isabs(value) and _inside(cwd, os.path.normpath(value)):
            return os.path.normpath(value)
    return git_top_level(cwd) or cwd


class Relocator:
    """Maps a path as discovery gave it (relative to ``cwd``) to the
    project root: ``postfix/main.cf`` from any directory of the repository."""

    def __init__(self, root: str, cwd: str):
        self.root = os.path.abspath(root)
        self.cwd = os.path.abspath(cwd)
        self._real_root = os.path.realpath(self.root)
        self._cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if path in NOT_A_PATH:
            return path
        cached = self._cache.get(path)
        if cached is None:
            cached = self._cache[path] = self._relocate(path)
        return cached

    def _relocate(self, path: str) -> str:
        absolute = os.path.normpath(os.path.join(self.cwd, path))
        # A symlink inside the tree is named by its target when that is in
        # the tree too: code scanning cannot show results on a symlink.
        real = os.path.realpath(absolute)
        if _inside(real, self._real_root) and os.path.exists(real):   # not a dangling link
            return _posix(os.path.relpath(real, self._real_root))
        if _inside(absolute, self.root):
            return _posix(os.path.relpath(absolute, self.root))
        return absolute

    def findings(self, findings: Iterable[Finding]) -> list[Finding]:
        return [self.finding(finding) for finding in findings]

    def finding(self, finding: Finding) -> Finding:
        changes: dict = {"path": self(finding.path)}
        if finding.related:
            changes["related"] = tuple(replace(place, path=self(place.path))
                                       for place in finding.related)
        if finding.fix is not None and finding.fix.edits:
            edits = tuple(replace(edit, path=self(edit.path)) for edit in finding.fix.edits)
            changes["fix"] = replace(finding.fix, edits=edits)
        return replace(finding, **changes)


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path
