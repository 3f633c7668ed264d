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


# -- every (app, rule) pair the app's mapping makes possible has a fixture -------------
#
# What an app can trigger is worked out from its mapping, not listed: every
# field a model decision reads (transport, STARTTLS, verification, default
# port, conflicts, whether it logs in) and every field the host and port come
# from is given each value that matters (unset, empty where the mapping
# distinguishes it, true/false, the enum words and the literals the
# conditions compare with, ports 25/465/587, URL schemes the mapping knows),
# with a username and a literal password; extract's own decision tables turn
# each combination into an endpoint (extract._endpoint, the step after the
# fields are read from a file), and the rules' documented conditions
# (rules/client/*.yaml) say which rules that endpoint would fire. A mapping
# that gains a verify flag or a conflict then needs a fixture for it.
# app-parse-error is not about an endpoint: an app can trigger it when its
# mapping claims a file by name (recognize.signals file patterns).

PAIR_HOST = "mail.example.org"


def _conditions(node):
    if isinstance(node, dict):
        if "field" in node:
            yield node
        for value in node.values():
            yield from _conditions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _conditions(value)


def _scalar(text):
    from linter.apps.values import Scalar

    if text is None:
        return Scalar("absent")
    if text == "":
        return Scalar("empty", None, 1, 1, "x", plain=True)
    return Scalar("value", text, 1, 1, "x", raw=text, plain=True)


def _field_values(name, spec, conditions, port_fields, host_fields):
    """The distinct values (as extract types them) worth trying for one field."""
    from linter.apps import extract

    kind = spec.get("type", "string")
    mine = [c for c in conditions if c["field"] == name]
    texts = [None]
    if "empty_default" in spec or any(c.get("is") == "empty" for c in mine):
        texts.append("")
    literals = [str(v) for c in mine if c.get("part") is None
                for v in ([c["equals"]] if "equals" in c else c.get("in", []))]
    literals += [c["matches"] for c in mine if "matches" in c]
    if any("words_contain_model" in c for c in mine):
        literals.append(PAIR_HOST)
    if kind == "bool":
        texts += ["true", "false"]
    elif kind == "enum":
        texts += [str(key) for key in spec.get("values", {})] + literals
        if isinstance(spec.get("default"), str):
            texts.append(spec["default"])
    elif kind == "port":
        texts += ["25", "465", "587"]
    elif kind in ("host_port", "url"):
        schemes = [f"{c['equals']}://" for c in mine
                   if c.get("part") == "scheme" and "equals" in c]
        ports = [""] + ([":25", ":465", ":587"] if name in port_fields else [])
        texts += [scheme + PAIR_HOST + port for scheme in ["", *schemes] for port in ports]
    else:
        texts += literals or [PAIR_HOST if name in host_fields else "value"]
    set_like = any(c.get("is") in ("set", "unset", "empty") for c in mine)
    seen, values = set(), []
    for text in dict.fromkeys(texts):
        field = extract.typed_field(spec, _scalar(text))
        key = (field.typed, field.present) if set_like or field.typed is None else field.typed
        if (key, repr(field.parts)) not in seen:
            seen.add((key, repr(field.parts)))
            values.append(field)
    return values


def _possible_endpoints(mapping):
    import itertools

    from linter.apps import extract

    for spec in mapping.endpoints:
        model, fields = spec["model"], spec["fields"]
        conditions = list(_conditions({k: v for k, v in model.items() if k != "fixes"}))
        hosts = model["host"] if isinstance(model["host"], list) else [model["host"]]
        ports = model.get("port", [])
        credentials = model.get("credentials", {})
        varied = [name for name in fields if name in ports or name in hosts
                  or any(c["field"] == name for c in conditions)]
        fixed = {name: extract.typed_field(fields[name], _scalar(text))
                 for name, text in ((credentials.get("username"), "app"),
                                    (credentials.get("password"), "literal"))
                 if name in fields and name not in varied}
        options = [_field_values(name, fields[name], conditions, ports, hosts)
                   for name in varied]
        for combination in itertools.product(*options):
            values = {**fixed, **dict(zip(varied, combination))}
            context = extract.Context({}, (), values, {})
            endpoint = extract._endpoint(mapping, spec, "app.yml", None, (), context, "")
            if endpoint is not None:
                yield endpoint


