"""SARIF output against the official OASIS SARIF 2.1.0 schema and GitHub
code scanning's documented ingestion rules (``consumers``)."""

from __future__ import annotations

import json
from dataclasses import replace

from consumers import OASIS_ID, assert_github_code_scanning, sarif_validators
from test_report_formats import HOSTILE, empty, error, hostile, info, rule, sample, warning

from linter.engine.findings import Finding, Related
from linter.engine.rules import builtin_rules
from linter.report import Notification, Report, render
from linter.report.escape import unicode_data
from linter.report.sarif import DESCRIPTION_LIMIT, RULE_DOCS_URL, document, first_section


def sarif(report: Report) -> dict:
    out = render("sarif", report)
    out.encode("ascii")
    return json.loads(out)


def test_sarif_structure():
    document = sarif(sample(rules={"submission-tls-not-required": rule()}, root="/work/repo"))
    assert_github_code_scanning(document)
    assert document["$schema"] == OASIS_ID and document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("smtplint", "9.8.7")
    ids = [descriptor["id"] for descriptor in driver["rules"]]
    assert ids == ["submission-tls-not-required", "tls-old-protocols", "note-file"]
    described = driver["rules"][0]
    assert described["shortDescription"]["text"] == rule().summary
    assert described["fullDescription"]["text"] == "`smtpd_tls_security_level` is *encrypt*."
    assert described["help"]["markdown"].startswith("# submission-tls-not-required\n")
    assert described["help"]["text"] == described["help"]["markdown"]
    assert described["helpUri"] == RULE_DOCS_URL.format(version="9.8.7",
                                                        rule_id="submission-tls-not-required")
    assert described["defaultConfiguration"] == {"level": "error"}
    properties = described["properties"]
    assert properties["tags"] == ["security", "tls", "submission"]
    assert properties["security-severity"] == "8.0" and properties["precision"] == "high"
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    assert run["invocations"] == [{"executionSuccessful": True}]

    results = run["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    first = results[0]
    assert first["message"]["text"] == (error().message + "\nFix: Require TLS on submission\n"
                                        "    -o smtpd_tls_security_level=encrypt")
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "main.cf", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 22, "startColumn": 1, "endLine": 22, "endColumn": 2}}}]
    assert first["properties"]["service"] == "submission/inet"
    assert first["properties"]["fix"]["lines"] == ["-o smtpd_tls_security_level=encrypt"]
    assert "fixes" not in first
    # a whole-file finding gets the file's first line (GitHub requires a region)
    assert results[2]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_sarif_regions_end_where_the_cause_ends():
    finding = replace(error(line=14), column=3, end_line=16, end_column=40)
    region = sarif(Report(findings=[finding]))["runs"][0]["results"][0][
        "locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 14, "startColumn": 3, "endLine": 16, "endColumn": 40}


def test_sarif_related_locations():
    finding = replace(error(path="postfix/main.cf"), related=(
        Related("postfix/master.cf", 14, 1, "submission/inet"),
        Related("postfix/master.cf", 20, 1, "submissions/inet")))
    document = sarif(Report(findings=[finding]))
    assert_github_code_scanning(document)
    related = document["runs"][0]["results"][0]["relatedLocations"]
    assert [place["message"]["text"] for place in related] == ["submission/inet",
                                                                "submissions/inet"]
    assert [place["id"] for place in related] == [1, 2]
    assert related[0]["physicalLocation"]["artifactLocation"] == {
        "uri": "postfix/master.cf", "uriBaseId": "%SRCROOT%"}


def test_sarif_incomplete_run_is_not_successful():
    report = sample(notifications=[
        Notification("internal error: KeyError: 'x'", "postfix/main.cf"),
        Notification("3 rules need main.cf and did not run", level="note")])
    document = sarif(report)
    assert_github_code_scanning(document)
    (invocation,) = document["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [note["level"] for note in notes] == ["error", "note"]
    assert notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "postfix/main.cf"
    only_note = sarif(sample(notifications=[Notification("fyi", level="note")]))
    assert only_note["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_uris_relative_to_srcroot_absolute_outside():
    paths = ["./etc/postfix/main.cf", "etc\\postfix\\master.cf", "my dir/a:b.cf", "/etc/main.cf"]
    document = sarif(Report(findings=[error(path=path) for path in paths]))
    assert_github_code_scanning(document)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"]
                 for r in document["runs"][0]["results"]]
    assert [location["uri"] for location in locations] == [
        "etc/postfix/main.cf", "etc/postfix/master.cf", "my%20dir/a%3Ab.cf",
        "file:///etc/main.cf"]
    assert [location.get("uriBaseId") for location in locations] == ["%SRCROOT%"] * 3 + [None]


def test_sarif_fingerprints_stable_across_moves_and_rewording():
    def prints(*findings: Finding) -> list[str]:
        document = sarif(Report(findings=list(findings)))
        assert_github_code_scanning(document)
        results = document["runs"][0]["results"]
        for result in results:     # GitHub reads only primaryLocationLineHash
            fingerprints = result["partialFingerprints"]
            assert fingerprints["primaryLocationLineHash"] == \
                fingerprints["smtplintFindingHash/v2"]
        return [r["partialFingerprints"]["smtplintFindingHash/v2"] for r in results]

    before = prints(error(line=3), error(line=9), warning())
    assert len(set(before)) == 3
    assert prints(error(line=5), error(line=30, message="reworded"), warning()) == before
    assert prints(error(path="b/main.cf"))[0] != before[0]


def test_sarif_with_the_builtin_rules_meets_github_limits():
    rules = {r.id: r for r in builtin_rules()}
    document = sarif(sample(rules=rules))
    assert_github_code_scanning(document)
    driver = document["runs"][0]["tool"]["driver"]
    assert [d["id"] for d in driver["rules"]][:len(rules)] == list(rules)
    for descriptor in driver["rules"][:len(rules)]:
        assert len(descriptor["fullDescription"]["text"]) <= DESCRIPTION_LIMIT
        assert descriptor["helpUri"].endswith(f"/docs/rules/{descriptor['id']}.md")
        tags = descriptor["properties"]["tags"]
        assert ("security-severity" in descriptor["properties"]) == ("security" in tags)
        assert ("problem.severity" in descriptor["properties"]) != ("security" in tags)
    security = {d["id"] for d in driver["rules"] if "security" in d["properties"]["tags"]}
    assert {"open-relay", "submission-tls-not-required", "sasl-auth-before-tls"} <= security
    assert not {"master-entry-invalid", "unknown-parameter", "tls-setting-ignored"} & security


def test_first_section_is_one_paragraph_within_the_limit():
    assert first_section("## What it checks\n\nOne\ntwo.\n\n## Why\n\nmore") == "One two."
    long = first_section("## What\n\n" + "word " * 400)
    assert len(long) <= DESCRIPTION_LIMIT and long.endswith("…")


def test_custom_rules_have_no_help_uri():
    custom = replace(rule(), id="my-rule")
    document = sarif(Report(findings=[replace(error(), rule="my-rule")],
                            rules={"my-rule": custom}))
    assert_github_code_scanning(document)
    assert "helpUri" not in document["runs"][0]["tool"]["driver"]["rules"][0]


def test_sarif_hostile():
    document = sarif(hostile())
    assert_github_code_scanning(document)
    results = document["runs"][0]["results"]
    assert results[0]["message"]["text"].startswith(HOSTILE.replace("\udcff", "\\xff"))
    uri = results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir,a%3Ab/%FFmain.cf%0A"     # the file's real bytes, percent-encoded


def _plain(report: Report) -> str:
    """What render must write: the whole document through json.dumps."""
    return json.dumps(unicode_data(document(report)), indent=2, ensure_ascii=True) + "\n"


def test_sarif_render_writes_the_document_byte_for_byte():
    """render writes each rule's descriptor once per process and splices it
    in: the log must stay exactly the document, for builtin, user and bare
    rules, hostile text, a renamed rule under the same id, another version."""
    builtins = {r.id: r for r in builtin_rules()}
    hostile_rule = replace(rule(), id="my-rule", summary=HOSTILE, description=HOSTILE,
                           tags=("x\u2028", '"rules": []'))
    reports = [
        sample(rules=builtins, root="/work/repo"),
        sample(rules={"my-rule": hostile_rule}),   # the findings' rules are bare entries
        sample(rules={"my-rule": replace(hostile_rule, summary="changed")}),
        replace(sample(rules=builtins), tool_version="1.0"),
        hostile(rules={"submission-tls-not-required": rule()}),
        sample(rules={}),
        empty(),
    ]
    for report in reports * 2:   # the second time from the remembered descriptors
        assert render("sarif", report) == _plain(report)
    assert '"rules": [],' not in render("sarif", sample(rules={}))


def test_sarif_empty():
    document = sarif(empty())
    assert_github_code_scanning(document)
    run = document["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_the_checks_reject_what_they_should():
    """The validators are real: a level SARIF does not know, a missing
    name, an over-long description, a region without an end all fail."""
    def broken(change) -> dict:
        document = sarif(sample(findings=[info()], rules={"note-file": rule("note-file")}))
        change(document)
        return document

    schema_breaks = [
        lambda d: d["runs"][0]["results"][0].update(level="info"),
        lambda d: d["runs"][0]["tool"]["driver"].pop("name"),
    ]
    for change in schema_breaks:
        assert not any(validator.is_valid(broken(change)) for validator in sarif_validators())
    github_breaks = [
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0]["fullDescription"].update(
            text="x" * 1025),
        lambda d: d["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
            "region"].pop("endColumn"),
        lambda d: d["runs"][0]["tool"]["driver"]["rules"][0]["properties"].update(
            {"security-severity": "8.0", "tags": ["tls"]}),
        lambda d: d["runs"][0]["results"][0]["message"].update(text=""),
    ]
    for change in github_breaks:
        try:
            assert_github_code_scanning(broken(change))
        except (AssertionError, KeyError):
            continue
        raise AssertionError("a document GitHub would reject passed the checks")
