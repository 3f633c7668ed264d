"""JUnit, GitHub annotations and job summary, and GitLab Code Quality,
each against its consumer (``consumers``): the Jenkins xUnit XSD, the
Actions runner's command parser, a CommonMark parser, GitLab's keys."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from consumers import (
    assert_gitlab_code_quality,
    assert_valid_junit,
    junit_schema,
    workflow_commands,
)
from test_report_formats import HOSTILE, empty, error, hostile, info, sample, warning

from linter.engine.findings import Finding
from linter.report import Notification, Report, render, step_summary

INCOMPLETE = [Notification("internal error: KeyError: 'x' (linted together with "
                           "postfix/master.cf)", "postfix/main.cf"),
              Notification("3 rules need main.cf and could not judge", level="note")]


# junit --------------------------------------------------------------------

@pytest.mark.parametrize("report", [sample(), empty(), empty(()), hostile(),
                                    sample(failing=("error", "warning")),
                                    sample(notifications=INCOMPLETE)],
                         ids=["sample", "empty", "nothing", "hostile", "strict", "incomplete"])
def test_junit_is_valid_against_jenkins_xunit_xsd(report):
    assert_valid_junit(render("junit", report))


def test_the_xsd_rejects_what_jenkins_rejects():
    """The validator is real: the old ``file`` attribute on a testcase fails."""
    from lxml import etree

    old = ('<testsuites><testsuite name="s" tests="1" failures="0" errors="0">'
           '<testcase classname="c" name="n" file="main.cf"/></testsuite></testsuites>')
    assert not junit_schema().validate(etree.fromstring(old))
    assert junit_schema().validate(etree.fromstring(old.replace(' file="main.cf"', "")))


def test_junit_names_are_unique():
    twins = [error(line=3), replace(error(line=3), message="other text")]
    root = ET.fromstring(render("junit", Report(findings=twins, files=["main.cf"])))
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == ["main.cf:3:1 submission-tls-not-required",
                     "main.cf:3:1 submission-tls-not-required (2)"]


def test_junit_incomplete_run_has_error_cases():
    report = sample(notifications=INCOMPLETE,
                    files=["main.cf", "master.cf", "postfix/main.cf"])
    out = render("junit", report)
    assert_valid_junit(out)
    suite = ET.fromstring(out).find("testsuite")
    assert suite.get("errors") == "1"
    (errored,) = [case for case in suite if case.find("error") is not None]
    assert errored.get("name") == "postfix/main.cf: could not be linted"
    assert errored.find("error").get("message").startswith("internal error: KeyError")
    # the file that could not be linted is not also a passing case
    assert [case.get("name") for case in suite if len(case) == 0] == []


# github -------------------------------------------------------------------

def test_runner_reads_each_annotation_back_exactly():
    """Parsed the way the runner parses it, every line is one command whose
    file, line and message are what we meant, even for hostile text."""
    report = hostile()
    commands = workflow_commands(render("github", report))
    assert len(commands) == 1 + len(report.findings)
    summary, *annotations = commands
    assert summary[0] == "error" and "file" not in summary[1]
    for (name, properties, data), finding in zip(annotations, report.findings, strict=True):
        assert name == {"error": "error", "warning": "warning"}[finding.severity]
        assert properties["line"] == str(finding.line)
        assert properties["title"] == finding.rule
        # the runner gets back the file's own name (undecodable bytes shown as \xNN)
        assert properties["file"] == finding.path.replace("\udcff", "\\xff")
        assert data.startswith(("[bold]x[/bold] \\x1b[31mred", "[bold]x[/bold]"))
        assert "main.cf:1:1: error forged-rule fake\r\nbyte" in data   # one message


def test_no_output_format_lets_file_text_issue_a_workflow_command():
    """A value can be ``::stop-commands::x`` or ``##[add-mask]``: in text,
    brief, junit and github output the runner sees only our commands."""
    nasty = "::stop-commands::pwned\n  ::error file=x::forged\n##[add-mask]secret ##[error]x"
    finding = Finding("r", "error", "::warning::p/main.cf", 1, 1, nasty,
                      fix=None, tags=("tls",))
    report = Report(findings=[finding], files=["main.cf"])
    for output_format in ("text", "brief", "junit"):
        assert workflow_commands(render(output_format, report)) == [], output_format
    names = [command[0] for command in workflow_commands(render("github", report))]
    assert names == ["error", "error"]          # the summary and the finding, nothing else


def test_summary_annotation_counts_what_github_hides():
    many = [replace(error(line=line), parameter=f"p{line}") for line in range(1, 14)]
    out = render("github", Report(findings=many + [warning()], files=["main.cf"]))
    name, properties, data = workflow_commands(out)[0]
    assert name == "error" and properties["title"] == "smtplint failed"
    assert data.startswith("smtplint: 13 errors, 1 warning, 0 info in 1 file: failed")
    assert "not shown here: 3 error" in data


def test_github_incomplete_run_says_so():
    out = render("github", sample(notifications=INCOMPLETE))
    commands = workflow_commands(out)
    assert commands[0][1]["title"] == "smtplint incomplete"
    assert commands[1][0] == "error" and commands[1][1]["file"] == "postfix/main.cf"
    assert "passed" not in out


def _markdown_tokens(text: str):
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").parse(text)


def _inline_types(tokens) -> set[str]:
    found = set()
    for token in tokens:
        found.add(token.type)
        found |= _inline_types(token.children or [])
    return found


def test_step_summary_renders_hostile_text_as_text():
    nasty = ("![x](https://evil.example/p.png) <img src=x> [a](javascript:x) | cell "
             "**bold** `code` <script>x</script> @team " + HOSTILE)
    findings = [replace(error(), message=nasty, path="a|b/main.cf"), warning(), info()]
    report = Report(findings=findings, files=["main.cf"], notifications=INCOMPLETE)
    text = step_summary.render(report)
    tokens = _markdown_tokens(text)
    kinds = _inline_types(tokens)
    assert not kinds & {"image", "link_open", "html_inline", "html_block", "em_open",
                        "code_inline"}, kinds
    strong = [t for t in tokens for t in [t, *(t.children or [])] if t.type == "strong_open"]
    assert len(strong) == 1                      # ours: "**The run is incomplete**"
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == 2 + 1 + 3                # counts: header, row; findings: header, 3
    cells = [t for t in tokens if t.type == "td_open"]
    assert len(cells) == 4 + 3 * 4               # no forged table cell
    assert "incomplete" in text and "passed" not in text


def test_step_summary_limits_rows():
    many = [replace(error(line=n), parameter=f"p{n}") for n in range(1, 520)]
    text = step_summary.render(Report(findings=many, files=["main.cf"]))
    assert "and 19 more findings" in text
    assert text.count("\n| error |") == step_summary.MAX_ROWS


# codeclimate --------------------------------------------------------------

def test_codeclimate_meets_gitlab_documented_keys():
    for report in (sample(), empty(), hostile(), sample(notifications=INCOMPLETE)):
        assert_gitlab_code_quality(render("codeclimate", report))


def test_codeclimate_incomplete_run_is_a_blocker():
    issues = assert_gitlab_code_quality(render("codeclimate", empty(),))
    assert issues == []
    issues = assert_gitlab_code_quality(render("codeclimate", Report(
        findings=[], files=["postfix/main.cf"], notifications=INCOMPLETE)))
    (issue,) = issues
    assert issue["severity"] == "blocker" and issue["location"]["path"] == "postfix/main.cf"
    assert issue["check_name"] == "smtplint-run-incomplete"


def test_gitlab_check_rejects_what_gitlab_rejects():
    for bad in ('\ufeff[]', '[{"description": "d", "check_name": "c", "fingerprint": "f", '
                '"severity": "fatal", "location": {"path": "a", "lines": {"begin": 1}}}]',
                '[{"description": "d", "check_name": "c", "fingerprint": "f", '
                '"severity": "minor", "location": {"path": "/abs", "lines": {"begin": 1}}}]'):
        with pytest.raises(AssertionError):
            assert_gitlab_code_quality(bad)
