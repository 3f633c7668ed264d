"""Every output format: exact structure, escaping of hostile text, empty runs.

Findings are built by hand; messages quote configuration values, so the
hostile ones carry what a config file can: markup, terminal escapes,
newlines, XML and workflow-command metacharacters, undecodable bytes.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from linter.engine.findings import Edit, Finding, Fix
from linter.engine.rules import Rule
from linter.report import FORMATS, Report, render

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ("[bold]x[/bold] \x1b[31mred\x1b[0m 100% <&> \"q\" 'a' \x9b2J\n"
           "main.cf:1:1: error forged-rule fake\r\nbyte \udcff nul \x00 nonchar \ufffe")
FIX = Fix("Require TLS on submission", ("-o smtpd_tls_security_level=encrypt",),
          (Edit("set", "master.cf", "smtpd_tls_security_level", "encrypt", "submission/inet"),))


def rule(rule_id: str = "submission-tls-not-required", severity: str = "error") -> Rule:
    return Rule(id=rule_id, severity=severity, tags=("tls", "submission"), profile="basic",
                summary="The submission service accepts mail without STARTTLS.",
                description="## What it checks\n\n`smtpd_tls_security_level` is *encrypt*.\n",
                applies_to={"roles": ["submission"]}, check={})


def error(path: str = "main.cf", line: int = 22, message: str = "submission (master.cf:14) "
          "accepts AUTH before TLS: smtpd_tls_security_level=may (main.cf:22)") -> Finding:
    return Finding("submission-tls-not-required", "error", path, line, 1, message,
                   service="submission/inet", fix=FIX, tags=("tls",))


def warning() -> Finding:
    return Finding("tls-old-protocols", "warning", "master.cf", 14, 5, "TLSv1 allowed")


def info() -> Finding:
    return Finding("note-file", "info", "main.cf", 0, 0, "whole file")


def sample(**kwargs) -> Report:
    defaults: dict = {"findings": [error(), warning(), info()], "rules": {"x": rule()},
                      "files": ["main.cf", "master.cf", "other/main.cf"],
                      "tool_version": "9.8.7"}
    defaults.update(kwargs)
    return Report(**defaults)


def hostile(**kwargs) -> Report:
    findings = [error(message=HOSTILE),
                Finding("bad[id]", "warning", "dir,a:b/\udcffmain.cf\n", 3, 2, HOSTILE,
                        fix=Fix(HOSTILE, (HOSTILE,)))]
    return Report(findings=findings, files=["main.cf"], tool_version="1.0", **kwargs)


def empty(files: tuple[str, ...] = ("main.cf", "master.cf")) -> Report:
    return Report(findings=[], files=list(files), tool_version="1.0")


def assert_safe_terminal_text(out: str, allowed_escapes: Collection[str] = ()) -> None:
    """Encodable as strict UTF-8, no control characters but newline (and
    only our own colour sequences)."""
    out.encode("utf-8")
    for sequence in re.findall(r"\x1b\[[0-9;]*m", out):
        assert sequence in allowed_escapes
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]", stripped)


def test_every_format_renders_a_string_even_when_empty():
    for output_format in FORMATS:
        assert isinstance(render(output_format, empty()), str)
    with pytest.raises(ValueError):
        render("yaml", empty())


# text ---------------------------------------------------------------------

def test_text_exact():
    assert render("text", sample()) == (
        "main.cf:22:1: error submission-tls-not-required submission (master.cf:14) accepts"
        " AUTH before TLS: smtpd_tls_security_level=may (main.cf:22)\n"
        "  fix (unsafe: --fix --unsafe-fixes): Require TLS on submission\n"
        "    -o smtpd_tls_security_level=encrypt\n"
        "master.cf:14:5: warning tls-old-protocols TLSv1 allowed\n"
        "main.cf:0:0: info note-file whole file\n"
        "\n"
        "1 error, 1 warning, 1 info in 3 files: failed\n")


def test_text_empty_and_strict():
    assert render("text", empty()) == "0 errors, 0 warnings, 0 info in 2 files: passed\n"
    assert render("text", empty(("main.cf",))).endswith("in 1 file: passed\n")
    only_warning = sample(findings=[warning()])
    assert render("text", only_warning).endswith("0 errors, 1 warning, 0 info in 3 files: passed\n")
    only_warning.failing = ("error", "warning")
    assert render("text", only_warning).endswith(": failed\n")


def test_text_colour_only_on_our_words():
    report = sample(color=True)
    out = render("text", report)
    assert "\x1b[1;31merror\x1b[0m submission-tls-not-required" in out
    assert "\x1b[33mwarning\x1b[0m" in out and "\x1b[36minfo\x1b[0m" in out
    assert out.endswith(": \x1b[1;31mfailed\x1b[0m\n")
    assert "\x1b" not in render("text", sample(color=False))


def test_text_hostile_is_inert():
    for color in (False, True):
        out = render("text", hostile(color=color))
        assert_safe_terminal_text(out, {"\x1b[1;31m", "\x1b[33m", "\x1b[0m"})
        assert "[bold]x[/bold]" in out                     # markup shown, not interpreted
        assert "\\x1b[31mred" in out and "\\x9b2J" in out
        assert "\\nmain.cf:1:1: error forged-rule" in out   # no forged finding line
        assert "\\x0d\\nbyte \\xff nul \\x00 nonchar \\ufffe" in out
        lines = out.splitlines()
        # two findings, each location + fix description + one fix line
        assert len(lines) == 3 + 3 + 2
        assert lines[3].startswith("dir,a:b/\\xffmain.cf\\n:3:2: ")


# brief --------------------------------------------------------------------

def test_brief_exact_and_empty():
    assert render("brief", sample()) == (
        "main.cf:22:1: error: submission-tls-not-required submission (master.cf:14) accepts"
        " AUTH before TLS: smtpd_tls_security_level=may (main.cf:22)\n"
        "master.cf:14:5: warning: tls-old-protocols TLSv1 allowed\n"
        "main.cf:0:0: info: note-file whole file\n")
    assert render("brief", empty()) == ""


def test_brief_hostile_one_line_each():
    out = render("brief", hostile())
    assert_safe_terminal_text(out)
    assert len(out.splitlines()) == 2
    assert "\x1b" not in out and "[bold]x[/bold]" in out


# json ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def findings_validator():
    schema = json.loads((ROOT / "schemas" / "findings.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_json_exact(findings_validator):
    document = json.loads(render("json", sample()))
    findings_validator.validate(document)
    assert document["tool"] == {"name": "smtplint", "version": "9.8.7"}
    assert document["summary"] == {"error": 1, "warning": 1, "info": 1, "total": 3,
                                   "failed": True, "complete": True, "files": 3}
    assert document["notifications"] == []
    assert document["findings"][0] == {
        "rule": "submission-tls-not-required", "severity": "error", "path": "main.cf",
        "line": 22, "column": 1, "end_line": 0, "end_column": 0,
        "message": error().message, "service": "submission/inet",
        "parameter": None, "related": [],
        "fix": {"description": "Require TLS on submission",
                "lines": ["-o smtpd_tls_security_level=encrypt"],
                "edits": [{"action": "set", "path": "master.cf",
                           "name": "smtpd_tls_security_level", "value": "encrypt",
                           "service": "submission/inet", "span": None}],
                "safety": "unsafe"}}
    assert document["findings"][1]["service"] is None
    assert document["findings"][1]["fix"] is None


def test_json_empty(findings_validator):
    document = json.loads(render("json", empty()))
    findings_validator.validate(document)
    assert document["findings"] == []
    assert document["summary"] == {"error": 0, "warning": 0, "info": 0, "total": 0,
                                   "failed": False, "complete": True, "files": 2}


def test_json_default_version_is_the_package_version():
    from linter import __version__

    document = json.loads(render("json", Report(findings=[])))
    assert document["tool"]["version"] == __version__


def test_json_hostile_round_trips_except_undecodable_bytes(findings_validator):
    out = render("json", hostile())
    out.encode("ascii")
    document = json.loads(out)
    findings_validator.validate(document)
    expected = HOSTILE.replace("\udcff", "\\xff")
    assert document["findings"][0]["message"] == expected
    assert document["findings"][1]["path"] == "dir,a:b/\\xffmain.cf\n"
    assert document["findings"][1]["fix"]["lines"] == [expected]


def test_findings_schema_rejects_what_it_should(findings_validator):
    good = json.loads(render("json", sample()))
    for mutate in (lambda d: d["findings"][0].update(severity="fatal"),
                   lambda d: d["findings"][0].pop("service"),
                   lambda d: d["summary"].update(failed="yes"),
                   lambda d: d["findings"][0]["fix"]["edits"][0].update(action="delete"),
                   lambda d: d.update(extra=1)):
        bad = json.loads(json.dumps(good))
        mutate(bad)
        assert not findings_validator.is_valid(bad)


# codeclimate --------------------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def assert_gitlab_code_quality(issues: list) -> None:
    """The fields GitLab's Code Quality report documents as required."""
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert re.fullmatch(r"[0-9a-f]{64}", issue["fingerprint"])
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert isinstance(path, str) and not path.startswith(("/", "./"))
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)


