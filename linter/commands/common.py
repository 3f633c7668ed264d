"""What the commands share: usage errors and loading the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from linter.cli import EXIT_USAGE


class UsageError(Exception):
    """Bad options, configuration or rules: exit 2 with this message."""


def usage_error(stderr: TextIO, message: str) -> int:
    """Report a usage error in the one style every command uses."""
    stderr.write(f"smtplint: error: {message}\n")
    return EXIT_USAGE


def load_rules(rules_dirs: Sequence[str]) -> list:
    """The built-in rules, then each custom rules directory's (validated);
    a rule id defined twice is a UsageError."""
    from linter.engine.rules import RuleError, builtin_rules, load_user_rules

    rules = list(builtin_rules())
    origin = {rule.id: rule.path for rule in rules}
    for directory in rules_dirs:
        try:
            user_rules = load_user_rules(directory)
        except RuleError as error:
            raise UsageError(str(error)) from None
        for rule in user_rules:
            if rule.id in origin:
                raise UsageError(f"{rule.path}: rule id '{rule.id}' is already defined "
                                 f"by {origin[rule.id]}")
            origin[rule.id] = rule.path
            rules.append(rule)
    return rules


def add_rules_dir(parser) -> None:
    parser.add_argument("-r", "--rules-dir", action="append", default=[], metavar="DIR",
                        help="also load custom rules from DIR (repeatable)")
