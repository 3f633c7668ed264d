"""The smtplint command line: one argparse program, one module per command.

Every command is a module with ``add_arguments(parser)`` and
``run(args, stdout, stderr, environ) -> int``, listed in ``COMMANDS`` with
its one-line help. Only the module of the command being run is imported
(``smtplint lint`` runs on every commit), and ``smtplint --help`` imports
none. Every parser shares one look: ``-h``/``--help``, errors as
``smtplint: error: ...`` with exit status 2.

argparse rather than typer (the design card's first choice): typer imports
about 45 ms of modules (with pydantic and rich) on every start, which alone
would break the start-up target of ``smtplint lint``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class Command:
    """A command: the module that implements it and its one-line help."""

    __slots__ = ("module", "help")

    def __init__(self, module: str, help: str):
        self.module = module
        self.help = help


# Adding a command is one line here (and its module).
COMMANDS: dict[str, Command] = {
    "lint": Command("linter.lint_command", "lint main.cf/master.cf files and directories"),
    "show": Command("linter.commands.show",
                    "print each service's effective settings and where they came from"),
    "rules": Command("linter.commands.rules", "list the rules"),
    "explain": Command("linter.commands.explain", "print a rule's documentation"),
}
DESCRIPTION = "Lint Postfix main.cf/master.cf: the submission (587) and submissions (465) services."
EPILOG = "Run 'smtplint COMMAND --help' for a command's options."


class Exit(Exception):
    """argparse wanted to exit (help, version, usage error)."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, minus ``import shutil`` (and bz2, lzma) on every
    start: argparse builds a formatter for each add_argument just to measure
    the terminal. The width is found the same way, with os alone."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None):
        super().__init__(prog, indent_increment, max_help_position,
                         terminal_width() - 2 if width is None else width)


def terminal_width() -> int:
    """shutil.get_terminal_size().columns: $COLUMNS, the terminal, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the given streams, reports errors
    in smtplint's one style and never calls sys.exit itself."""

    def __init__(self, *args, streams: tuple[TextIO, TextIO] | None = None, **kwargs):
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.streams = streams or (sys.stdout, sys.stderr)
        self.selected: Parser | None = None     # the command's parser, once built

    def _print_message(self, message: str, file=None) -> None:
        if message:
            stream = self.streams[1] if file is sys.stderr else self.streams[0]
            stream.write(message)

    def exit(self, status: int = 0, message: str | None = None):
        if message:
            self.streams[1].write(message)
        raise Exit(status)

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"smtplint: error: {message}\n"
                              f"Run '{self.prog} --help' for the options.\n")


def build_parser(command: str | None, streams: tuple[TextIO, TextIO]) -> Parser:
    """The program's parser; only ``command``'s module is imported to add
    its arguments (the others need just their help line)."""
    from linter import __version__

    parser = Parser(prog="smtplint", description=DESCRIPTION, epilog=EPILOG, streams=streams)
    parser.add_argument("--version", action="version", version=f"smtplint {__version__}",
                        help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands",
                                     parser_class=Parser, required=True)
    for name, entry in COMMANDS.items():
        sub = commands.add_parser(name, help=entry.help, prog=f"smtplint {name}",
                                  streams=streams)
        if name == command:
            module = _module(entry)
            sub.description = getattr(module, "DESCRIPTION", entry.help)
            module.add_arguments(sub)
            parser.selected = sub
    return parser


def _module(entry: Command):
    import importlib

    return importlib.import_module(entry.module)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Console entry point; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    environ = os.environ if environ is None else environ
    if argv == ["--version"]:          # the fastest path: no argparse
        from linter import __version__

        stdout.write(f"smtplint {__version__}\n")
        return EXIT_OK
    command = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(command, (stdout, stderr))
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:         # reported with the command's usage, not the program's
            (parser.selected or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    except Exit as done:
        return done.status
    module = _module(COMMANDS[args.command])
    try:
        return module.run(args, stdout, stderr, environ)
    except Exit as done:
        return done.status
    except BrokenPipeError:            # `smtplint lint | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141                     # 128 + SIGPIPE, as a killed writer would
    except KeyboardInterrupt:
        stderr.write("smtplint: interrupted\n")
        return 130
