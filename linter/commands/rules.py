"""``smtplint rules``: the rules, their severity, profile, tags and summary."""

from __future__ import annotations

import argparse
from typing import TextIO

from linter.commands.common import UsageError, add_rules_dir, load_rules, usage_error

DESCRIPTION = "List the rules: id, severity, profile, tags and summary."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from linter.engine.rules import PROFILES

    parser.add_argument("-t", "--tag", metavar="TAG", help="only rules with this tag")
    parser.add_argument("-p", "--profile", choices=PROFILES,
                        help="only rules that run in this profile")
    parser.add_argument("-f", "--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")
    add_rules_dir(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, environ) -> int:
    import json

    try:
        rules = load_rules(args.rules_dir)
    except UsageError as error:
        return usage_error(stderr, str(error))
    tags = sorted({tag for rule in rules for tag in rule.tags})
    if args.tag is not None and args.tag not in tags:
        # A misspelt filter is a mistake, not an empty list (as lint --skip).
        from linter.postfix.quote import token

        return usage_error(stderr, f"--tag {token(args.tag)}: no rule has this tag; the "
                                   f"tags are {', '.join(tags)}")
    chosen = sorted((rule for rule in rules
                     if (args.tag is None or args.tag in rule.tags)
                     and rule.in_profile(args.profile)),
                    key=lambda rule: rule.id)
    if args.format == "json":
        from linter.report.escape import unicode_data

        rows = [{"id": r.id, "severity": r.severity, "profile": r.profile,
                 "tags": list(r.tags), "summary": r.summary} for r in chosen]
        stdout.write(json.dumps(unicode_data(rows), indent=2, ensure_ascii=True) + "\n")
    else:
        stdout.write(rules_table(chosen))
    return 0


def rules_table(rules) -> str:
    from linter.report.escape import one_line

    rows = [("ID", "SEVERITY", "PROFILE", "TAGS", "SUMMARY")]
    rows += [(r.id, r.severity, r.profile, ",".join(r.tags), r.summary) for r in rules]
    rows = [tuple(one_line(cell) for cell in row) for row in rows]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    return "".join("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths))
                   + "  " + row[4] + "\n" for row in rows)