def rules_app_can_trigger(mapping) -> set[str]:
    from linter.apps.findings import STARTTLS_PORTS
    from linter.apps.values import is_local

    rules = {"app-parse-error"} if mapping.file_patterns() else set()
    for endpoint in _possible_endpoints(mapping):
        port, transport = endpoint.port, endpoint.transport
        remote = endpoint.host is not None and not is_local(endpoint.host)
        logs_in = endpoint.credentials in ("literal", "secret-reference")
        if (transport == "implicit_tls" and port in STARTTLS_PORTS) or \
                (transport in ("starttls", "plain") and port == 465):
            rules.add("app-port-mode-mismatch")
        if remote and (transport == "plain" or (transport in ("starttls", "auto")
                                                and endpoint.starttls == "opportunistic")):
            rules.add("app-tls-not-required")
        if endpoint.verify == "none":
            rules.add("app-tls-verify-disabled")
        if endpoint.conflicts:
            rules.add("app-conflicting-tls-flags")
        if endpoint.credentials == "literal":
            rules.add("app-plaintext-credentials")
        if remote and port == 25 and logs_in:
            rules.add("app-submission-port-25")
        if remote and port is not None and transport is not None:
            # A master.cf of that host without an active service on the port.
            rules.add("app-endpoint-not-offered")
    return rules


CAN_TRIGGER = {app: rules_app_can_trigger(mapping) for app, mapping in MAPPINGS.items()}
PAIRS = sorted((app, rule) for app, rules in CAN_TRIGGER.items() for rule in rules)


def _named_for(directory, prefix: str, app: str) -> bool:
    return directory.name == f"{prefix}-{app}" or directory.name.startswith(f"{prefix}-{app}-")


def _claimers(path: str) -> list[str]:
    from linter.apps.lint import analyse

    return analyse(path, builtin_mappings()).apps


def test_the_derivation_sees_what_each_mapping_cannot_do():
    # Guards the derivation itself: what the mappings plainly cannot express.
    assert "app-conflicting-tls-flags" not in CAN_TRIGGER["alertmanager"]    # no conflicts
    assert "app-tls-verify-disabled" not in CAN_TRIGGER["nextcloud"]         # verify: full
    assert "app-port-mode-mismatch" not in CAN_TRIGGER["grafana"]            # 465 is TLS
    assert set(APP_RULE_IDS) == CAN_TRIGGER["gitlab"] == CAN_TRIGGER["mastodon"]
    assert all(rules <= set(APP_RULE_IDS) for rules in CAN_TRIGGER.values())


@pytest.mark.parametrize(("app", "rule_id"), PAIRS, ids=[f"{a}:{r}" for a, r in PAIRS])
def test_each_rule_an_app_can_trigger_fires_in_a_fixture_of_that_app(app, rule_id):
    dirs = [d for d in _dirs(rule_id, "fires") if _named_for(d, "fires", app)]
    assert dirs, (f"{app} can trigger {rule_id}: "
                  f"tests/fixtures/rules/{rule_id}/fires-{app}*/ is missing")
    for directory in dirs:
        findings, _, _ = lint_dir(directory)
        own = [f for f in findings if f.rule == rule_id and app in _claimers(f.path)]
        assert own, f"{rule_id} did not fire on a file of {app} in {directory}"


@pytest.mark.parametrize("rule_id", APP_RULE_IDS)
def test_each_app_rule_has_a_lookalike_of_an_app_that_can_trigger_it(rule_id):
    able = {app for app, rules in CAN_TRIGGER.items() if rule_id in rules}
    lookalikes = [d for d in _dirs(rule_id, "clean") if any(_named_for(d, "clean", app)
                                                          for app in able)]
    assert lookalikes, f"{rule_id}: no clean-<app>*/ look-alike of an app that can trigger it"
    for directory in lookalikes:
        app = next(app for app in able if _named_for(directory, "clean", app))
        findings, claimed, _ = lint_dir(directory)
        assert any(app in _claimers(path) for path in claimed), directory
        assert [f for f in findings if f.rule == rule_id] == [], directory
