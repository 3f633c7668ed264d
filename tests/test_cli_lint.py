"""``smtplint lint`` end to end: exit codes, options, formats, output file,
broken files, and the ``rules`` and ``explain`` commands."""

from __future__ import annotations

import json
import os
import time

from lint_helpers import (
    bad_pair,
    good_pair,
    lint,
    lint_process,
    project,
    smtplint,
    submission_line,
    write_config,
)

RULE = "submission-tls-not-required"


def test_clean_configuration_exits_0(tmp_path):
    root = project(tmp_path)
    good_pair(root / "postfix")
    result = lint_process(root)
    assert result.code == 0, result.out + result.err
    assert "0 errors" in result.out and "2 files" in result.out


def test_failing_finding_exits_1_with_location(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    result = lint_process(root, "postfix")
    assert result.code == 1
    assert f"postfix/master.cf:{submission_line(directory)}:1: error {RULE}" in result.out


def test_usage_errors_exit_2(tmp_path):
    root = project(tmp_path)
    assert lint(root, "does-not-exist").code == 2
    assert lint(root, "--postfix-version", "2.11", ".").code == 2
    assert lint(root, "--format", "xml", ".").code == 2
    missing = lint(root, "nowhere/main.cf")
    assert missing.code == 2 and "nowhere/main.cf: no such file" in missing.err


def test_strict_makes_warnings_fail(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    write_config(root, f"warn_list: [{RULE}]\n")
    relaxed = lint(root, "--format", "json")
    assert relaxed.code == 0
    assert [f["severity"] for f in relaxed.json()["findings"] if f["rule"] == RULE] == ["warning"]
    assert lint(root, "--strict").code == 1


def test_profile_filters_rules(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    assert lint(root, "--profile", "basic").code == 1
    only_min = lint(root, "--profile", "min", "--format", "json")
    assert only_min.code == 0 and RULE not in only_min.rules()


def test_json_shape(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    document = lint(root, "--format", "json").json()
    assert set(document) == {"tool", "findings", "notifications", "summary"}
    assert document["notifications"] == [] and document["summary"]["complete"] is True
    assert document["tool"]["name"] == "smtplint" and document["tool"]["version"]
    finding = next(f for f in document["findings"] if f["rule"] == RULE)
    assert finding["path"] == os.path.join("postfix", "master.cf")
    assert finding["severity"] == "error" and finding["service"] == "submission/inet"
    assert document["summary"]["failed"] is True


def test_github_format_chosen_on_github_actions(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    automatic = lint(root, env={"GITHUB_ACTIONS": "true"})
    assert automatic.out.startswith("::error ")
    assert RULE in automatic.out
    explicit = lint(root, "--format", "brief", env={"GITHUB_ACTIONS": "true"})
    assert "::error" not in explicit.out and RULE in explicit.out


def test_output_file_is_written_atomically_and_only_when_changed(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    report = root / "report.json"
    assert lint(root, "--format", "json", "--output", "report.json").code == 1
    first = report.read_text()
    assert RULE in first
    old = time.time() - 100
    os.utime(report, (old, old))
    result = lint(root, "--format", "json", "--output", "report.json")
    assert result.code == 1 and result.out == ""
    assert report.stat().st_mtime == old          # unchanged: not rewritten
    assert [p.name for p in root.iterdir() if p.name.startswith(".smtplint-")] == []
    good_pair(root / "postfix")
    assert lint(root, "--format", "json", "--output", "report.json").code == 0
    assert report.stat().st_mtime != old and RULE not in report.read_text()


def test_colour_only_on_request(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    assert "\x1b[" not in lint(root).out                 # not a terminal
    assert "\x1b[" in lint(root, env={"FORCE_COLOR": "1"}).out
    assert "\x1b[" not in lint(root, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).out
    assert "\x1b[" not in lint(root, "--no-color", env={"FORCE_COLOR": "1"}).out


def test_broken_file_is_reported_and_the_others_still_linted(tmp_path):
    root = project(tmp_path)
    (root / "broken").mkdir()
    (root / "broken" / "main.cf").write_bytes(b"myhostname mail.example.com\n\xff\xfe\n")
    bad = bad_pair(root / "bad")
    result = lint_process(root, "--format", "json")
    assert result.code == 1, result.err
    found = {(f["path"], f["rule"]) for f in result.json()["findings"]}
    assert (os.path.join("broken", "main.cf"), "parse-error") in found
    assert (os.path.join("bad", "master.cf"), RULE) in found
    assert result.json()["summary"]["files"] == 3
    assert bad.exists() and result.err == ""


def test_yaml_files_are_accepted_and_ignored(tmp_path):
    root = project(tmp_path)
    (root / "app.yml").write_text("smtp: {host: mail.example.org, port: 587}\n")
    result = lint(root, "app.yml")
    assert result.code == 0 and result.err == ""


def test_rules_command_lists_and_filters(tmp_path):
    table = smtplint(tmp_path, "rules")
    assert table.code == 0 and RULE in table.out and "parse-error" in table.out
    rows = json.loads(smtplint(tmp_path, "rules", "--tag", "syntax", "--format", "json").out)
    assert rows and all("syntax" in row["tags"] for row in rows)
    assert set(rows[0]) == {"id", "severity", "profile", "tags", "summary"}
    minimal = json.loads(smtplint(tmp_path, "rules", "--profile", "min", "-f", "json").out)
    assert all(row["profile"] == "min" for row in minimal)
    assert RULE not in [row["id"] for row in minimal]
    wrong = smtplint(tmp_path, "rules", "--profile", "prod")
    assert wrong.code == 2 and wrong.err.startswith("smtplint: error: argument -p/--profile")


def test_explain_prints_markdown_and_suggests_on_typo(tmp_path):
    page = smtplint(tmp_path, "explain", RULE)
    assert page.code == 0 and page.out.startswith(f"# {RULE}\n")
    assert "## Fix" in page.out
    typo = smtplint(tmp_path, "explain", "submision-tls-not-required")
    assert typo.code == 2
    assert f"did you mean '{RULE}'" in typo.err


def test_version_fast_path(tmp_path):
    result = lint_process(tmp_path, command="--version")
    assert result.code == 0 and result.out.startswith("smtplint ")


def test_nothing_to_lint_passes_with_a_note(tmp_path):
    root = project(tmp_path)
    result = lint(root)
    assert result.code == 0 and "note: no main.cf or master.cf found in ." in result.out
    assert "0 files" in result.out


def test_a_crashing_rule_is_exit_2_and_the_other_configurations_are_linted(tmp_path,
                                                                           monkeypatch):
    """A rule that raises mid-lint (here a message naming a field no finding
    has, let past the load-time check that normally refuses it): that pair is
    reported as an internal error, the next pair still gets its findings."""
    from conftest import ROOT

    import linter.engine.rules as rules_module

    monkeypatch.setattr(rules_module, "template_problem", lambda template, known: None)

    root = project(tmp_path)
    crash = good_pair(root / "a-crash")
    text = (crash / "master.cf").read_text()
    (crash / "master.cf").write_text(text.replace("  -o syslog_name=postfix/submission\n", ""))
    bad_pair(root / "b-bad")
    rules = root / "rules"
    rules.mkdir()
    rule = (ROOT / "docs" / "examples" / "rules" / "submission-syslog-name.yaml").read_text()
    rule = rule.replace("message: \"{service} logs as", "message: \"{no_such_field} logs as")
    (rules / "submission-syslog-name.yaml").write_text(rule)
    result = lint(root, "--rules-dir", "rules", "--format", "json")
    assert result.code == 2
    assert "a-crash/main.cf + a-crash/master.cf: internal error: KeyError" in result.err
    document = result.json()
    assert {f["path"] for f in document["findings"]} == {"b-bad/master.cf"}
    assert document["summary"]["complete"] is False and document["summary"]["failed"] is True
    (note,) = document["notifications"]
    assert note["level"] == "error" and note["path"] == "a-crash/main.cf"
    assert note["message"].startswith("internal error: KeyError")