def test_codeclimate_structure():
    issues = json.loads(render("codeclimate", sample(findings=[
        error(path="./etc/postfix/main.cf"), warning(), info()])))
    assert_gitlab_code_quality(issues)
    first = issues[0]
    assert first["check_name"] == "submission-tls-not-required"
    assert first["description"] == error().message
    assert first["location"] == {"path": "etc/postfix/main.cf", "lines": {"begin": 22}}
    assert first["type"] == "issue" and first["categories"] == ["Bug Risk"]
    assert "-o smtpd_tls_security_level=encrypt" in first["content"]["body"]
    assert [issue["severity"] for issue in issues] == ["critical", "minor", "info"]
    assert issues[2]["location"]["lines"]["begin"] == 1     # whole-file finding
    windows = json.loads(render("codeclimate", Report(findings=[error(path="etc\\main.cf")])))
    assert windows[0]["location"]["path"] == "etc/main.cf"


def test_codeclimate_fingerprint_is_rule_path_service_and_parameter():
    def fingerprint(finding: Finding) -> str:
        return json.loads(render("codeclimate", Report(findings=[finding])))[0]["fingerprint"]

    base = fingerprint(error(line=22))
    assert fingerprint(error(line=40)) == base                  # not the line
    assert fingerprint(error(message="something else")) == base  # not the message
    assert fingerprint(replace(error(), column=7)) == base       # not the column
    assert fingerprint(error(path="other/main.cf")) != base
    assert fingerprint(replace(error(), service="submissions/inet")) != base
    assert fingerprint(replace(error(), rule="other-rule")) != base
    # the parameter, or without one the parameter the fix sets
    assert fingerprint(replace(error(), parameter="smtpd_tls_security_level")) != \
        fingerprint(replace(error(), parameter="smtpd_tls_auth_only"))
    assert fingerprint(replace(error(), parameter="smtpd_tls_security_level")) == base
    assert fingerprint(replace(error(), fix=None)) != base


