"""Read a main.cf/master.cf pair from disk into a resolved Configuration.

A file that cannot be read becomes a diagnostic; a missing file of the
pair means Postfix's defaults (no main.cf) or no services (no master.cf).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from linter.diagnostics import Diagnostic
from linter.postfix.main_cf import MainCf, parse_main_cf
from linter.postfix.master_cf import MasterCf, parse_master_cf
from linter.postfix.params import DEFAULT_VERSION
from linter.postfix.resolve import Configuration, resolve

MAIN_NAME = "main.cf"
MASTER_NAME = "master.cf"


@dataclass(frozen=True)
class ConfigPaths:
    """Where a pair lives; either file may be absent."""

    main: str | None
    master: str | None


def pair_for(path: str) -> ConfigPaths:
    """A directory, or one file of a pair (its sibling is looked up)."""
    directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
    main = os.path.join(directory, MAIN_NAME)
    master = os.path.join(directory, MASTER_NAME)
    if not os.path.isdir(path):
        base = os.path.basename(path)
        if base == MASTER_NAME or base.endswith(".master.cf"):
            master = path
        elif base == MAIN_NAME or base.endswith(".main.cf"):
            main = path
    return ConfigPaths(main if os.path.isfile(main) else None,
                       master if os.path.isfile(master) else None)


def read_bytes(path: str, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        diagnostics.append(Diagnostic(path, 1, 1, "error", "parse-error",
                                      f"cannot read file: {error.strerror or error}"))
        return None


def load_files(paths: ConfigPaths) -> tuple[MainCf | None, MasterCf | None, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    main = master = None
    if paths.main:
        data = read_bytes(paths.main, problems)
        main = parse_main_cf(data, paths.main) if data is not None else None
    if paths.master:
        data = read_bytes(paths.master, problems)
        master = parse_master_cf(data, paths.master) if data is not None else None
    return main, master, problems


def load_configuration(paths: ConfigPaths, version: str = DEFAULT_VERSION,
                       host_values: dict[str, str] | None = None) -> Configuration:
    main, master, problems = load_files(paths)
    config = resolve(main, master, version, host_values)
    config.diagnostics[:0] = problems
    return config
