"""Every rule is valid data, documented, and has a fixture that fires and a
look-alike that must not."""

from __future__ import annotations

import re

import pytest
import yaml

from linter.engine.rules import builtin_rules, data_path, rule_validator
from linter.lint import lint_pair
from linter.postfix.load import pair_for

from conftest import FIXTURES, ROOT

RULES = builtin_rules()
# Rules judged from Postfix files; application, probe and host rules have
# fixtures of their own kind (tests/test_apps_catalogue.py,
# tests/test_audit_rule_fixtures.py).
RULE_IDS = [rule.id for rule in RULES if rule.stage == "lint"]


def _fixture_dirs(rule_id: str, prefix: str) -> list:
    base = FIXTURES / "rules" / rule_id
    return sorted(p for p in base.glob(f"{prefix}*") if p.is_dir()) if base.is_dir() else []


# rules/apps/ holds application mappings: tests/test_apps_catalogue.py checks them.
@pytest.mark.parametrize("path", sorted(
    path for path in data_path("rules").rglob("*.yaml")
    if "apps" not in path.relative_to(data_path("rules")).parts), ids=str)
def test_rule_file_matches_schema(path):
    data = yaml.safe_load(path.read_text())
    errors = [e.message for e in rule_validator().iter_errors(data)]
    assert errors == []
    assert data["id"] == path.stem


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_fixture_that_fires(rule_id):
    dirs = _fixture_dirs(rule_id, "fires")
    assert dirs, f"tests/fixtures/rules/{rule_id}/fires*/ is missing"
    for directory in dirs:
        found = [f for f in lint_pair(pair_for(str(directory))) if f.rule == rule_id]
        assert found, f"{rule_id} did not fire on {directory}"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_lookalike_that_must_not_fire(rule_id):
    dirs = _fixture_dirs(rule_id, "clean")
    assert dirs, f"tests/fixtures/rules/{rule_id}/clean*/ is missing"
    for directory in dirs:
        found = [f for f in lint_pair(pair_for(str(directory))) if f.rule == rule_id]
        assert found == [], f"{rule_id} fired on the look-alike {directory}: {found}"


def test_rule_docs_are_in_sync():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from gen_rule_docs import DOCS, expected_pages

    pages = expected_pages()
    stale = [p.name for p, text in pages.items() if not p.exists() or p.read_text() != text]
    extra = sorted(p.name for p in set(DOCS.glob("*.md")) - set(pages))
    assert stale == [] and extra == [], "run: python tools/gen_rule_docs.py"


def test_no_rule_calls_port_465_deprecated():
    """RFC 8314 makes implicit TLS on 465 the preferred submission port."""
    for rule in RULES:
        text = " ".join([rule.summary, rule.description, rule.message,
                         str(rule.fix or "")]).lower()
        assert not re.search(r"(465|smtps|submissions)[^.]*deprecat|deprecat[^.]*(465|smtps)",
                             text), rule.id
