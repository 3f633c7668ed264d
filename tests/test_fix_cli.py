"""``smtplint lint --fix`` / ``--diff`` through the real command line: the
golden before/after pair of every rule with a fix, safety labels, writing
(atomic, through symlinks, never over someone else's edit), exit codes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from linter.engine.rules import builtin_rules
from linter.fix.files import read_texts, write_fixed
from linter.postfix.load import ConfigPaths

from conftest import FIXTURES, ROOT
from limits import assert_no_traceback, smtplint_limited
from lint_helpers import lint, lint_process
from unprivileged import as_unprivileged

GOLDENS = FIXTURES / "fix"
RISKY = ROOT / "examples" / "postfix-risky"


def repo(tmp_path: Path, source: Path) -> Path:
    """A git-rooted copy of a fixture pair, without any config file."""
    (tmp_path / ".git").mkdir(parents=True)
    for path in source.iterdir():
        if path.is_file():
            shutil.copyfile(path, tmp_path / path.name)
    return tmp_path


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


GOLDEN_RULES = sorted(p.name for p in GOLDENS.iterdir() if p.is_dir())


@pytest.mark.parametrize("rule_id", GOLDEN_RULES)
def test_golden_before_becomes_after(tmp_path, rule_id):
    work = repo(tmp_path, GOLDENS / rule_id / "before")
    result = lint(work, ".", "--fix", "--unsafe-fixes", "--fix-only", rule_id, "-f", "json")
    assert result.code in (0, 1), result.err
    assert snapshot(work) == snapshot(GOLDENS / rule_id / "after")
    assert rule_id not in result.rules()
    assert snapshot(GOLDENS / rule_id / "before") != snapshot(GOLDENS / rule_id / "after")


def _rules_with_edits() -> set[str]:
    """Rules whose findings on their own fixtures carry edits."""
    from linter.lint import lint_pair
    from linter.postfix.load import pair_for

    found = set()
    for directory in (FIXTURES / "rules").glob("*/fires*"):
        pair = pair_for(str(directory))
        if pair.main or pair.master:
            found |= {f.rule for f in lint_pair(pair) if f.fix and f.fix.edits}
    return found


def test_every_rule_with_a_fix_has_a_golden_pair():
    lint_rules = {rule.id for rule in builtin_rules() if rule.stage == "lint"}
    assert (_rules_with_edits() & lint_rules) - set(GOLDEN_RULES) == set()


def test_every_rule_page_documents_its_fix_safety():
    for rule in builtin_rules():
        page = (ROOT / "docs" / "rules" / f"{rule.id}.md").read_text()
        assert "Fix safety" in page, rule.id


def test_fix_applies_safe_fixes_only_and_reports_what_remains(tmp_path):
    work = repo(tmp_path, RISKY)
    before = snapshot(work)
    result = lint(work, ".", "--fix")
    assert result.code == 1
    assert "fixed 2 findings in 1 file" in result.out
    assert "--unsafe-fixes applies them" in result.out
    after = snapshot(work)
    assert after["main.cf"] == before["main.cf"]           # every main.cf fix is unsafe
    master = after["master.cf"].decode()
    assert "-o smtpd_sasl_type=dovecot" in master           # -o syntax repaired
    assert "\nsubmissions inet" in master                   # smtps renamed
    assert "  fix (unsafe: --fix --unsafe-fixes):" in result.out
    again = lint(work, ".", "--fix")
    assert snapshot(work) == after and "fixed 0 findings" in again.out


def test_fix_with_unsafe_fixes_leaves_nothing_and_changes_nothing_twice(tmp_path):
    work = repo(tmp_path, RISKY)
    result = lint(work, ".", "--fix", "--unsafe-fixes")
    assert result.code == 0, result.out
    assert "0 remain" in result.out
    fixed = snapshot(work)
    mtimes = {p.name: p.stat().st_mtime_ns for p in work.iterdir() if p.is_file()}
    assert lint(work, ".", "--fix", "--unsafe-fixes").code == 0
    assert snapshot(work) == fixed
    assert {p.name: p.stat().st_mtime_ns for p in work.iterdir() if p.is_file()} == mtimes
    # every comment line survived
    for name, data in snapshot(RISKY).items():
        comments = [l for l in data.decode().splitlines() if l.lstrip().startswith("#")]
        assert all(line in fixed[name].decode().splitlines() for line in comments)


def test_diff_prints_the_change_and_writes_nothing(tmp_path):
    work = repo(tmp_path, RISKY)
    before = snapshot(work)
    result = lint(work, ".", "--diff", "--unsafe-fixes")
    assert result.code == 1
    assert result.out.startswith("--- a/")
    assert "+  -o smtpd_sasl_type=dovecot" in result.out
    assert snapshot(work) == before
    # the diff is exactly what --fix then writes
    patch = result.out
    lint(work, ".", "--fix", "--unsafe-fixes")
    check = repo(tmp_path / "check", RISKY)
    applied = subprocess.run(["patch", "-p1", "-s"], input=patch, text=True, cwd=check,
                             capture_output=True, check=False)
    assert applied.returncode == 0, applied.stderr
    assert snapshot(check) == snapshot(work)


def test_diff_on_a_clean_configuration_is_empty_and_exits_0(tmp_path):
    work = repo(tmp_path, ROOT / "examples" / "postfix")
    result = lint(work, ".", "--diff", "--unsafe-fixes")
    assert (result.code, result.out) == (0, "")


def test_fix_only_and_the_config_key_limit_the_rules(tmp_path):
    work = repo(tmp_path, RISKY)
    lint(work, ".", "--fix", "--unsafe-fixes", "--fix-only", "smtps-legacy-service-name")
    master = (work / "master.cf").read_text()
    assert "\nsubmissions inet" in master and "sasl_type = dovecot" in master
    (work / ".smtplint.yml").write_text("fix_only: [master-option-syntax]\n")
    lint(work, ".", "--fix", "--unsafe-fixes")
    assert "-o smtpd_sasl_type=dovecot" in (work / "master.cf").read_text()
    assert "smtpd_tls_auth_only" not in (work / "main.cf").read_text()


def test_crlf_and_a_missing_final_newline_survive(tmp_path):
    work = repo(tmp_path, RISKY)
    for name in ("main.cf", "master.cf"):
        path = work / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n").rstrip(b"\r\n"))
    lint(work, ".", "--fix", "--unsafe-fixes")
    for name in ("main.cf", "master.cf"):
        data = (work / name).read_bytes()
        assert b"\n" not in data.replace(b"\r\n", b""), name
        assert b"\r" not in data.replace(b"\r\n", b""), name
        assert not data.endswith(b"\n"), name


def test_a_crlf_file_whose_unended_last_line_is_removed_keeps_no_stray_cr(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.cf").write_bytes(b"compatibility_level = 3.6\r\n")
    (tmp_path / "master.cf").write_bytes(b"smtp inet n - y - - smtpd\r\n"
                                         b"  -o smtpd_sasl_auth_enable=yes")
    lint(tmp_path, ".", "--fix", "--unsafe-fixes", "--fix-only", "mx-sasl-enabled")
    assert (tmp_path / "master.cf").read_bytes() == b"smtp inet n - y - - smtpd"


def test_a_symlinked_file_is_written_through_to_its_target(tmp_path):
    work = repo(tmp_path / "w", RISKY)
    real = tmp_path / "w" / "real"
    real.mkdir()
    (work / "master.cf").rename(real / "master.cf")
    (work / "master.cf").symlink_to("real/master.cf")
    lint(work, ".", "--fix")
    assert (work / "master.cf").is_symlink()
    assert "\nsubmissions inet" in (real / "master.cf").read_text()


def test_a_read_only_file_is_an_error_and_the_others_are_fixed(tmp_path):
    first = repo(tmp_path / "a", RISKY)
    second = tmp_path / "b"
    second.mkdir()
    for name in ("main.cf", "master.cf"):
        shutil.copyfile(RISKY / name, second / name)
    os.chmod(first / "master.cf", 0o444)
    os.chmod(first, 0o555)   # no temporary file beside it either
    try:
        result = subprocess.run(
            as_unprivileged([sys.executable, "-m", "linter", "lint", "--fix", "a", "b"]),
            cwd=tmp_path, capture_output=True, text=True, check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.chmod(first, 0o755)
    assert result.returncode == 2, result.stderr
    assert "a/master.cf: cannot write" in result.stderr
    assert "fixed 2 findings in 1 file;" in result.stdout    # b's two, not a's
    assert "\nsubmissions inet" in (second / "master.cf").read_text()
    assert (first / "master.cf").read_bytes() == (RISKY / "master.cf").read_bytes()


def test_a_file_changed_on_disk_after_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "main.cf"
    path.write_text("a = 1\n")
    texts, read = read_texts([ConfigPaths(str(path), None)])
    path.write_text("a = 2\n")          # someone else's edit
    errors = write_fixed({str(path): "a = 3\n"}, read)
    assert len(errors) == 1 and "not written" in errors[str(path)]
    assert path.read_text() == "a = 2\n"


def test_an_edit_made_while_fixing_wins_and_the_run_exits_2(tmp_path, monkeypatch):
    import linter.fix.command as command

    work = repo(tmp_path, RISKY)
    read = command.read_texts

    def read_then_edited(pairs):
        texts = read(pairs)
        with open(work / "master.cf", "a") as handle:
            handle.write("# someone else's edit\n")
        return texts

    monkeypatch.setattr(command, "read_texts", read_then_edited)
    result = lint(work, ".", "--fix")
    assert result.code == 2
    assert "master.cf: changed on disk since it was read" in result.err
    assert (work / "master.cf").read_bytes() == \
        (RISKY / "master.cf").read_bytes() + b"# someone else's edit\n"
    assert "fixed 0 findings in 0 files;" in result.out


def test_a_pair_with_a_parse_error_is_never_rewritten(tmp_path):
    work = repo(tmp_path, RISKY)
    with open(work / "main.cf", "a") as handle:
        handle.write("this line has no equals sign\n")
    before = snapshot(work)
    result = lint(work, ".", "--fix", "--unsafe-fixes")
    assert snapshot(work) == before
    assert "not fixed: the configuration has a parse error" in result.err


def test_fixing_a_file_with_thousands_of_diagnostics_takes_linear_time(tmp_path):
    """--fix counts each pass's undefined-parameter diagnostics by service:
    each finds its entry by bisection (a scan of every service for every
    diagnostic took over 30 s here)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "master.cf").write_text("".join(
        f"s{i} unix - - n - - smtp -o smtp_helo_name=$undef_{i}\n" for i in range(25_000)))
    (tmp_path / "main.cf").write_text("compatibility_level = 3.6\nsmtpd_use_tls = yes\n")
    result = smtplint_limited("lint", "--fix", "-qq", ".", cwd=tmp_path, seconds=25,
                              memory_mb=1200)
    assert_no_traceback(result)
    assert result.code == 0
    assert "smtpd_use_tls" not in (tmp_path / "main.cf").read_text()


