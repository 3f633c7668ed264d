"""The smtplint command line: one argparse program, one module per command.

Every command is a module with ``add_arguments(parser)`` and
``run(args, stdout, stderr, environ) -> int``, listed in ``COMMANDS`` with
its one-line help. Only the module of the command being run is imported
(``smtplint lint`` runs on every commit), and ``smtplint --help`` imports
none. Every parser (``linter.cli_parser``, imported after the ``--version``
fast path) shares one look: ``-h``/``--help``, errors as
``smtplint: error: ...`` with exit status 2.

argparse rather than typer (the design card's first choice): typer imports
about 45 ms of modules (with pydantic and rich) on every start, which alone
would break the start-up target of ``smtplint lint``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

TYPE_CHECKING = False          # typing itself is not imported on the way to --version
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
    "apps": Command("linter.apps.command",
                    "list the applications whose SMTP settings smtplint reads"),
    "audit": Command("linter.audit.audit_command",
                     "audit the Postfix of this host: its files, certificates, SASL, listeners"),
    "probe": Command("linter.audit.probe_command",
                     "check what live SMTP servers offer a client over the network"),
}
DESCRIPTION = "Lint Postfix main.cf/master.cf: the submission (587) and submissions (465) services."
EPILOG = "Run 'smtplint COMMAND --help' for a command's options."


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
    from linter.cli_parser import Exit, build_parser, command_module

    command = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(command, (stdout, stderr))
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:         # reported with the command's usage, not the program's
            (parser.selected or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    except Exit as done:
        return done.status
    module = command_module(args.command)
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
