"""The smtplint command line: the entry point and its fast paths.

``smtplint --version`` and ``smtplint lint`` (run on every commit by the
pre-commit hook) start without importing typer, whose import costs about
0.1 s; every other command goes to the typer app in ``linter.commands``,
which also lists ``lint`` in ``--help``.
"""

from __future__ import annotations

import sys


def __getattr__(name: str):
    """``linter.cli.app`` (and the command functions) load the typer app
    only when asked for."""
    if name in ("app", "show", "lint", "list_rules", "explain", "EXIT_USAGE"):
        from linter import commands

        return getattr(commands, name)
    raise AttributeError(name)


def main() -> None:
    """Console entry point."""
    argv = sys.argv[1:]
    if argv == ["--version"]:
        from linter import __version__

        print(f"smtplint {__version__}")
        return
    if argv[:1] == ["lint"]:
        from linter.lint_command import run

        sys.exit(run(argv[1:]))
    from linter.commands import app

    app()
