"""Read a main.cf/master.cf pair from disk into a resolved Configuration.

Only regular files of at most 16 MB are read (linter.files). A file that
cannot be read becomes a parse-error diagnostic at the file, and a
FileProblem for the run's status when the caller collects them; a missing
file of the pair means Postfix's defaults (no main.cf) or no services (no
master.cf).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from linter.diagnostics import Diagnostic
from linter.files import CONFIGURATION_LIMIT, FileProblem, UnreadableFile, read_regular
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
    """A directory, or one file of a pair (its sibling is looked up).

    A sibling that is there but is not a regular file (a FIFO, a dangling
    link) is kept, so that loading reports it instead of linting the pair
    as if it had none."""
    directory = path if os.path.isdir(path) else os.path.dirname(path) or "."
    main = os.path.join(directory, MAIN_NAME)
    master = os.path.join(directory, MASTER_NAME)
    if not os.path.isdir(path):
        base = os.path.basename(path)
        if base == MASTER_NAME or base.endswith(".master.cf"):
            master = path
        elif base == MAIN_NAME or base.endswith(".main.cf"):
            main = path
    return ConfigPaths(main if os.path.lexists(main) else None,
                       master if os.path.lexists(master) else None)


def read_bytes(path: str, diagnostics: list[Diagnostic],
               problems: list[FileProblem] | None = None) -> bytes | None:
    """The file's bytes, or None with a parse-error diagnostic (and a
    FileProblem in ``problems``) saying why it was not read."""
    try:
        return read_regular(path, CONFIGURATION_LIMIT)
    except UnreadableFile as error:
        message = f"not linted: this file {error.reason}"
        diagnostics.append(Diagnostic(path, 1, 1, "error", "parse-error", message))
        if problems is not None:
            problems.append(FileProblem(path, message))
        return None


def load_files(paths: ConfigPaths, problems: list[FileProblem] | None = None
               ) -> tuple[MainCf | None, MasterCf | None, list[Diagnostic]]:
    diagnostics: list[Diagnostic] = []
    main = master = None
    if paths.main:
        data = read_bytes(paths.main, diagnostics, problems)
        main = parse_main_cf(data, paths.main) if data is not None else None
    if paths.master:
        data = read_bytes(paths.master, diagnostics, problems)
        master = parse_master_cf(data, paths.master) if data is not None else None
    return main, master, diagnostics


def load_configuration(paths: ConfigPaths, version: str = DEFAULT_VERSION,
                       host_values: dict[str, str] | None = None,
                       problems: list[FileProblem] | None = None) -> Configuration:
    """Load and resolve a pair; files that could not be read are added to
    ``problems`` when given."""
    main, master, diagnostics = load_files(paths, problems)
    config = resolve(main, master, version, host_values)
    config.diagnostics[:0] = diagnostics
    return config
