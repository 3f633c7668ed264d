"""``.smtplint-ignore``: generated from the current findings, applied to the
next runs, so only new problems fail."""

from __future__ import annotations

import os
import time

from lint_helpers import bad_pair, lint, project

RULE = "submission-tls-not-required"


def test_generate_then_only_new_findings_fail(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "old")
    generated = lint(root, "--generate-ignore")
    assert generated.code == 0 and generated.out == ""
    ignore = root / ".smtplint-ignore"
    entries = [line for line in ignore.read_text().splitlines() if not line.startswith("#")]
    assert entries == [f"old/master.cf {RULE}"]
    assert lint(root).code == 0                      # the old problem is accepted
    bad_pair(root / "new")
    result = lint(root, "--format", "json")
    assert result.code == 1
    assert {f["path"] for f in result.json()["findings"]} == {os.path.join("new", "master.cf")}


def test_generate_is_sorted_deduplicated_and_not_rewritten_when_unchanged(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "b")
    bad_pair(root / "a")
    (root / "a" / "main.cf").write_text("myhostname mail\nmydomain example\n")
    lint(root, "--generate-ignore")
    ignore = root / ".smtplint-ignore"
    entries = [line for line in ignore.read_text().splitlines() if not line.startswith("#")]
    assert entries == sorted(set(entries)) and "a/main.cf parse-error" in entries
    assert entries.count("a/main.cf parse-error") == 1
    old = time.time() - 100
    os.utime(ignore, (old, old))
    again = lint(root, "--generate-ignore")
    assert again.code == 0 and "unchanged" in again.err
    assert ignore.stat().st_mtime == old


def test_baseline_paths_are_relative_to_the_root_not_the_cwd(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "etc" / "postfix")
    (root / ".smtplint-ignore").write_text(f"# adopted 2024\netc/postfix/master.cf {RULE}\n")
    assert lint(root / "etc", "postfix").code == 0
    assert lint(root).code == 0


def test_malformed_ignore_file_exits_2_with_line(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (root / ".smtplint-ignore").write_text("# ok\npostfix/master.cf\n")
    result = lint(root)
    assert result.code == 2
    assert ".smtplint-ignore:2: expected 'path rule-id'" in result.err
