"""Lint one configuration pair with a set of rules: the core of `smtplint lint`."""

from __future__ import annotations

from collections.abc import Iterable

from linter.engine.findings import Finding
from linter.engine.rules import Rule, builtin_rules
from linter.engine.run import run_rules
from linter.postfix.load import ConfigPaths, load_configuration
from linter.postfix.params import DEFAULT_VERSION


def lint_pair(paths: ConfigPaths, rules: Iterable[Rule] | None = None,
              version: str = DEFAULT_VERSION) -> list[Finding]:
    config = load_configuration(paths, version)
    return run_rules(config, builtin_rules() if rules is None else rules)
