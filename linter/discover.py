"""Which files to lint, grouped into configurations (main.cf + master.cf).

Directories are walked for files named exactly ``main.cf`` and
``master.cf``; the two in one directory are one configuration. A file
named on the command line (as pre-commit does) may have any name: a name
with ``master`` in it is a master.cf, any other a main.cf, and it is linted
with its sibling. YAML files (named, or found in a walk) are collected for
the application linter (linter.apps).

Nothing is skipped silently. A directory that cannot be listed, and a
symbolic link that leaves the linted tree (``main.cf -> /etc/passwd`` in a
pull request), are FileProblems: "error" ones become parse-error findings
and mark the run incomplete. The linted tree is the root (the config or
repository root), the directory being walked, and for a file named on the
command line its own directory; ``--follow-symlinks`` lifts the limit.
A symbolic link to a directory or a YAML file outside the tree is not
followed (a "note": such links are common and rarely Postfix's).
"""

from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field

from linter.files import FileProblem, describe_missing, is_within, kind
from linter.postfix.load import MAIN_NAME, MASTER_NAME, ConfigPaths

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules",
                       "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache"})
YAML_SUFFIXES = (".yml", ".yaml")
FOLLOW_HINT = "--follow-symlinks lints it"


@dataclass
class Discovery:
    configurations: list[ConfigPaths] = field(default_factory=list)
    yaml_files: list[str] = field(default_factory=list)   # for the app linter (linter.apps)
    missing: list[str] = field(default_factory=list)      # arguments that do not exist
    problems: list[FileProblem] = field(default_factory=list)   # not linted, and why

    def files(self) -> list[str]:
        """Every Postfix file that will be linted, once."""
        seen: dict[str, None] = {}
        for paths in self.configurations:
            for path in (paths.main, paths.master):
                if path is not None:
                    seen.setdefault(path)
        return list(seen)


@dataclass(frozen=True)
class _Scope:
    """What a walk or an argument may reach."""

    root: str
    exclude: tuple[str, ...]
    follow: bool
    trees: tuple[str, ...]          # real paths symbolic links may point into
    problems: list[FileProblem]

    def within(self, trees: Sequence[str]) -> _Scope:
        return _Scope(self.root, self.exclude, self.follow, tuple(trees), self.problems)

    def escapes(self, path: str) -> bool:
        """A symbolic link at ``path`` whose target leaves the tree."""
        if self.follow or not os.path.islink(path):
            return False
        real = os.path.realpath(path)
        return not any(is_within(real, tree) for tree in self.trees)

    def refuse_link(self, path: str) -> None:
        self.problems.append(FileProblem(
            path, f"not linted: a symbolic link to '{_readlink(path)}', outside the linted "
                  f"tree ({FOLLOW_HINT})"))

    def note_link(self, path: str, what: str = "the directory") -> None:
        self.problems.append(FileProblem(
            path, f"not followed: a symbolic link to {what} '{_readlink(path)}', outside "
                  f"the linted tree ({FOLLOW_HINT})", level="note"))


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def is_master_name(name: str) -> bool:
    return "master" in name.lower()