def test_fixing_thousands_of_duplicate_definitions_takes_linear_time(tmp_path):
    """Each duplicate's removal finds its own definition by (name, line):
    a scan of every definition of the name per removal took 121 s for
    20,000 duplicates."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "main.cf").write_text("compatibility_level = 3.6\n" + "".join(
        f"smtpd_tls_loglevel = {i % 2}\n" for i in range(10_000)))
    (tmp_path / "master.cf").write_text("smtp inet n - n - - smtpd\n")
    result = smtplint_limited("lint", "--fix", "--unsafe-fixes", "-qq", ".", cwd=tmp_path,
                              seconds=15, memory_mb=900)
    assert_no_traceback(result)
    assert (tmp_path / "main.cf").read_text() == ("compatibility_level = 3.6\n"
                                                 "smtpd_tls_loglevel = 1\n")


def test_fix_refuses_standard_input_and_diff_takes_it(tmp_path):
    work = repo(tmp_path, RISKY)
    text = (RISKY / "master.cf").read_text()
    refused = lint_process(work, "--fix", "-", "--stdin-filename", "master.cf", stdin=text)
    assert refused.code == 2 and "standard input" in refused.err
    diff = lint_process(work, "--diff", "-", "--stdin-filename", "master.cf", stdin=text)
    assert diff.code == 1 and "+  -o smtpd_sasl_type=dovecot" in diff.out
    assert (work / "master.cf").read_text() == text