def test_codeclimate_duplicates_get_distinct_stable_fingerprints():
    issues = json.loads(render("codeclimate", Report(findings=[error(line=3), error(line=9)])))
    assert_gitlab_code_quality(issues)
    again = json.loads(render("codeclimate", Report(findings=[error(line=5), error(line=12)])))
    assert [i["fingerprint"] for i in issues] == [i["fingerprint"] for i in again]


def test_codeclimate_hostile_and_empty():
    out = render("codeclimate", hostile())
    out.encode("ascii")
    issues = json.loads(out)
    assert_gitlab_code_quality(issues)
    assert issues[0]["description"] == HOSTILE.replace("\udcff", "\\xff")
    assert json.loads(render("codeclimate", empty())) == []


# github -------------------------------------------------------------------

def test_github_exact():
    assert render("github", sample()).splitlines() == [
        "::error title=smtplint failed::smtplint: 1 error, 1 warning, 1 info in 3 files: failed",
        ("::error file=main.cf,line=22,col=1,title=submission-tls-not-required::"
         "submission (master.cf:14) accepts AUTH before TLS: smtpd_tls_security_level=may"
         " (main.cf:22)%0AFix: Require TLS on submission"
         "%0A    -o smtpd_tls_security_level=encrypt"),
        "::warning file=master.cf,line=14,col=5,title=tls-old-protocols::TLSv1 allowed",
        "::notice file=main.cf,title=note-file::whole file",
    ]
    assert render("github", empty()) == (
        "::notice title=smtplint passed::smtplint: 0 errors, 0 warnings, 0 info in 2 files: "
        "passed\n")