def is_excluded(path: str, root: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``path`` or a directory above it matches one of the globs
    (relative to ``root``)."""
    if not patterns:
        return False
    relative = os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")
    if relative.startswith("../"):
        return False
    parts = relative.split("/")
    prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatchcase(prefix, pattern.rstrip("/").removeprefix("./"))
               for pattern in patterns for prefix in prefixes)


def sibling(path: str) -> ConfigPaths:
    """A file named on the command line and the other file of its pair.
    A sibling that is there but not a regular file is kept: loading
    reports it."""
    directory, name = os.path.split(path)
    if is_master_name(name):
        candidates = [name.replace("master", "main"), MAIN_NAME]
        other = _first_present(directory, candidates)
        return ConfigPaths(main=other, master=path)
    candidates = [name.replace("main", "master"), MASTER_NAME] if "main" in name else [MASTER_NAME]
    return ConfigPaths(main=path, master=_first_present(directory, candidates))


def _first_present(directory: str, names: list[str]) -> str | None:
    for name in names:
        candidate = os.path.join(directory, name)
        if os.path.lexists(candidate) and not os.path.isdir(candidate):
            return candidate
    return None


def walk(directory: str, root: str, exclude: tuple[str, ...],
         yaml_files: list[str] | None = None, follow_symlinks: bool = False,
         problems: list[FileProblem] | None = None) -> list[ConfigPaths]:
    """Every directory below ``directory`` with a main.cf or master.cf, in
    sorted depth-first order (and, into ``yaml_files``, every YAML file for
    the app linter). Directories that cannot be listed and links out of the
    tree go to ``problems``."""
    trees = (os.path.realpath(root), os.path.realpath(directory))
    scope = _Scope(root, exclude, follow_symlinks, trees, [] if problems is None else problems)
    return _walk(directory, scope, yaml_files)


def _walk(directory: str, scope: _Scope, yaml_files: list[str] | None = None
          ) -> list[ConfigPaths]:
    found = []
    top = os.path.realpath(directory)
    followed = {top}                     # real paths of linked directories already walked
    stack = [directory]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            scope.problems.append(FileProblem(
                current, f"not linted: this directory cannot be listed: "
                         f"{error.strerror or type(error).__name__}"))
            continue
        pair: dict[str, str] = {}
        subdirectories = []
        for entry in entries:
            path = os.path.normpath(os.path.join(current, entry.name))
            if _is_directory(entry):
                if _walk_into(entry, path, top, followed, scope):
                    subdirectories.append(path)
            elif is_excluded(path, scope.root, scope.exclude):
                continue
            elif entry.name in (MAIN_NAME, MASTER_NAME):
                if scope.escapes(path):
                    scope.refuse_link(path)
                else:
                    pair[entry.name] = path
            elif yaml_files is not None and entry.name.lower().endswith(YAML_SUFFIXES):
                if scope.escapes(path):
                    scope.note_link(path, "the file")
                else:
                    yaml_files.append(path)
        if pair:
            found.append(ConfigPaths(pair.get(MAIN_NAME), pair.get(MASTER_NAME)))
        stack.extend(reversed(subdirectories))
    return found


def _is_directory(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()            # follows a symbolic link
    except OSError:
        return False


def _walk_into(entry: os.DirEntry, path: str, top: str, followed: set[str],
               scope: _Scope) -> bool:
    if entry.name in SKIP_DIRS or is_excluded(path, scope.root, scope.exclude):
        return False
    if not entry.is_symlink():
        return True
    real = os.path.realpath(path)
    if is_within(real, top):
        return False                     # walked as itself anyway
    if scope.escapes(path):
        if entry.name in (MAIN_NAME, MASTER_NAME):
            scope.refuse_link(path)         # meant to be linted, whatever it points at
        else:
            scope.note_link(path)
        return False
    if real in followed or is_within(top, real):   # a loop
        return False
    followed.add(real)
    return True


def discover(arguments: list[str], root: str = ".", exclude: tuple[str, ...] = (),
             follow_symlinks: bool = False) -> Discovery:
    """Configurations for the paths given (files or directories), each once,
    in the order given."""
    result = Discovery()
    seen: set[tuple[str | None, str | None]] = set()
    real_root = os.path.realpath(root)
    base = _Scope(root, exclude, follow_symlinks, (real_root,), result.problems)

    def add(paths: ConfigPaths) -> None:
        key = (_identity(paths.main), _identity(paths.master))
        if key not in seen:
            seen.add(key)
            result.configurations.append(paths)

    for argument in arguments:
        path = os.path.normpath(argument)
        if not os.path.lexists(path):
            result.missing.append(argument)
            continue
        if is_excluded(path, root, exclude):
            continue
        scope = base.within((real_root, os.path.realpath(os.path.dirname(path) or ".")))
        if scope.escapes(path):
            scope.refuse_link(path)
        elif os.path.isdir(path):
            for paths in _walk(path, scope.within((real_root, os.path.realpath(path))),
                               result.yaml_files):
                add(paths)
        elif _yaml_name(path):
            problem = _not_regular(path)
            if problem:
                result.problems.append(FileProblem(path, f"not linted: this file {problem}"))
            else:
                result.yaml_files.append(path)
        else:
            add(_checked_sibling(path, scope))
    result.configurations = _without_covered_halves(result.configurations)
    return result


def _without_covered_halves(configurations: list[ConfigPaths]) -> list[ConfigPaths]:
    """A lone master.cf (or main.cf) that another configuration pairs: the
    walk finds ``master.cf`` alone beside ``prod.main.cf``, and naming
    both files gives the master.cf alone too; judging it twice would
    report it twice, once against defaults. By path, not by link target: a
    main.cf linked into prod/ is still linted where it lives."""
    def same(path: str | None) -> str | None:
        return os.path.abspath(path) if path is not None else None

    paired = {(kind, same(path)) for paths in configurations
              if paths.main is not None and paths.master is not None
              for kind, path in (("main", paths.main), ("master", paths.master))}
    return [paths for paths in configurations
            if not (paths.main is None and ("master", same(paths.master)) in paired)
            and not (paths.master is None and ("main", same(paths.main)) in paired)]


def _yaml_name(path: str) -> bool:
    """A file named on the command line is YAML when its name says so,
    also under a second suffix (``alertmanager.yml.j2``, ``email.yml.txt``):
    such a file is never a Postfix main.cf or master.cf."""
    name = os.path.basename(path).lower()
    return name.endswith(YAML_SUFFIXES) or any(f"{suffix}." in name for suffix in YAML_SUFFIXES)


def _checked_sibling(path: str, scope: _Scope) -> ConfigPaths:
    """The pair of a named file, without a sibling that leaves the tree."""
    paths = sibling(path)
    main, master = paths.main, paths.master
    for other in (main, master):
        if other is not None and other != path and scope.escapes(other):
            scope.refuse_link(other)
            main, master = (None, master) if other == main else (main, None)
    return ConfigPaths(main, master)


def _not_regular(path: str) -> str | None:
    """Why ``path`` is not a regular file, or None."""
    missing = describe_missing(path)
    if missing:
        return missing
    mode = os.stat(path).st_mode
    return None if stat.S_ISREG(mode) else f"is {kind(mode)}, not a regular file"


def _identity(path: str | None) -> str | None:
    return os.path.realpath(path) if path is not None else None
