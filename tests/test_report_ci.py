"""Every format as CI consumes it, from a subdirectory of a scratch git
repository: paths relative to the repository root, one run writing several
reports, fingerprints that survive unrelated edits, incomplete runs that
no format calls a pass."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import ROOT, corpus_dir, requires_corpus
from consumers import (
    assert_github_code_scanning,
    assert_gitlab_code_quality,
    assert_valid_junit,
    workflow_commands,
)
from lint_helpers import GIT_ENV, lint, lint_process

RISKY = ROOT / "examples" / "postfix-risky"
FINDINGS_SCHEMA = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())


def assert_findings_schema(text: str) -> dict:
    import jsonschema

    document = json.loads(text)
    jsonschema.Draft202012Validator(FINDINGS_SCHEMA).validate(document)
    return document
MACHINE_FORMATS = ("json", "sarif", "codeclimate", "github", "junit")


def git_repository(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})
    return path


@pytest.fixture
def repo(tmp_path) -> Path:
    """A real git repository with the risky example at ops/postfix/, plus a
    parameter set twice so that main.cf has a finding too."""
    root = git_repository(tmp_path / "repo")
    shutil.copytree(RISKY, root / "ops" / "postfix")
    with open(root / "ops" / "postfix" / "main.cf", "a") as main:
        main.write("smtpd_sasl_path = private/auth\n")
    return root


def paths_in(output_format: str, text: str) -> set[str]:
    """Every file path a report names, as its consumer reads it."""
    if output_format == "json":
        return {finding["path"] for finding in json.loads(text)["findings"]}
    if output_format == "sarif":
        locations = [result["locations"][0]["physicalLocation"]["artifactLocation"]
                     for result in json.loads(text)["runs"][0]["results"]]
        assert all(location["uriBaseId"] == "%SRCROOT%" for location in locations)
        return {location["uri"] for location in locations}
    if output_format == "codeclimate":
        return {issue["location"]["path"] for issue in json.loads(text)}
    if output_format == "github":
        return {properties["file"] for _, properties, _ in workflow_commands(text)
                if "file" in properties}
    if output_format == "junit":
        return {case.get("name").split(":", 1)[0] for case in ET.fromstring(text).iter("testcase")}
    raise AssertionError(output_format)


@pytest.mark.parametrize("cwd", ["ops/postfix", "ops", "."])
def test_machine_formats_name_files_from_the_repository_root(repo, cwd):
    where = repo / cwd
    target = os.path.relpath(repo / "ops" / "postfix", where)
    for output_format in MACHINE_FORMATS:
        result = lint(where, target, "--format", output_format)
        assert result.code == 1, (output_format, result.err)
        assert paths_in(output_format, result.out) == {"ops/postfix/main.cf",
                                                       "ops/postfix/master.cf"}, output_format
    text = lint(where, target)
    first = text.out.splitlines()[0]
    assert first.startswith(os.path.join(target, "main.cf") if target != "." else "main.cf")


def test_every_consumer_accepts_one_run_with_several_reports(repo):
    """Text on the terminal and every machine format written to files in
    the same run, each checked against its consumer."""
    where = repo / "ops" / "postfix"
    reports = {name: repo / "reports" / f"smtplint.{name}" for name in MACHINE_FORMATS}
    (repo / "reports").mkdir()
    args = [arg for name, path in reports.items()
            for arg in ("--output-format", f"{name}={path}")]
    result = lint_process(where, *args)
    assert result.code == 1, result.err
    assert "master.cf:2:1: error submission-tls-not-required" in result.out   # text, cwd
    texts = {name: path.read_text() for name, path in reports.items()}
    sarif = json.loads(texts["sarif"])
    assert_github_code_scanning(sarif)
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.as_uri() + "/"
    assert run["invocations"][0]["executionSuccessful"] is True
    assert_gitlab_code_quality(texts["codeclimate"])
    assert_valid_junit(texts["junit"])
    assert_findings_schema(texts["json"])
    assert workflow_commands(texts["github"])[0][1]["title"] == "smtplint failed"
    for name, text in texts.items():
        assert paths_in(name, text) == {"ops/postfix/main.cf", "ops/postfix/master.cf"}, name
    # the same findings in every report
    counts = {len(json.loads(texts["json"])["findings"]),
              len(sarif["runs"][0]["results"]), len(json.loads(texts["codeclimate"])),
              len(workflow_commands(texts["github"])) - 1}
    assert len(counts) == 1


def test_project_root_option_and_ci_variables(repo):
    where = repo / "ops" / "postfix"
    explicit = lint(where, ".", "--format", "json", "--project-root", "..")
    assert paths_in("json", explicit.out) == {"postfix/main.cf", "postfix/master.cf"}
    workspace = lint(where, ".", "--format", "json",
                     env={"GITHUB_WORKSPACE": str(repo / "ops")})
    assert paths_in("json", workspace.out) == {"postfix/main.cf", "postfix/master.cf"}
    gitlab = lint(where, ".", "--format", "json", env={"CI_PROJECT_DIR": str(where)})
    assert paths_in("json", gitlab.out) == {"main.cf", "master.cf"}
    elsewhere = lint(where, ".", "--format", "json", env={"GITHUB_WORKSPACE": "/nonexistent"})
    assert paths_in("json", elsewhere.out) == {"ops/postfix/main.cf", "ops/postfix/master.cf"}
    bad = lint(where, ".", "--project-root", "nope")
    assert bad.code == 2 and "--project-root nope: not a directory" in bad.err


def test_a_file_outside_the_root_keeps_its_absolute_path(tmp_path, repo):
    outside = tmp_path / "elsewhere"
    shutil.copytree(RISKY, outside)
    result = lint(repo, str(outside), "--format", "sarif")
    document = json.loads(result.out)
    assert_github_code_scanning(document)
    locations = {json.dumps(r["locations"][0]["physicalLocation"]["artifactLocation"])
                 for r in document["runs"][0]["results"]}
    # one finding per cause: main.cf causes are located in main.cf
    assert {json.loads(location)["uri"] for location in locations} == {
        (outside / name).as_uri() for name in ("main.cf", "master.cf")}
    assert all("uriBaseId" not in json.loads(location) for location in locations)


# fingerprints -------------------------------------------------------------

def fingerprints(root: Path, target: str = ".") -> dict[str, str]:
    """GitLab fingerprint -> rule, and SARIF's must be the same set."""
    issues = assert_gitlab_code_quality(lint(root, target, "--format", "codeclimate").out)
    sarif = json.loads(lint(root, target, "--format", "sarif").out)
    assert {result["partialFingerprints"]["primaryLocationLineHash"]
            for result in sarif["runs"][0]["results"]} == {i["fingerprint"] for i in issues}
    return {issue["fingerprint"]: issue["check_name"] for issue in issues}