def test_github_hostile_escaping():
    out = render("github", hostile())
    assert_safe_terminal_text(out)
    lines = out.splitlines()
    assert len(lines) == 3                      # the summary, then one line per finding
    assert lines[1].startswith("::error file=main.cf,line=22,col=1,"
                               "title=submission-tls-not-required::[bold]x[/bold] ")
    assert ("\\x1b[31mred\\x1b[0m 100%25 <&> \"q\" 'a' \\x9b2J%0Amain.cf:1:1: error "
            "forged-rule fake%0D%0Abyte \\xff nul \\x00 nonchar \\ufffe") in lines[1]
    # properties: ":" and "," would end the value; the newline would end the command
    assert lines[2].startswith("::warning file=dir%2Ca%3Ab/\\xffmain.cf%0A,line=3,col=2,"
                               "title=bad[id]::")


def test_github_escape_functions():
    from linter.report.github import escape_data, escape_property

    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"


# junit --------------------------------------------------------------------

def parse(out: str) -> ET.Element:
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.encode("utf-8"))


def test_junit_counts_and_structure():
    root = parse(render("junit", sample()))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "smtplint"
    cases = suite.findall("testcase")
    # three findings, plus one clean file (other/main.cf)
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("4", "1", "0")
    assert (root.get("tests"), root.get("failures")) == ("4", "1")
    assert len(cases) == 4
    failures = [case for case in cases if case.find("failure") is not None]
    assert len(failures) == 1
    failure = failures[0].find("failure")
    assert failures[0].get("classname") == "submission-tls-not-required"
    assert failures[0].get("name") == "main.cf:22:1 submission-tls-not-required"
    assert all(case.get("file") is None for case in cases)     # not in junit-10.xsd
    assert failure.get("type") == "error"
    assert failure.get("message") == error().message
    assert ("fix (unsafe: --fix --unsafe-fixes): Require TLS on submission\n"
            "    -o smtpd_tls_security_level=encrypt") in failure.text
    assert cases[1].find("system-out").text.startswith("master.cf:14:5: warning tls-old-protocols")
    assert cases[3].get("name") == "other/main.cf" and len(cases[3]) == 0


def test_junit_strict_fails_warnings():
    root = parse(render("junit", sample(failing=("error", "warning"))))
    assert root.find("testsuite").get("failures") == "2"


def test_junit_empty():
    root = parse(render("junit", empty()))
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "0")
    assert [case.get("name") for case in suite] == ["main.cf", "master.cf"]
    nothing = parse(render("junit", empty(())))
    assert nothing.find("testsuite").get("tests") == "0"


def test_junit_hostile_is_well_formed_and_readable():
    out = render("junit", hostile(failing=("error", "warning")))
    root = parse(out)
    suite = root.find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("2", "2")
    failure = suite.find("testcase/failure")
    message = failure.get("message")
    assert "[bold]x[/bold] \\x1b[31mred" in message and "<&> \"q\"" in message
    assert "\n" not in message and "\\xff" in message and "\\ufffe" in message
    assert "<&>" in failure.text and "\\x00" in failure.text
    second = suite.findall("testcase")[1]
    assert second.get("name") == "dir,a:b/\\xffmain.cf\\n:3:2 bad[id]"
    assert second.get("classname") == "bad[id]"
