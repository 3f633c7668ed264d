"""The command line: one argparse program with one look for every command,
and the options users expect from ansible-lint and ruff."""

from __future__ import annotations

import json
import os

import pytest
from conftest import ROOT
from lint_helpers import (
    RULE,
    bad_pair,
    good_pair,
    lint,
    lint_process,
    project,
    smtplint,
    submission_line,
)

from linter.cli import COMMANDS

EXAMPLE_RULES = ROOT / "docs" / "examples" / "rules"


# one program --------------------------------------------------------------

@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_everywhere(tmp_path, flag):
    top = smtplint(tmp_path, flag)
    assert top.code == 0 and top.out.startswith("usage: smtplint [-h] [--version] COMMAND")
    for name in COMMANDS:
        assert f"    {name} " in top.out
        page = smtplint(tmp_path, name, flag)
        assert page.code == 0 and page.out.startswith(f"usage: smtplint {name} "), name
        assert page.err == ""


def test_flags_are_shown_with_what_they_take(tmp_path):
    page = smtplint(tmp_path, "lint", "--help").out
    for shown in ("--rules-dir DIR", "--output-format FORMAT[=FILE]", "-x RULE, --skip RULE",
                  "--exclude GLOB", "--stdin-filename NAME", "--project-root DIR",
                  "-q, --quiet", "-v, --verbose", "--exit-zero", "--strict"):
        assert shown in page, shown
    assert "<bool>" not in page and "list[str]" not in page
    assert "--version" in smtplint(tmp_path, "--help").out
    assert "--rules-dir DIR" in smtplint(tmp_path, "rules", "--help").out


@pytest.mark.parametrize("argv,message", [
    ([], "the following arguments are required: COMMAND"),
    (["lnt"], "argument COMMAND: invalid choice: 'lnt'"),
    (["lint", "--bogus"], "unrecognized arguments: --bogus"),
    (["lint", "--format", "xml"], "argument -f/--format: invalid choice: 'xml'"),
    (["lint", "--output-format", "xml=out"], "argument --output-format: unknown format 'xml'"),
    (["show", "--format", "yaml"], "argument -f/--format: invalid choice: 'yaml'"),
    (["rules", "--profile", "prod"], "argument -p/--profile: invalid choice: 'prod'"),
    (["rules", "--tag", "nope"], "--tag 'nope': no rule has this tag; the tags are app, "),
    (["rules", "--tag", "TLS", "-f", "json"], "--tag 'TLS': no rule has this tag"),
    (["explain"], "the following arguments are required: RULE-ID"),
    (["explain", "nope"], "unknown rule 'nope'"),
])
def test_one_error_style(tmp_path, argv, message):
    result = smtplint(tmp_path, *argv)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith(f"smtplint: error: {message}"), result.err


def test_version(tmp_path):
    from linter import __version__

    for argv in (["--version"], ["--version", "--version"]):
        result = smtplint(tmp_path, *argv)
        assert (result.code, result.out) == (0, f"smtplint {__version__}\n")
    fresh = lint_process(tmp_path, command="--version")
    assert fresh.code == 0 and fresh.out == f"smtplint {__version__}\n"


def test_typer_is_gone(tmp_path):
    """Neither the package nor a command imports typer (or pydantic, rich)."""
    text = (ROOT / "pyproject.toml").read_text()
    assert "typer" not in text
    code = ("import sys, linter.cli, linter.lint_command, linter.commands.show, "
            "linter.commands.rules, linter.commands.explain; "
            "sys.exit(bool({'typer', 'pydantic', 'rich'} & set(sys.modules)))")
    import subprocess
    import sys

    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0


# lint options -------------------------------------------------------------

