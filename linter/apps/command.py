"""``smtplint apps``: the supported applications and how each is recognised."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--apps-dir", action="append", default=[], metavar="DIR",
                        help="also list application mappings from DIR")


def describe(mapping) -> dict:
    from linter.apps.mapping import describe_signal

    return {"app": mapping.app, "name": mapping.name, "client": mapping.client,
            "needs_signals": mapping.min_signals,
            "signals": [describe_signal(signal) for signal in mapping.signals],
            "references": list(mapping.references), "mapping": mapping.path}


def run(args, stdout, stderr, environ=None) -> int:
    from linter.apps.mapping import MappingError, all_mappings
    from linter.report.escape import one_line

    try:
        mappings = all_mappings(tuple(args.apps_dir))
    except MappingError as error:
        stderr.write(f"smtplint: error: {error}\n")
        return 2
    described = [describe(mapping) for mapping in sorted(mappings, key=lambda m: m.app)]
    if args.format == "json":
        stdout.write(json.dumps(described, indent=2) + "\n")
        return 0
    for item in described:
        stdout.write(one_line(f"{item['app']}  {item['name']} ({item['client']})") + "\n")
        stdout.write(one_line(f"    recognised by {item['needs_signals']} of: "
                              + "; ".join(item["signals"])) + "\n")
    return 0

