"""Custom rules with --rules-dir (and rules_dir in the config): validated
when loaded, a bad file is exit 2 naming it."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from conftest import ROOT
from limits import assert_no_traceback, run_limited, smtplint_limited
from lint_helpers import good_pair, lint, project, write_config
from unprivileged import as_unprivileged

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


# --- hostile rules directories ---------------------------------------------------------

def _rule_text() -> str:
    return (EXAMPLE_RULES / f"{EXAMPLE_ID}.yaml").read_text()


def _bomb() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    return "\n".join(lines) + "\nid: *a11\n"


def _make(rules, kind):
    rules.mkdir(parents=True, exist_ok=True)
    path = rules / "hostile.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "dangling":
        path.symlink_to("gone.yaml")
    elif kind == "huge":
        path.write_text(_rule_text() + "# " + "x" * (2 * 1024 * 1024) + "\n")
    elif kind == "bomb":
        path.write_text(_bomb())
    elif kind == "deep":
        path.write_text("check: " + "[" * 100_000 + "\n")
    elif kind == "latin-1":
        path.write_bytes(_rule_text().encode() + b"# caf\xe9\n")
    elif kind == "big-number":
        path.write_text(_rule_text() + "extra: " + "9" * 5000 + "\n")
    elif kind == "bad-date":
        path.write_text(_rule_text().replace("severity: warning", "severity: 2001-13-45"))
    elif kind == "huge-value":
        path.write_text(_rule_text().replace("severity: warning",
                                             "severity: '" + "W" * 500_000 + "'"))
    elif kind == "not-a-mapping":
        path.write_text("- just\n- a list\n")
    elif kind == "merge":
        path.write_text(_rule_text() + "base: &b {x: 1}\nmore:\n  <<: *b\n")
    return path


@pytest.mark.parametrize("kind, says", [
    ("fifo", "hostile.yaml: is a FIFO (named pipe), not a regular file"),
    ("device", "hostile.yaml: is a character device, not a regular file"),
    ("dangling", "hostile.yaml: is a dangling symbolic link to 'gone.yaml'"),
    ("huge", "hostile.yaml: is 2.0 MB, larger than the 1 MB smtplint reads"),
    ("bomb", "hostile.yaml:2:10: aliases (*a0) are not allowed"),
    ("deep", "hostile.yaml:1:"),
    ("latin-1", "not UTF-8 (byte 0xe9)"),
    ("big-number", "not valid YAML: a number 5000 characters long"),
    ("bad-date", "hostile.yaml:4: severity: '2001-13-45' is not one of"),
    ("huge-value", "is not one of"),
    ("not-a-mapping", "hostile.yaml:1: (top level): "),
    ("merge", "aliases (*b) are not allowed"),
])
def test_hostile_rule_file_exits_2_located(tmp_path, kind, says):
    root = project(tmp_path)
    good_pair(root / "postfix")
    _make(root / "rules", kind)
    result = smtplint_limited("lint", "--rules-dir", "rules", cwd=root, seconds=30,
                              memory_mb=500)
    assert_no_traceback(result)
    assert result.code == 2 and result.out == ""
    assert says in result.err, result.err[:300]
    assert len(result.err) < 500


@pytest.mark.parametrize("kind, says", [
    ("fifo", "rules: is a FIFO (named pipe), not a directory"),
    ("file", "rules: is a regular file, not a directory"),
    ("dangling", "rules: is a dangling symbolic link to 'gone'"),
])
def test_rules_dir_that_is_not_a_directory(tmp_path, kind, says):
    root = project(tmp_path)
    good_pair(root / "postfix")
    if kind == "fifo":
        os.mkfifo(root / "rules")
    elif kind == "file":
        (root / "rules").write_text("x")
    else:
        (root / "rules").symlink_to("gone")
    result = smtplint_limited("lint", "--rules-dir", "rules", cwd=root, seconds=20,
                              memory_mb=400)
    assert_no_traceback(result)
    assert result.code == 2 and says in result.err


def test_unlistable_rules_subdirectory_exits_2(tmp_path):
    root = project(tmp_path)
    good_pair(root / "postfix")
    locked = root / "rules" / "team"
    locked.mkdir(parents=True)
    shutil.copy(EXAMPLE_RULES / f"{EXAMPLE_ID}.yaml", locked)
    locked.chmod(0)
    try:
        result = run_limited(as_unprivileged([sys.executable, "-m", "linter", "lint",
                                              "--rules-dir", "rules"]),
                             cwd=root, seconds=20, memory_mb=400)
    finally:
        locked.chmod(0o755)
    assert_no_traceback(result)
    assert result.code == 2 and "team: cannot be listed: Permission denied" in result.err


def test_linked_rule_directories_are_read_once_and_loops_end(tmp_path):
    root = project(tmp_path)
    _without_syslog_name(good_pair(root / "postfix"))
    rules = root / "rules"
    shutil.copytree(EXAMPLE_RULES, rules / "real")
    (rules / "again").symlink_to("real")
    (rules / "real" / "loop").symlink_to("..")
    result = lint(root, "--rules-dir", "rules", "-f", "json")
    assert result.code == 0, result.err
    assert result.rules().count(EXAMPLE_ID) == 1