def test_skip_warn_enable_exclude_on_the_command_line(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    bad_pair(root / "legacy")
    assert RULE in lint(root, "--format", "json").rules()
    for flag in ("--skip", "-x"):
        skipped = lint(root, flag, f"mx-tls-required,{RULE}", "--format", "json")
        assert skipped.code == 0 and RULE not in skipped.rules()
    tagged = lint(root, "-x", "tls", "--format", "json")       # a tag skips its rules
    assert tagged.code == 0 and RULE not in tagged.rules()
    warned = lint(root, "--warn", RULE, "--format", "json")
    assert warned.code == 0
    assert {f["severity"] for f in warned.json()["findings"] if f["rule"] == RULE} == {"warning"}
    excluded = lint(root, "--exclude", "legacy", "--format", "json")
    assert {f["path"] for f in excluded.json()["findings"]} == {"postfix/master.cf"}
    from_below = lint(root / "postfix", "..", "--exclude", "../legacy", "--format", "json")
    assert {f["path"] for f in from_below.json()["findings"]} == {"postfix/master.cf"}


@pytest.mark.parametrize("argv,message", [
    (["-x", "tls-weak-cipher"], "--skip 'tls-weak-cipher': no rule or tag of that name "
                                "(did you mean 'tls-weak-ciphers'?)"),
    (["--skip", f"tls,{RULE}x"], f"--skip '{RULE}x': no rule or tag of that name"),
    (["--warn", "zzz"], "--warn 'zzz': no rule or tag of that name; see smtplint rules"),
    (["--enable", "TLS"], "--enable 'TLS': no rule or tag of that name"),
    (["--fix-only", "tls", "--diff"], "--fix-only 'tls': no rule of that name"),
    (["-x", "mx-tls-required[x]"], "--skip 'mx-tls-required[x]': no rule or tag"),
    (["--warn", "a\x1b[31mb"], "--warn 'a\\x1b[31mb': no rule or tag"),
])
def test_a_rule_or_tag_that_names_nothing_is_a_usage_error(tmp_path, argv, message):
    """A typo in -x would otherwise skip nothing and say nothing."""
    root = project(tmp_path)
    bad_pair(root / "postfix")
    result = lint(root, *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"smtplint: error: {message}"), result.err


def test_selectors_that_name_a_rule_a_sub_id_or_a_tag_are_accepted(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    for argv in (["-x", "opt-in,security"], ["--warn", "tls-cert-invalid"],
                 ["-x", "tls-cert-invalid[expired]"], ["--enable", "app"],
                 ["--fix-only", "smtps-legacy-service-name", "--diff"]):
        assert lint(root, *argv).code in (0, 1), argv


@pytest.mark.parametrize("argv,message", [
    (["--output-format", "sarif=out", "--output-format", "json=out"],
     "--output-format json=out: --output-format sarif=out already writes that file"),
    (["-f", "json", "-o", "out", "--output-format", "sarif=./out"],
     "--output-format sarif=./out: -o out already writes that file"),
    (["--output-format", "sarif=out", "--output-format", "junit=link"],
     "--output-format junit=link: --output-format sarif=out already writes that file"),
    (["--output-format", "sarif=o\x1b[2J", "-o", "o\x1b[2J"],
     "--output-format sarif=o\\x1b[2J: -o o\\x1b[2J already writes that file"),
    (["--output-format", "sarif", "--output-format", "json"],
     "one format for standard output, not json and sarif"),
    (["-f", "text", "--output-format", "sarif"],
     "one format for standard output, not sarif and text"),
])
def test_two_reports_to_one_place_are_a_usage_error(tmp_path, argv, message):
    """The later would silently replace the earlier: a SARIF upload would
    find JSON, or text where SARIF was asked for."""
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (root / "link").symlink_to("out")
    result = lint(root, *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"smtplint: error: {message}"), result.err
    assert not (root / "out").exists()


def test_one_format_named_twice_for_standard_output_is_fine(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    result = lint(root, "-f", "json", "--output-format", "json",
                  "--output-format", "sarif=out.sarif")
    assert result.code == 1 and result.json()["findings"]
    assert (root / "out.sarif").is_file()


@pytest.mark.parametrize("argv", [[".", "prod/prod.main.cf"],
                                  ["prod/prod.main.cf", "prod/master.cf"]])
def test_a_renamed_pair_is_judged_once(tmp_path, argv):
    """As the pre-commit hook's args (``[., prod/prod.main.cf]``) run it:
    prod's master.cf is not also judged alone against Postfix's defaults."""
    root = project(tmp_path, isolate=False)
    bad_pair(root / "prod")
    (root / "prod" / "main.cf").rename(root / "prod" / "prod.main.cf")
    report = lint(root, *argv, "--format", "json").json()
    places = [(f["path"], f["line"], f["rule"]) for f in report["findings"]]
    assert ("prod/master.cf", submission_line(root / "prod"), RULE) in places
    assert len(places) == len(set(places)), places
    assert not [note for note in report["notifications"] if "master.cf" in note["message"]]
    assert report["summary"]["files"] == 2


def test_enable_runs_opt_in_rules(tmp_path):
    root = project(tmp_path)
    good_pair(root / "postfix")
    master = root / "postfix" / "master.cf"
    master.write_text(master.read_text().replace("  -o syslog_name=postfix/submission\n", ""))
    rules = root / "rules"
    rules.mkdir()
    text = (EXAMPLE_RULES / "submission-syslog-name.yaml").read_text()
    (rules / "opt.yaml").write_text(text.replace("tags: [logging,", "tags: [opt-in, logging,"))
    quiet = lint(root, "--rules-dir", "rules", "--format", "json")
    assert "submission-syslog-name" not in quiet.rules()
    enabled = lint(root, "--rules-dir", "rules", "--enable", "submission-syslog-name",
                   "--format", "json")
    assert "submission-syslog-name" in enabled.rules()


def test_exit_zero(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    assert lint(root).code == 1
    result = lint(root, "--exit-zero")
    assert result.code == 0 and f"error {RULE}" in result.out
    assert lint(root, "--exit-zero", "nowhere").code == 2        # usage errors stay 2


def test_quiet_and_verbose(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    normal = lint(root).out
    assert normal.rstrip().endswith(": failed")
    quiet = lint(root, "-q")
    assert quiet.code == 1 and quiet.out.startswith("postfix/master.cf:")
    assert "failed" not in quiet.out and "errors" not in quiet.out
    assert lint(root, "-qq").out == ""
    assert lint(root, "-qq").code == 1
    verbose = lint(root, "-v")
    assert "project root:" in verbose.err and "rules;" in verbose.err
    good_pair(root / "postfix")
    assert lint(root, "-q").out == "" and lint(root, "-q").code == 0


def test_long_values_are_shortened_in_text_only(tmp_path):
    """A custom rule quoting a 900-character value: text shows its ends
    around an ellipsis, -v and the machine formats show it whole."""
    root = project(tmp_path)
    good_pair(root / "postfix")
    ciphers = ":".join(f"CIPHER-{n:03d}-SHA" for n in range(60))
    master = root / "postfix" / "master.cf"
    master.write_text(master.read_text().replace(
        "  -o syslog_name=postfix/submission\n", f"  -o syslog_name={ciphers}\n"))
    rules = root / "rules"
    rules.mkdir()
    text = (EXAMPLE_RULES / "submission-syslog-name.yaml").read_text()
    (rules / "long.yaml").write_text(text.replace("equals: postfix", f'equals: "{ciphers}"'))
    args = ("--rules-dir", "rules")
    shown = lint(root, *args)
    assert shown.code == 0, shown.err
    (line,) = [line for line in shown.out.splitlines() if "submission-syslog-name" in line]
    assert ciphers not in line and "CIPHER-000-SHA" in line and "CIPHER-059-SHA" in line
    assert "…" in line and len(line) < 300
    assert ciphers in lint(root, *args, "-v").out
    assert ciphers in lint(root, *args, "--format", "json").out
    assert ciphers in lint(root, *args, "--format", "brief").out


def test_brief_keeps_the_severity(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (line,) = lint(root, "--format", "brief").out.splitlines()
    assert line.startswith("postfix/master.cf:") and f": error: {RULE} " in line


def test_colour_off_under_term_dumb(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    assert "\x1b[" in lint(root, env={"FORCE_COLOR": "1"}).out
    assert "\x1b[" not in lint(root, env={"TERM": "dumb"}).out
    assert "\x1b[" in lint(root, env={"TERM": "dumb", "FORCE_COLOR": "1"}).out


def test_notes_are_shown_in_the_summary(tmp_path):
    root = project(tmp_path)
    result = lint(root)
    lines = result.out.splitlines()
    assert lines[0] == "note: no main.cf or master.cf found in ."
    assert lines[-1] == "0 errors, 0 warnings, 0 info in 0 files: passed"


# standard input -----------------------------------------------------------

def test_stdin_with_a_filename_uses_the_sibling_on_disk(tmp_path):
    root = project(tmp_path)
    directory = bad_pair(root / "postfix")
    good = (root / "good.master.cf")
    good_pair(root / "tmp")
    good.write_bytes((root / "tmp" / "master.cf").read_bytes())
    bad_text = (directory / "master.cf").read_bytes()
    # the bad master.cf on standard input, named as the file it will be
    result = lint_process(root, "-", "--stdin-filename", "postfix/master.cf", "--format",
                          "json", stdin=bad_text)
    assert result.code == 1, result.err
    assert {f["path"] for f in result.json()["findings"]} == {"postfix/master.cf"}
    assert result.json()["summary"]["files"] == 2           # with its main.cf sibling
    # the good text under the same name: the file on disk is not read
    fixed = lint_process(root, "-", "--stdin-filename", "postfix/master.cf",
                         stdin=good.read_bytes())
    assert fixed.code == 0, fixed.out + fixed.err


def test_stdin_without_a_filename_is_a_main_cf(tmp_path):
    root = project(tmp_path, isolate=False)
    result = lint_process(root, "-", "--format", "json",
                          stdin="smtpd_tls_wrappermode = yes\nmyhostname = a\nmyhostname = b\n")
    assert result.code == 1, result.err
    paths = {f["path"] for f in result.json()["findings"]}
    assert paths == {"<stdin>"}
    assert "wrappermode-in-main-cf" in result.rules()
    text = lint_process(root, "-", stdin="myhostname = a\n")
    assert text.code == 0 and "in 1 file: passed" in text.out


def test_stdin_misuse(tmp_path):
    root = project(tmp_path)
    assert "needs '-'" in lint(root, "--stdin-filename", "main.cf").err
    assert "once" in lint(root, "-", "-").err


def test_stdin_is_bounded(tmp_path):
    from limits import smtplint_limited

    root = project(tmp_path)
    huge = "# x\n" * (5 * 1024 * 1024)                  # 20 MiB
    result = smtplint_limited("lint", "-", cwd=root, stdin=huge, seconds=60)
    assert result.code == 2 and "larger than 16 MiB" in result.err


# GitHub Actions -----------------------------------------------------------

def test_step_summary_is_appended_when_set(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = lint(root, env=env)
    assert result.code == 1 and result.out.startswith("::error title=smtplint failed::")
    text = summary.read_text()
    assert text.startswith("# earlier step\n## smtplint: ❌ failed")
    assert f"| error | {RULE.replace('-', chr(92) + '-')} |" in text
    lint(root, env=env)
    assert summary.read_text().count("## smtplint") == 2     # appended, not replaced


def test_colour_never_in_files(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    out = root / "report.txt"
    lint(root, "--output-format", f"text={out}", env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in out.read_text()
    assert json.loads(lint(root, "--output-format", "json").out)["findings"]
    assert os.path.exists(out)
