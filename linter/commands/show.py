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
    import json
    import os

    from linter.postfix.load import load_configuration, pair_for
    from linter.postfix.params import DEFAULT_VERSION, SUPPORTED_VERSIONS
    from linter.report.escape import unicode_data
    from linter.show import render_text, show_document

    if args.path.lower().endswith((".yml", ".yaml")):
        return _show_app(args, stdout, stderr)
    version = args.postfix_version or DEFAULT_VERSION
    if version not in SUPPORTED_VERSIONS:
        return usage_error(stderr, f"unsupported Postfix version {version!r}; "
                                   f"choose one of {', '.join(SUPPORTED_VERSIONS)}")
    if not os.path.exists(args.path):
        return usage_error(stderr, f"{args.path}: no such file or directory")
    paths = pair_for(args.path)
    if paths.main is None and paths.master is None:
        return usage_error(stderr, f"{args.path}: no main.cf or master.cf found")
    document = show_document(load_configuration(paths, version))
    if args.format == "json":
        stdout.write(json.dumps(unicode_data(document), indent=2, ensure_ascii=True) + "\n")
    else:
        stdout.write(render_text(document))
    return 0


def _show_app(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import os

    from linter.apps.show import render_json, render_text, show_document

    if not os.path.isfile(args.path):
        return usage_error(stderr, f"{args.path}: no such file")
    document = show_document(args.path)
    stdout.write(render_json(document) if args.format == "json" else render_text(document))
    return 0
