"""``smtplint explain RULE-ID``: one rule's documentation, as markdown."""

from __future__ import annotations

import argparse
from typing import TextIO

from linter.commands.common import UsageError, add_rules_dir, load_rules, usage_error

DESCRIPTION = "Print a rule's documentation (markdown); the same pages are in docs/rules/."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rule_id", metavar="RULE-ID",
                        help="a rule id, e.g. submission-tls-not-required")
    add_rules_dir(parser)


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO, environ) -> int:
    from linter.engine.explain import rule_markdown
    from linter.report.escape import one_line, plain

    try:
        rules = {rule.id: rule for rule in load_rules(args.rules_dir)}
    except UsageError as error:
        return usage_error(stderr, str(error))
    rule = rules.get(args.rule_id)
    if rule is None:
        import difflib

        close = difflib.get_close_matches(args.rule_id, list(rules), n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else "; see smtplint rules"
        return usage_error(stderr, f"unknown rule '{one_line(args.rule_id)}'{hint}")
    stdout.write(plain(rule_markdown(rule)))
    return 0
