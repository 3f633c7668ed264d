"""Custom rules with --rules-dir (and rules_dir in the config): validated
when loaded, a bad file is exit 2 naming it."""

from __future__ import annotations

import shutil

from conftest import ROOT
from lint_helpers import good_pair, lint, project, write_config

EXAMPLE_RULES = ROOT / "docs" / "examples" / "rules"
EXAMPLE_ID = "submission-syslog-name"


def _without_syslog_name(directory):
    path = directory / "master.cf"
    path.write_text(path.read_text().replace("  -o syslog_name=postfix/submission\n", ""))


def test_documented_example_rule_fires_on_a_fixture(tmp_path):
    root = project(tmp_path)
    directory = good_pair(root / "postfix")
    assert EXAMPLE_ID not in lint(root, "-r", str(EXAMPLE_RULES), "-f", "json").rules()
    _without_syslog_name(directory)
    result = lint(root, "--rules-dir", str(EXAMPLE_RULES), "--format", "json")
    found = [f for f in result.json()["findings"] if f["rule"] == EXAMPLE_ID]
    assert [(f["service"], f["severity"]) for f in found] == [("submission/inet", "warning")]
    assert "syslog_name=postfix" in found[0]["message"]
    assert result.code == 0                       # a warning
    assert lint(root, "--rules-dir", str(EXAMPLE_RULES), "--strict").code == 1


def test_rules_dir_from_config(tmp_path):
    root = project(tmp_path)
    _without_syslog_name(good_pair(root / "postfix"))
    shutil.copytree(EXAMPLE_RULES, root / "house-rules")
    write_config(root, "rules_dir: house-rules\n")
    assert EXAMPLE_ID in lint(root, "-f", "json").rules()


def test_invalid_rule_file_exits_2_with_its_path(tmp_path):
    root = project(tmp_path)
    good_pair(root / "postfix")
    rules = root / "rules"
    rules.mkdir()
    text = (EXAMPLE_RULES / f"{EXAMPLE_ID}.yaml").read_text()
    (rules / "broken.yaml").write_text(text.replace("severity: warning", "severity: fatal"))
    result = lint(root, "--rules-dir", "rules")
    assert result.code == 2 and result.out == ""
    assert "broken.yaml" in result.err and "severity" in result.err and "fatal" in result.err


def test_rule_id_clash_with_builtin_exits_2(tmp_path):
    root = project(tmp_path)
    good_pair(root / "postfix")
    rules = root / "rules"
    rules.mkdir()
    text = (EXAMPLE_RULES / f"{EXAMPLE_ID}.yaml").read_text()
    (rules / "clash.yaml").write_text(text.replace(f"id: {EXAMPLE_ID}", "id: parse-error"))
    result = lint(root, "--rules-dir", "rules")
    assert result.code == 2 and "clash.yaml" in result.err and "already defined" in result.err


def test_missing_rules_dir_exits_2(tmp_path):
    root = project(tmp_path)
    result = lint(root, "--rules-dir", "nope")
    assert result.code == 2 and "nope: rules directory not found" in result.err


def test_rules_command_lists_user_rules(tmp_path):
    from lint_helpers import smtplint

    result = smtplint(tmp_path, "rules", "--rules-dir", str(EXAMPLE_RULES))
    assert result.code == 0 and EXAMPLE_ID in result.out
