"""The smtplint command line (typer).

Each command is a thin shell: it reads options, calls the stage that does
the work and prints what a renderer made. Heavy modules are imported inside
the commands that need them, so ``smtplint --version`` stays fast.
"""

from __future__ import annotations

import sys
from enum import Enum

import typer

from linter import __version__

app = typer.Typer(
    name="smtplint", add_completion=False, no_args_is_help=True,
    help="Lint Postfix submission (587) and submissions (465) services.",
)

EXIT_USAGE = 2


class ShowFormat(str, Enum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"smtplint {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """smtplint: lint Postfix main.cf and master.cf."""


@app.command()
def show(
    path: str = typer.Argument("/etc/postfix", help="A directory with main.cf and "
                               "master.cf, or one of those files."),
    output_format: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f"),
    postfix_version: str = typer.Option(None, "--postfix-version",
                                        help="Target Postfix version (default 3.7)."),
) -> None:
    """Print each service's effective settings and where each value came from."""
    import json
    import os

    from linter.postfix.load import load_configuration, pair_for
    from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
    from linter.show import render_text, show_document

    version = postfix_version or DEFAULT_VERSION
    if version not in SUPPORTED_VERSIONS:
        _usage_error(f"unsupported Postfix version {version!r}; "
                     f"choose one of {', '.join(SUPPORTED_VERSIONS)}")
    if not os.path.exists(path):
        _usage_error(f"{path}: no such file or directory")
    paths = pair_for(path)
    if paths.main is None and paths.master is None:
        _usage_error(f"{path}: no main.cf or master.cf found")
    document = show_document(load_configuration(paths, version))
    if output_format is ShowFormat.json:
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(render_text(document), nl=False)


def _usage_error(message: str) -> None:
    typer.echo(f"smtplint: error: {message}", err=True)
    raise typer.Exit(EXIT_USAGE)


def main() -> None:
    """Console entry point; answers --version without loading typer's app."""
    if sys.argv[1:] == ["--version"]:
        print(f"smtplint {__version__}")
        return
    app()
