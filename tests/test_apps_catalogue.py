"""Every app rule: valid data, documented, a fixture per app that fires it
(tests/fixtures/rules/<id>/fires-<app>/) and look-alikes that must not
(clean-*/); every app: a correct file that triggers nothing."""

from __future__ import annotations

import pytest
import yaml
from apps_helpers import APP_RULE_IDS, APPS_FIXTURES, lint_dir
from conftest import FIXTURES

from linter.apps.mapping import builtin_mappings, mapping_validator
from linter.engine.rules import data_path

MAPPINGS = {mapping.app: mapping for mapping in builtin_mappings()}
LISTED_APPS = {"alertmanager", "authelia", "home-assistant", "spring-boot", "discourse",
               "ansible-mail", "sentry", "vaultwarden", "grafana", "gitlab", "mastodon",
               "nextcloud", "authentik", "gitea"}


def _dirs(rule_id: str, prefix: str):
    base = FIXTURES / "rules" / rule_id
    return sorted(p for p in base.glob(f"{prefix}*") if p.is_dir())


def test_every_app_the_issue_lists_has_a_mapping():
    assert LISTED_APPS <= set(MAPPINGS)


@pytest.mark.parametrize("path", sorted(data_path("rules", "apps").glob("*.yaml")), ids=str)
def test_mapping_matches_schema_and_cites_its_sources(path):
    data = yaml.safe_load(path.read_text())
    errors = [f"{list(e.path)}: {e.message}" for e in mapping_validator().iter_errors(data)]
    assert errors == []
    assert data["app"] == path.stem
    assert data["references"], "a mapping cites the app's documentation or source"
    assert path.read_text().startswith("#"), "the header comment says what was checked"


@pytest.mark.parametrize("app", sorted(MAPPINGS))
def test_mapping_needs_two_independent_signals(app):
    mapping = MAPPINGS[app]
    assert mapping.min_signals >= 2
    kinds = {next(iter(signal)) for signal in mapping.signals}
    assert len(mapping.signals) >= 3 or len(kinds) >= 2


@pytest.mark.parametrize("rule_id", APP_RULE_IDS)
def test_app_rule_fires_on_its_fixtures(rule_id):
    dirs = _dirs(rule_id, "fires")
    assert dirs, f"tests/fixtures/rules/{rule_id}/fires*/ is missing"
    for directory in dirs:
        findings, claimed, notes = lint_dir(directory)
        assert claimed and notes == []
        assert rule_id in {f.rule for f in findings}, f"{rule_id} did not fire on {directory}"


@pytest.mark.parametrize("rule_id", APP_RULE_IDS)
def test_app_rule_stays_quiet_on_lookalikes(rule_id):
    dirs = _dirs(rule_id, "clean")
    assert dirs, f"tests/fixtures/rules/{rule_id}/clean*/ is missing"
    for directory in dirs:
        findings, _, notes = lint_dir(directory)
        assert notes == []
        assert [f for f in findings if f.rule == rule_id] == [], directory


@pytest.mark.parametrize("app", sorted(MAPPINGS))
def test_each_app_has_a_correct_file_that_triggers_nothing(app):
    directory = APPS_FIXTURES / app / "clean"
    findings, claimed, notes = lint_dir(directory)
    assert claimed, f"{directory}: not recognised as {app}"
    assert findings == [] and notes == []


@pytest.mark.parametrize("app", sorted(MAPPINGS))
def test_each_app_fires_in_some_rule_fixture(app):
    fired = sorted(p.parent.name for p in (FIXTURES / "rules").glob(f"app-*/fires-{app}*"))
    assert fired, f"{app}: no tests/fixtures/rules/app-*/fires-{app}/"


@pytest.mark.parametrize("rule_id", APP_RULE_IDS)
def test_every_fires_fixture_is_claimed_by_the_app_it_names(rule_id):
    for directory in _dirs(rule_id, "fires"):
        app = directory.name.removeprefix("fires-")
        app = next((name for name in MAPPINGS if app.startswith(name)), None)
        if app is None:
            continue
        findings, claimed, _ = lint_dir(directory)
        assert {f.service.split(" (")[0] for f in findings if f.service} <= {
            MAPPINGS[app].name}, directory
