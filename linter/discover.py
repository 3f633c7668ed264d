"""Which files to lint, grouped into configurations (main.cf + master.cf).

Directories are walked for files named exactly ``main.cf`` and
``master.cf``; the two in one directory are one configuration. A file
named on the command line (as pre-commit does) may have any name: a name
with ``master`` in it is a master.cf, any other a main.cf, and it is linted
with its sibling. YAML files are accepted and left for the application
linter.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field

from linter.postfix.load import MAIN_NAME, MASTER_NAME, ConfigPaths

SKIP_DIRS = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules",
                       "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache"})
YAML_SUFFIXES = (".yml", ".yaml")


@dataclass
class Discovery:
    configurations: list[ConfigPaths] = field(default_factory=list)
    yaml_files: list[str] = field(default_factory=list)   # for the app linter (linter.apps)
    missing: list[str] = field(default_factory=list)      # arguments that do not exist

    def files(self) -> list[str]:
        """Every Postfix file that will be linted, once."""
        seen: dict[str, None] = {}
        for paths in self.configurations:
            for path in (paths.main, paths.master):
                if path is not None:
                    seen.setdefault(path)
        return list(seen)


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
    """A file named on the command line and the other file of its pair."""
    directory, name = os.path.split(path)
    if is_master_name(name):
        candidates = [name.replace("master", "main"), MAIN_NAME]
        other = _first_file(directory, candidates)
        return ConfigPaths(main=other, master=path)
    candidates = [name.replace("main", "master"), MASTER_NAME] if "main" in name else [MASTER_NAME]
    return ConfigPaths(main=path, master=_first_file(directory, candidates))


def _first_file(directory: str, names: list[str]) -> str | None:
    for name in names:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def walk(directory: str, root: str, exclude: tuple[str, ...],
         yaml_files: list[str] | None = None) -> list[ConfigPaths]:
    """Every directory below ``directory`` with a main.cf or master.cf
    (and, into ``yaml_files``, every YAML file for the app linter)."""
    found = []
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if name not in SKIP_DIRS
                         and not is_excluded(os.path.join(current, name), root, exclude))
        if yaml_files is not None:
            yaml_files.extend(_yaml_in(current, files, root, exclude))
        main = os.path.normpath(os.path.join(current, MAIN_NAME)) if MAIN_NAME in files else None
        master = (os.path.normpath(os.path.join(current, MASTER_NAME))
                  if MASTER_NAME in files else None)
        if main and is_excluded(main, root, exclude):
            main = None
        if master and is_excluded(master, root, exclude):
            master = None
        if main or master:
            found.append(ConfigPaths(main, master))
    return found


def _yaml_in(directory: str, files: list[str], root: str, exclude: tuple[str, ...]) -> list[str]:
    return [os.path.normpath(os.path.join(directory, name)) for name in sorted(files)
            if name.lower().endswith(YAML_SUFFIXES)
            and not is_excluded(os.path.join(directory, name), root, exclude)]


def discover(arguments: list[str], root: str = ".", exclude: tuple[str, ...] = ()) -> Discovery:
    """Configurations for the paths given (files or directories), each once,
    in the order given."""
    result = Discovery()
    seen: set[tuple[str | None, str | None]] = set()

    def add(paths: ConfigPaths) -> None:
        key = (_identity(paths.main), _identity(paths.master))
        if key not in seen:
            seen.add(key)
            result.configurations.append(paths)

    for argument in arguments:
        path = os.path.normpath(argument)
        if os.path.isdir(path):
            if not is_excluded(path, root, exclude):
                for paths in walk(path, root, exclude, result.yaml_files):
                    add(paths)
        elif os.path.isfile(path):
            if path.lower().endswith(YAML_SUFFIXES):
                if not is_excluded(path, root, exclude):
                    result.yaml_files.append(path)
            elif not is_excluded(path, root, exclude):
                add(sibling(path))
        else:
            result.missing.append(argument)
    return result


def _identity(path: str | None) -> str | None:
    return os.path.realpath(path) if path is not None else None
