"""Helpers for the application-YAML tests: lint a directory the way
``smtplint lint`` does, in-process, with only the app rules."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import FIXTURES

from linter.engine.rules import builtin_rules

APP_RULES = [rule for rule in builtin_rules() if "app" in rule.applies_to]
APP_RULE_IDS = sorted(rule.id for rule in APP_RULES)
APPS_FIXTURES = FIXTURES / "apps"
PASSWORD = "Xq7-fixture-pass"      # the literal password of the fixtures


def lint_dir(directory: Path, rules=None, settings=None):
    """(findings, claimed files, notifications) for the YAML below ``directory``,
    cross-checked with the Postfix configurations found there."""
    from linter.apps import lint_app_files
    from linter.discover import discover

    found = discover([str(directory)], str(directory))
    claimed: list[str] = []
    findings, notes = lint_app_files(found.yaml_files, APP_RULES if rules is None else rules,
                                     settings, found.configurations, claimed)
    return findings, claimed, notes


def relative(path: str, base: Path) -> str:
    return os.path.relpath(path, base)
