"""``smtplint show``: each service's effective settings and their origin.

The logic is ``linter.show``; this module reads the options and prints.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from linter.commands.common import usage_error

DESCRIPTION = """\
Print each service's effective settings and where each value came from
(main.cf:9, master.cf:41, default); for an application's YAML file, the
SMTP endpoints it configures."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default="/etc/postfix", metavar="PATH",
                        help="a directory with main.cf and master.cf, one of those files, "
                             "or an application's YAML file (default: /etc/postfix)")
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--postfix-version", metavar="VERSION", default=None,
                        help="target Postfix version (default: 3.7)")


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, environ) -> int:
    if args.path.lower().endswith((".yml", ".yaml")):
        return _show_app(args, stdout, stderr)
    # linter.show streams the document, and exits 2 when a file cannot be read.
    from linter.show import run as show_configuration

    return show_configuration(args.path, args.format, args.postfix_version, stdout, stderr)


def _show_app(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import os

    from linter.apps.show import render_json, render_text, show_document

    if not os.path.isfile(args.path):
        return usage_error(stderr, f"{args.path}: no such file")
    document = show_document(args.path)
    stdout.write(render_json(document) if args.format == "json" else render_text(document))
    return 0
