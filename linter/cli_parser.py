"""The argparse side of the command line: smtplint's parser class (one
look and one error style for every command) and the program's parser.

Imported by ``linter.cli.main`` after the ``--version`` fast path.
"""

from __future__ import annotations

import argparse
import os
import sys

from linter.cli import COMMANDS, DESCRIPTION, EPILOG, EXIT_USAGE

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO


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
            module = command_module(name)
            sub.description = getattr(module, "DESCRIPTION", entry.help)
            module.add_arguments(sub)
            parser.selected = sub
    return parser


def command_module(name: str):
    """The module implementing command ``name``, imported on first use."""
    import importlib

    return importlib.import_module(COMMANDS[name].module)
