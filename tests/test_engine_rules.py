"""Loading rules (linter.engine.rules): built-in rules from the compiled
data or their YAML, user rules validated and located, and the Rule
helpers (stage, profile)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from linter.engine import rules as rules_module
from linter.engine.explain import applies_text, rule_markdown
from linter.engine.rules import (
    PROFILES,
    Rule,
    RuleError,
    builtin_rules,
    compile_rules,
    compiled_rules,
    fingerprint,
    load_user_rules,
    rule_from_dict,
    rule_validator,
    schema_message,
    source_files,
    template_problem,
    usage_problem,
)

EXAMPLE = ROOT / "docs" / "examples" / "rules" / "submission-syslog-name.yaml"


def _rule(**changes) -> Rule:
    base = dict(id="x", severity="error", tags=(), profile="basic", summary="s",
                description="d", applies_to={"roles": ["any"]}, check={})
    return Rule(**(base | changes))


# --- Rule helpers ----------------------------------------------------------------------

@pytest.mark.parametrize("applies_to, stage", [
    ({"roles": ["mx"]}, "lint"), ({"file": "main.cf"}, "lint"),
    ({"app": "any"}, "app"), ({"host": "services"}, "host"),
    ({"probe": ["smtp"]}, "probe"),
])
def test_stage_follows_applies_to(applies_to, stage):
    assert _rule(applies_to=applies_to).stage == stage


def test_profiles_nest():
    assert PROFILES == ("min", "basic", "safety", "production")
    basic = _rule(profile="basic")
    assert basic.in_profile(None)
    assert not basic.in_profile("min")
    assert basic.in_profile("basic")                  # its own profile runs it
    assert basic.in_profile("safety") and basic.in_profile("production")
    assert _rule(profile="production").in_profile("production")
    assert not _rule(profile="production").in_profile("safety")


@pytest.mark.parametrize("applies_to, text", [
    ({"app": "any"}, "application SMTP-client endpoints"),
    ({"app": ["gitea", "grafana"]}, "application SMTP-client endpoints of gitea, grafana"),
    ({"probe": ["mx", "submission"]},
     "live servers (smtplint probe), targets of role mx, submission"),
    ({"host": "services"}, "the mail host (smtplint audit): services"),
    ({"roles": ["mx", "other"]}, "smtpd services with role mx, other"),
    ({"file": "main.cf"}, "main.cf"),
])
def test_explain_says_what_a_rule_applies_to(applies_to, text):
    """The "Applies to" line of `smtplint explain` and docs/rules/*.md."""
    assert applies_text(_rule(applies_to=applies_to)) == text
    assert f"\n- Applies to: {text}\n" in rule_markdown(_rule(applies_to=applies_to))


# --- built-in rules --------------------------------------------------------------------

def test_the_yaml_and_the_compiled_data_give_the_same_rules(monkeypatch, tmp_path):
    compiled = builtin_rules()
    assert compiled and all(rule.path.endswith(".yaml") for rule in compiled)
    assert not any("/apps/" in rule.path for rule in compiled)
    monkeypatch.setattr(rules_module, "COMPILED", tmp_path / "missing.json")
    builtin_rules.cache_clear()
    try:
        from_yaml = builtin_rules()
    finally:
        builtin_rules.cache_clear()
    assert from_yaml == compiled
    assert [rule.id for rule in from_yaml] == [rule.id for rule in compiled]


def _rules_tree(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    (directory / "postfix").mkdir(parents=True)
    (directory / "apps").mkdir()
    shutil.copy(EXAMPLE, directory / "postfix" / "one.yaml")
    (directory / "postfix" / "README.md").write_text("not a rule\n")
    (directory / "apps" / "app.yaml").write_text("not: a postfix rule\n")
    return directory


def test_compiled_data_is_used_only_while_every_file_matches(tmp_path):
    directory = _rules_tree(tmp_path)
    assert sorted(source_files(directory)) == ["postfix/one.yaml"]    # no apps, no .md
    compiled = tmp_path / "rules.json"
    compiled.write_text(json.dumps(compile_rules(directory)))
    found = compiled_rules(directory, compiled)
    assert [rule.id for rule in found] == ["submission-syslog-name"]
    assert found[0].path == str(directory / "postfix" / "one.yaml")
    # an edited file (same size, other bytes) is read from YAML, not the data
    one = directory / "postfix" / "one.yaml"
    text = one.read_text()
    one.write_text(text.replace("severity: warning", "severity: warnin_"))
    assert compiled_rules(directory, compiled) is None
    one.write_text(text)
    assert compiled_rules(directory, compiled) is not None
    (directory / "postfix" / "two.yaml").write_text(text)            # a new file
    assert compiled_rules(directory, compiled) is None
    (directory / "postfix" / "two.yaml").unlink()
    one.unlink()                                                        # a removed file
    assert compiled_rules(directory, compiled) is None


def test_missing_or_broken_compiled_data_is_not_used(tmp_path):
    directory = _rules_tree(tmp_path)
    assert compiled_rules(directory, tmp_path / "missing.json") is None
    (tmp_path / "broken.json").write_text("{not json")
    assert compiled_rules(directory, tmp_path / "broken.json") is None


def test_fingerprint_is_size_and_crc():
    assert fingerprint(b"") == "0:00000000"
    assert fingerprint(b"abc") == "3:352441c2"


def test_rule_from_dict_names_the_missing_key():
    data = yaml.safe_load(EXAMPLE.read_text())
    rule = rule_from_dict(data, "where.yaml")
    assert (rule.id, rule.severity, rule.profile, rule.path) == (
        "submission-syslog-name", "warning", "basic", "where.yaml")
    assert rule.tags == ("logging", "submission", "local")
    assert rule.fix_safety == "safe" and rule.fix["edits"]
    del data["summary"]
    with pytest.raises(RuleError, match=r"^where.yaml: not a valid rule: missing 'summary'$"):
        rule_from_dict(data, "where.yaml")


def test_rule_from_dict_defaults_and_every_optional_key():
    """Optional keys left out get the Rule's empty defaults (never None: a
    message is formatted, a note stripped); given, each one is kept."""
    data = {"id": "x", "severity": "error", "profile": "basic", "summary": "s",
            "description": "d", "applies_to": {"file": "main.cf"}, "check": {}}
    rule = rule_from_dict(dict(data), "x.yaml")
    assert rule == Rule(id="x", severity="error", tags=(), profile="basic", summary="s",
                        description="d", applies_to={"file": "main.cf"}, check={},
                        path="x.yaml")
    assert (rule.tags, rule.message, rule.fix, rule.severity_by_role) == ((), "", None, {})
    assert (rule.needs_main_cf, rule.partial_without_main_cf) == (False, False)
    assert (rule.cause_message, rule.fix_safety, rule.fix_safety_note) == ("", "", "")
    full = rule_from_dict(data | {
        "tags": ["a", "b"], "message": "m", "fix": {"lines": ["l"]},
        "severity_by_role": {"mx": "warning"}, "needs_main_cf": True,
        "partial_without_main_cf": True, "cause_message": "c", "fix_safety": "unsafe",
        "fix_safety_note": "why"}, "x.yaml")
    assert (full.tags, full.message, full.fix, full.severity_by_role) == (
        ("a", "b"), "m", {"lines": ["l"]}, {"mx": "warning"})
    assert (full.needs_main_cf, full.partial_without_main_cf) == (True, True)
    assert (full.cause_message, full.fix_safety, full.fix_safety_note) == ("c", "unsafe", "why")


def test_yaml_is_read_with_the_c_loader_when_pyyaml_has_one(monkeypatch):
    """The C loader is the fast path (start-up is mostly YAML); a PyYAML
    built without libyaml still loads, with the pure-Python safe loader."""
    class Loader(yaml.SafeLoader):
        """Stands in for CSafeLoader: knows one tag SafeLoader does not."""

    Loader.add_constructor("!seen", lambda loader, node: "seen")
    monkeypatch.setattr(yaml, "CSafeLoader", Loader, raising=False)
    assert rules_module._yaml_load("a: !seen x\n") == {"a": "seen"}
    monkeypatch.delattr(yaml, "CSafeLoader")
    assert rules_module._yaml_load("a: [1, two]\n") == {"a": [1, "two"]}


def test_compiled_rules_keep_the_yaml_loaders_order(tmp_path):
    """Paths sort by their parts, as _rule_files does: ``postfix/x.yaml``
    comes before ``postfix-x.yaml`` although "/" sorts after "-"."""
    directory = _rules_tree(tmp_path)
    text = (directory / "postfix" / "one.yaml").read_text()
    (directory / "postfix-x.yaml").write_text(text.replace("id: submission-syslog-name",
                                                           "id: rule-dash"))
    compiled = tmp_path / "rules.json"
    compiled.write_text(json.dumps(compile_rules(directory)))
    found = compiled_rules(directory, compiled)
    assert [rule.id for rule in found] == ["submission-syslog-name", "rule-dash"]
    assert [rule.path for rule in found] == [str(path) for path in
                                            rules_module._rule_files(directory)]


def test_compiled_data_without_its_sources_is_not_used(tmp_path):
    """No record of what was compiled: nothing says the data is current."""
    directory = _rules_tree(tmp_path)
    compiled = tmp_path / "rules.json"
    data = compile_rules(directory)
    del data["sources"]
    compiled.write_text(json.dumps(data))
    assert compiled_rules(directory, compiled) is None


def test_compiled_data_is_read_as_utf8_whatever_the_locale(tmp_path):
    """tools/gen_rule_data.py writes UTF-8 (ensure_ascii=False): under an
    ASCII locale the data is still read, not dropped for the slow YAML path."""
    directory = _rules_tree(tmp_path)
    one = directory / "postfix" / "one.yaml"
    one.write_text(one.read_text(encoding="utf-8").replace(
        "summary: A submission", "summary: \u201cA\u201d submission"), encoding="utf-8")
    compiled = tmp_path / "rules.json"
    compiled.write_text(json.dumps(compile_rules(directory), ensure_ascii=False),
                        encoding="utf-8")
    summary = "\u201cA\u201d submission service logs under the same name as the MX service."
    assert compiled_rules(directory, compiled)[0].summary == summary
    script = ("import sys; from pathlib import Path; "
              "from linter.engine.rules import compiled_rules; "
              "found = compiled_rules(Path(sys.argv[1]), Path(sys.argv[2])); "
              "print(ascii(found[0].summary) if found else None)")
    env = dict(os.environ, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    result = subprocess.run([sys.executable, "-c", script, str(directory), str(compiled)],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ascii(summary)


def test_built_in_data_is_found_beside_or_inside_the_package(monkeypatch, tmp_path):
    fake = tmp_path / "site" / "linter" / "engine" / "rules.py"
    fake.parent.mkdir(parents=True)
    monkeypatch.setattr(rules_module, "__file__", str(fake))
    with pytest.raises(RuleError, match="cannot find the built-in rules near"):
        rules_module.data_path("rules")
    (tmp_path / "site" / "rules").mkdir()                  # a source tree
    assert rules_module.data_path("rules") == tmp_path / "site" / "rules"
    (tmp_path / "site" / "linter" / "_data" / "rules").mkdir(parents=True)   # a wheel
    assert rules_module.data_path("rules", "x.yaml") == \
        tmp_path / "site" / "linter" / "_data" / "rules" / "x.yaml"


# --- user rules ------------------------------------------------------------------------

def _user(tmp_path: Path, text: str, name: str = "rule.yaml") -> str:
    directory = tmp_path / "house"
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(text)
    return str(directory)


def test_user_rules_are_found_below_the_directory_sorted_without_apps(tmp_path):
    directory = tmp_path / "house"
    for sub in ("b", "a", "apps", "a/deeper"):
        (directory / sub).mkdir(parents=True)
    text = EXAMPLE.read_text()
    for path, rule_id in [("b/z.yaml", "rule-bz"), ("a/y.yaml", "rule-ay"),
                          ("a/deeper/x.yaml", "rule-adx"), ("top.yaml", "rule-top"),
                          ("apps/app.yaml", "rule-app"), ("a/w.yml", "rule-aw")]:
        (directory / path).write_text(text.replace("id: submission-syslog-name",
                                                   f"id: {rule_id}"))
    (directory / "a" / "notes.txt").write_text("not: read\n")
    (directory / "a" / "old.yaml.orig").write_text("not: read\n")
    (directory / "again").symlink_to("a")                     # a second way to a/
    loaded = load_user_rules(str(directory))
    # .yml too: a rule silently left out would pass what it should fail
    assert [rule.id for rule in loaded] == ["rule-adx", "rule-aw", "rule-ay", "rule-bz",
                                            "rule-top"]
    assert loaded[0].path == os.path.join(str(directory), "a", "deeper", "x.yaml")


def test_an_entry_that_cannot_be_stat_ed_is_a_file(tmp_path, monkeypatch):
    directory = tmp_path / "house"
    (directory / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE, directory / "sub" / "inner.yaml")
    real = os.scandir

    class Entry:
        def __init__(self, entry):
            self.name = entry.name

        def is_dir(self):
            raise PermissionError("no")

    class Listing:
        def __init__(self, path):
            self.listing = real(path)

        def __enter__(self):
            return [Entry(entry) for entry in self.listing.__enter__()]

        def __exit__(self, *exc):
            return self.listing.__exit__(*exc)

    monkeypatch.setattr(rules_module.os, "scandir", Listing)
    assert load_user_rules(str(directory)) == []              # sub/ not entered


def test_a_directory_that_cannot_be_listed_is_an_error(tmp_path, monkeypatch):
    directory = _user(tmp_path, EXAMPLE.read_text())

    def scandir(path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(rules_module.os, "scandir", scandir)
    with pytest.raises(RuleError, match=r"house: cannot be listed: Permission denied$"):
        load_user_rules(directory)

    def no_reason(path):
        raise OSError()

    monkeypatch.setattr(rules_module.os, "scandir", no_reason)
    with pytest.raises(RuleError, match=r"house: cannot be listed: OSError$"):
        load_user_rules(directory)


def test_a_rules_path_that_is_not_a_directory(tmp_path):
    with pytest.raises(RuleError, match=r"nope: rules directory not found$"):
        load_user_rules(str(tmp_path / "nope"))
    (tmp_path / "file").write_text("x")
    with pytest.raises(RuleError, match=r"file: is a regular file, not a directory$"):
        load_user_rules(str(tmp_path / "file"))
    (tmp_path / "dangling").symlink_to("gone")
    with pytest.raises(RuleError, match=r"dangling: is a dangling symbolic link"):
        load_user_rules(str(tmp_path / "dangling"))


def test_unreadable_and_invalid_yaml_rule_files(tmp_path):
    directory = tmp_path / "house"
    directory.mkdir()
    (directory / "gone.yaml").symlink_to("elsewhere.yaml")
    with pytest.raises(RuleError, match=r"gone.yaml: is a dangling symbolic link"):
        load_user_rules(str(directory))
    (directory / "gone.yaml").unlink()
    (directory / "alias.yaml").write_text("a: &x 1\nb: *x\n")
    with pytest.raises(RuleError, match=r"alias.yaml:2:\d+: aliases \(\*x\) are not allowed"):
        load_user_rules(str(directory))


def test_schema_errors_are_located_at_the_first_line(tmp_path):
    text = EXAMPLE.read_text()
    line = text.splitlines().index("severity: warning") + 1
    broken = text.replace("severity: warning", "severity: fatal").replace(
        "profile: basic", "profile: everything")
    directory = _user(tmp_path, broken)
    with pytest.raises(RuleError) as error:
        load_user_rules(directory)
    assert str(error.value).startswith(f"{directory}/rule.yaml:{line}: severity: 'fatal'")
    directory = _user(tmp_path, "", "rule.yaml")      # empty: no line to name
    with pytest.raises(RuleError, match=r"rule.yaml: \(top level\): None is not of type"):
        load_user_rules(directory)


def test_large_and_non_utf8_rule_files_are_refused_by_name(tmp_path):
    """A rule file is a settings file: at most 1 MB (not the 16 MB of a
    main.cf), strict UTF-8, and the error names the file and the byte."""
    text = EXAMPLE.read_text()
    directory = _user(tmp_path, text + "#" * (1024 * 1024) + "\n")
    with pytest.raises(RuleError, match=r"rule.yaml: is 1.0 MB, larger than the 1 MB smtplint"):
        load_user_rules(directory)
    (tmp_path / "house" / "rule.yaml").write_bytes(text.encode() + b"# caf\xe9\n")
    line = text.count("\n") + 1
    with pytest.raises(RuleError) as error:
        load_user_rules(directory)
    assert str(error.value) == f"{directory}/rule.yaml:{line}:6: not UTF-8 (byte 0xe9)"


def test_schema_errors_on_one_line_report_the_first_path(tmp_path):
    """Two errors on the same line: the one whose path sorts first (other
    before submission), named by its whole path."""
    text = EXAMPLE.read_text().replace(
        "severity: warning\n",
        "severity: warning\nseverity_by_role: {submission: bogus, other: wrong}\n")
    line = text.splitlines().index("severity_by_role: {submission: bogus, other: wrong}") + 1
    directory = _user(tmp_path, text)
    with pytest.raises(RuleError) as error:
        load_user_rules(directory)
    assert str(error.value).startswith(
        f"{directory}/rule.yaml:{line}: severity_by_role/other: 'wrong' is not one of")


class _Error:
    def __init__(self, message, validator, instance, validator_value=None):
        self.message, self.validator = message, validator
        self.instance, self.validator_value = instance, validator_value


def test_schema_message_shortens_only_long_messages():
    assert schema_message(_Error("x" * 200, "type", "v", "string")) == "x" * 200
    long = "y" * 201
    assert schema_message(_Error(long, "type", ["a"], "string")) == \
        "['a'] is not of type 'string'"
    assert schema_message(_Error(long, "enum", "w", ["error", "warning"])) == \
        "'w' is not one of ['error', 'warning']"
    assert schema_message(_Error(long, "pattern", "z")) == "'z' is not valid here (pattern)"
    # the allowed values are cut at 200 characters, not at brief's usual 60
    allowed = ["v" * 196]                             # repr: 200 characters
    assert schema_message(_Error(long, "enum", "w", allowed)) == \
        f"'w' is not one of {allowed!r}"
    allowed = ["v" * 197]                             # repr: 201 characters
    assert schema_message(_Error(long, "enum", "w", allowed)) == \
        f"'w' is not one of {repr(allowed)[:199]}\u2026"


def test_a_real_long_schema_message_is_brief(tmp_path):
    text = EXAMPLE.read_text().replace("id: submission-syslog-name", "id: " + "A" * 400)
    with pytest.raises(RuleError) as error:
        load_user_rules(_user(tmp_path, text))
    message = str(error.value)
    assert "id: " in message and message.endswith("is not valid here (pattern)")
    assert len(message) < 400


# --- what the schema allows but a lint cannot run ------------------------------------

def _with(tmp_path, old: str, new: str) -> str:
    text = EXAMPLE.read_text()
    assert old in text
    return _user(tmp_path, text.replace(old, new))


@pytest.mark.parametrize("old, new, says", [
    ("  equals: postfix", "  equal: postfix", "check/equal: unknown operator 'equal'"),
    ("  equals: postfix", "  subject: syslog_name",
     "check: a condition needs one operator, not 0: none"),
    ("  equals: postfix", "  equals: postfix\n  has_token: postfix",
     "check: a condition needs one operator, not 2: equals, has_token"),
    ("  equals: postfix", "  matches: '(postfix'", "check/matches: not a regular expression"),
    ("check:\n  param: syslog_name\n  equals: postfix",
     "check:\n  all:\n    - {service: role, equals: submission}\n"
     "    - not: {any: [{param: syslog_name, equls: x}]}",
     "check/all/1/not/any/0/equls: unknown operator 'equls'"),
    ("{service} logs", "{servce} logs", "message: no field {servce} (fields: name, origin,"),
    ("{service} logs", "{0} logs", "message: not a valid template: "),
    ("{service} logs", "{service logs", "message: not a valid template: "),
    ('"Set a distinct syslog_name on {name}"', '"Set {nme}"', "fix/description: no field {nme}"),
    ('["  -o syslog_name=postfix/{name}"]', '["{x}"]', "fix/lines/0: no field {x}"),
    ('value: "postfix/{name}"', 'value: "postfix/{nam}"', "fix/edits/0/value: no field {nam}"),
    ("name: syslog_name, value", "name: '{y}', value", "fix/edits/0/name: no field {y}"),
    ('message: "', 'cause_message: "{services} at {where}, {count}: {bad}"\nmessage: "',
     "cause_message: no field {bad}"),
])
def test_usage_problems_stop_the_load_located(tmp_path, old, new, says):
    directory = _with(tmp_path, old, new)
    with pytest.raises(RuleError) as error:
        load_user_rules(directory)
    message = str(error.value)
    assert message.startswith(f"{directory}/rule.yaml:") and says in message, message
    line = int(message.split(":")[1])
    assert line > 1


def test_the_fields_a_cause_message_may_use():
    directory_free = usage_problem(yaml.safe_load(EXAMPLE.read_text().replace(
        'message: "', 'cause_message: "{services} {where} {count} {param}"\nmessage: "')))
    assert directory_free is None


def test_builtin_checks_must_exist():
    data = yaml.safe_load(EXAMPLE.read_text())
    data["check"] = {"builtin": "parameter_names"}
    data["message"] = "{anything}"                  # a builtin fills its own fields
    assert usage_problem(data) is None
    data["check"] = {"builtin": "no_such_check"}
    assert usage_problem(data) == (("check", "builtin"), "no builtin check named 'no_such_check'")
    data["check"] = {"audit": "host"}
    assert usage_problem(data) == (("check", "audit"),
                                   "an audit check needs applies_to host or probe")
    data["applies_to"] = {"host": "services"}
    assert usage_problem(data) is None
    data["applies_to"] = {"app": "any"}
    data["check"] = {"builtin": "not_an_engine_builtin"}    # linter.apps judges it
    assert usage_problem(data) is None


SERVICE_MISSING = """\
check:
  builtin: service_missing
  options: {port: 2525, names: [custom]}
fix:
  description: Add it
  lines: ["custom inet n - y - - smtpd"]
"""


@pytest.mark.parametrize("old, new, says", [
    ("options: {port: 2525, names: [custom]}", "options: {names: [custom]}",
     "check/options/port: service_missing needs a port from 1 to 65535"),
    ("port: 2525", "port: '2525'", "check/options/port: service_missing needs a port"),
    ("port: 2525", "port: 0", "check/options/port: service_missing needs a port"),
    ("port: 2525", "port: 65536", "check/options/port: service_missing needs a port"),
    ("port: 2525", "port: true", "check/options/port: service_missing needs a port"),
    ("  options: {port: 2525, names: [custom]}\n", "",
     "check/options/port: service_missing needs a port"),
    ("names: [custom]", "names: custom", "check/options/names: names must be a list"),
    ("names: [custom]", "names: [' ']", "check/options/names: names must be a list"),
    ("names: [custom]", "names: [1]", "check/options/names: names must be a list"),
    ('  lines: ["custom inet n - y - - smtpd"]\n', "",
     "fix: service_missing needs fix lines: the entry its fix adds"),
    ('["custom inet n - y - - smtpd"]', '[""]', "fix: service_missing needs fix lines"),
])
def test_a_builtin_says_what_its_rule_is_missing(tmp_path, old, new, says):
    """Accepted by the schema, but the check could only crash in the lint:
    refused at load, located."""
    rule = _service_missing_rule()
    assert old in rule
    with pytest.raises(RuleError) as error:
        load_user_rules(_user(tmp_path, rule.replace(old, new)))
    message = str(error.value)
    assert says in message and int(message.split(":")[1]) > 1, message


def _service_missing_rule(options: str = "{port: 2525, names: [custom]}") -> str:
    """The example rule with SERVICE_MISSING's check and fix (and ``options``)."""
    text = EXAMPLE.read_text()
    start, end = text.index("check:"), text.index("message:")
    rule = text[:start] + SERVICE_MISSING.replace("{port: 2525, names: [custom]}", options) \
        + text[end:]
    return rule[:rule.index("fix:", rule.index("message:"))]


@pytest.mark.parametrize("options, port", [
    ("{port: 2525, names: [custom]}", 2525), ("{port: 1}", 1), ("{port: 65535}", 65535)])
def test_a_complete_service_missing_rule_loads(tmp_path, options, port):
    """Ports 1 and 65535 are ports; ``names`` may be left out."""
    [loaded] = load_user_rules(_user(tmp_path, _service_missing_rule(options)))
    assert loaded.check["options"]["port"] == port


def test_every_built_in_rule_is_usable():
    validator = rule_validator()
    for path in sorted((ROOT / "rules").rglob("*.yaml")):
        if "apps" in path.relative_to(ROOT / "rules").parts:
            continue
        data = yaml.safe_load(path.read_text())
        assert not list(validator.iter_errors(data)), path
        assert usage_problem(data) is None, path


def test_template_problem():
    known = frozenset({"a", "b"})
    assert template_problem("{a} and {b}, {{literal}}", known) is None
    assert template_problem("{c}", known) == "no field {c} (fields: a, b)"
    assert template_problem("{a.x}", known).startswith("not a valid template")
    assert template_problem("}", known).startswith("not a valid template")



def test_template_problem_tries_fields_as_empty_text():
    """Every field is text and may be empty: a format spec for text is
    fine, indexing a character may fail (it would stop the lint)."""
    known = frozenset({"a"})
    assert template_problem("{a:>5}|{a!r}", known) is None
    assert template_problem("{a[0]}", known) == "not a valid template: string index out of range"


def test_optional_templates_left_out_are_no_problem():
    """A rule without a message, or a fix with only some of description,
    lines and edits, is usable."""
    data = yaml.safe_load(EXAMPLE.read_text())
    del data["message"]
    del data["fix"]
    assert usage_problem(data) is None
    for fix in ({"description": "Set it"}, {"lines": ["  -o syslog_name=x"]},
                {"edits": [{"action": "set", "name": "syslog_name", "value": "x"}]}):
        assert usage_problem(data | {"fix": fix}) is None, fix
    place, message = usage_problem(data | {"fix": {"lines": ["{nope}"]}})
    assert place == ("fix", "lines", 0) and message.startswith("no field {nope}")