def add_comment_at_top(directory: Path) -> None:
    for name in ("main.cf", "master.cf"):
        path = directory / name
        if path.exists():
            path.write_bytes(b"# reviewed by the mail team\n#\n" + path.read_bytes())


def reverse_master_entries(directory: Path) -> None:
    """Reorder master.cf: the same entries, last first."""
    path = directory / "master.cf"
    blocks: list[list[str]] = []
    for line in path.read_text(errors="surrogateescape").splitlines(keepends=True):
        if line[:1] in (" ", "\t") and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    text = "".join("".join(block) for block in reversed(blocks))
    path.write_text(text if text.endswith("\n") else text + "\n", errors="surrogateescape")


def change_unrelated_value(directory: Path) -> None:
    path = directory / "main.cf"
    path.write_text(path.read_text(errors="surrogateescape").replace(
        "myhostname = mail.example.org", "myhostname = mx1.example.org") +
        "smtp_helo_timeout = 301s\n", errors="surrogateescape")


@pytest.mark.parametrize("edit", [add_comment_at_top, reverse_master_entries,
                                  change_unrelated_value])
def test_unrelated_edits_keep_every_fingerprint(repo, edit):
    where = repo / "ops" / "postfix"
    before = fingerprints(where)
    assert len(before) >= 10
    edit(where)
    assert fingerprints(where) == before


def test_fingerprints_change_with_what_identifies_a_finding(repo):
    where = repo / "ops" / "postfix"
    before = fingerprints(where)
    moved = repo / "ops" / "moved"
    shutil.move(where, moved)
    after = fingerprints(moved)
    assert set(after).isdisjoint(before)            # another file is another finding
    assert sorted(after.values()) == sorted(before.values())


@requires_corpus
def test_a_comment_at_the_top_keeps_fingerprints_on_the_corpus(tmp_path):
    """Every real configuration: one comment line at the top of each file
    changes no fingerprint (it used to change 14 of 15)."""
    pairs = sorted(p for p in (corpus_dir() / "postfix").iterdir() if p.is_dir())
    assert len(pairs) > 20
    changed = {}
    for pair in pairs:
        root = git_repository(tmp_path / pair.name)
        shutil.copytree(pair, root / "postfix")
        before = fingerprints(root, "postfix")
        add_comment_at_top(root / "postfix")
        after = fingerprints(root, "postfix")
        if after != before:
            changed[pair.name] = (len(before), len(set(before) - set(after)))
    assert changed == {}


# incomplete runs ----------------------------------------------------------

def test_an_incomplete_run_passes_in_no_format(repo, monkeypatch):
    """A crashing custom rule: the pair it crashes on is not linted. Exit 2,
    and every format says the run did not pass. (The rule names a field no
    finding has; the load-time check that refuses it is switched off so the
    rule crashes mid-lint, as a rule bug would.)"""
    import linter.engine.rules as rules_module

    monkeypatch.setattr(rules_module, "template_problem", lambda template, known: None)
    rules = repo / "rules"
    rules.mkdir()
    text = (ROOT / "docs" / "examples" / "rules" / "submission-syslog-name.yaml").read_text()
    (rules / "crash.yaml").write_text(
        text.replace('message: "{service} logs as', 'message: "{no_such_field} logs as'))
    clean = repo / "clean"
    shutil.copytree(ROOT / "examples" / "postfix", clean)
    master = clean / "master.cf"
    master.write_text(master.read_text().replace("  -o syslog_name=postfix/submission\n", ""))
    args = ("clean", "--rules-dir", "rules", "--skip", "tls-cert-missing")
    seen = {}
    for output_format in (*MACHINE_FORMATS, "text", "brief"):
        result = lint(repo, *args, "--format", output_format, "--exit-zero")
        assert result.code == 2, (output_format, result.out, result.err)
        seen[output_format] = result.out
    assert "incomplete" in seen["text"].splitlines()[-1] and "passed" not in seen["text"]
    assert "error: run-incomplete internal error: KeyError" in seen["brief"]
    document = assert_findings_schema(seen["json"])
    assert document["summary"]["complete"] is False and document["summary"]["failed"] is True
    sarif = json.loads(seen["sarif"])
    assert_github_code_scanning(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["level"] == "error"
    assert_valid_junit(seen["junit"])
    assert ET.fromstring(seen["junit"]).get("errors") == "1"
    issues = assert_gitlab_code_quality(seen["codeclimate"])
    assert [issue["severity"] for issue in issues] == ["blocker"]
    assert workflow_commands(seen["github"])[0][1]["title"] == "smtplint incomplete"
    for output_format in ("text", "brief", "github", "junit", "codeclimate"):
        assert "passed" not in seen[output_format].lower(), output_format
