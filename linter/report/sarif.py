"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Written to what GitHub documents for ingestion ("SARIF support for code
scanning"): every rule has a short and a full description of at most 1,024
characters, help text (the rule's page, also as markdown), a ``helpUri``,
``precision``, ``tags`` (``security`` on security rules, which then carry a
``security-severity`` score) or ``problem.severity``; every result has a
region with start and end, a fingerprint, and its related locations.
Artifact locations are relative to ``%SRCROOT%``, the project root, given
in ``originalUriBaseIds``; a file outside the root is an absolute
``file://`` URI. ``invocations[0]`` says whether the run was complete.

Fixes are not SARIF ``fixes``: those need byte regions to replace, and our
fixes are edits on the syntax tree applied by ``--fix``; the fix's text and
lines go into the message and properties.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from linter.report.escape import unicode_data
from linter.report.identity import directory_uri, fingerprints, is_relative, uri
from linter.report.summary import tool_version

if TYPE_CHECKING:
    from linter.engine.findings import Finding, Fix, Related
    from linter.engine.rules import Rule
    from linter.report import Notification, Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "smtplintFindingHash/v2"
# GitHub code scanning reads only this key (and the upload action computes
# it from the line's text when it is missing, which a changed value on that
# line would break): ours, made of what identifies the finding, instead.
GITHUB_FINGERPRINT_KEY = "primaryLocationLineHash"
SRCROOT = "%SRCROOT%"
PROJECT_URL = "https://github.com/smtplint/smtplint"
# A built-in rule's documentation: its page in the repository at the tag of
# the running version, so the page matches the rule that produced the result.
RULE_DOCS_URL = PROJECT_URL + "/blob/v{version}/docs/rules/{rule_id}.md"
DESCRIPTION_LIMIT = 1024       # GitHub: shortDescription and fullDescription
TAG_LIMIT = 10                 # GitHub keeps 10 tags per rule
# GitHub: over 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.0", "info": "2.0"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}
# What makes a rule a security rule: an explicit "security" tag, or a tag
# about who can connect, authenticate, relay or read the mail.
SECURITY_TAGS = frozenset({"security", "tls", "sasl", "relay", "spoofing", "credentials",
                           "certificate", "ciphers", "protocols"})
NOT_SECURITY_TAGS = frozenset({"syntax", "typo", "dead-setting"})
# Syntax checks follow Postfix's own reader exactly.
VERY_HIGH_PRECISION_TAGS = frozenset({"syntax"})
# runs[0].tool.driver.rules in the rendered log: the key five levels deep,
# its items six.
RULES_INDENT = " " * 10
RULE_ITEM_INDENT = " " * 12
EMPTY_RULES = f'\n{RULES_INDENT}"rules": []'
DESCRIPTOR_CACHE_SIZE = 256
_DESCRIPTOR_TEXTS: dict[tuple[int, str, bool], tuple[Rule, str]] = {}


def is_security_rule(tags: tuple[str, ...] | list[str]) -> bool:
    names = set(tags)
    return bool(names & SECURITY_TAGS) and not names & NOT_SECURITY_TAGS


def first_section(description: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """The first section of a rule's page as one paragraph, at most ``limit``
    characters (cut at a word, with an ellipsis)."""
    lines = description.strip().splitlines()
    if lines and lines[0].startswith("#"):
        lines = lines[1:]
    body = []
    for line in lines:
        if line.startswith("#"):
            break
        body.append(line.strip())
    text = " ".join(part for part in body if part)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _short(text: str) -> str:
    return text if len(text) <= DESCRIPTION_LIMIT else text[:DESCRIPTION_LIMIT - 1] + "…"


def _builtin_ids() -> frozenset[str]:
    from linter.engine.rules import builtin_rules

    return frozenset(rule.id for rule in builtin_rules())


def _descriptor(rule: Rule, version: str, builtin: bool) -> dict:
    from linter.engine.explain import rule_markdown

    page = rule_markdown(rule)
    tags = list(dict.fromkeys(rule.tags))
    properties: dict = {"profile": rule.profile}
    precision = "very-high" if set(tags) & VERY_HIGH_PRECISION_TAGS else "high"
    properties["precision"] = precision
    if is_security_rule(tags):
        if "security" not in tags:
            tags.insert(0, "security")
        properties["security-severity"] = SECURITY_SEVERITY.get(rule.severity, "5.0")
    else:
        properties["problem.severity"] = PROBLEM_SEVERITY.get(rule.severity, "warning")
    properties["tags"] = tags[:TAG_LIMIT]
    descriptor: dict = {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": _short(rule.summary or rule.id)},
        "fullDescription": {"text": first_section(rule.description) or _short(rule.summary)},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": properties,
    }
    if builtin:
        descriptor["helpUri"] = RULE_DOCS_URL.format(version=version, rule_id=rule.id)
    return descriptor


def _bare_descriptor(rule_id: str, finding: Finding) -> dict:
    """A finding whose rule the report does not describe (a builtin may
    report under a sub-id): enough for GitHub's required fields."""
    text = f"smtplint rule {rule_id}"
    tags = list(dict.fromkeys(finding.tags))
    properties: dict = {"precision": "high"}
    if is_security_rule(tags):
        tags = ["security", *(tag for tag in tags if tag != "security")]
        properties["security-severity"] = SECURITY_SEVERITY.get(finding.severity, "5.0")
    else:
        properties["problem.severity"] = PROBLEM_SEVERITY.get(finding.severity, "warning")
    properties["tags"] = tags[:TAG_LIMIT]
    return {"id": rule_id, "name": rule_id, "shortDescription": {"text": text},
            "fullDescription": {"text": text}, "help": {"text": text},
            "properties": properties}


def _descriptors(report: Report, version: str) -> list[dict]:
    """Every rule the caller gave, then a bare entry for any finding whose
    rule it did not give, so each result has a valid ruleIndex."""
    return [_descriptor(rule, version, builtin) if rule is not None
            else _bare_descriptor(rule_id, finding)
            for rule_id, rule, builtin, finding in _described(report)]


def _described(report: Report) -> list[tuple]:
    """What each descriptor is made of, in order: (id, the rule or None,
    whether the rule is built in, the finding a bare entry is made from)."""
    builtin = _builtin_ids() if report.rules else frozenset()
    described: list[tuple] = [(rule.id, rule, rule.id in builtin, None)
                              for rule in report.rules.values()]
    known = {rule.id for rule in report.rules.values()}
    for finding in report.findings:
        if finding.rule not in known:
            known.add(finding.rule)
            described.append((finding.rule, None, False, finding))
    return described


def _descriptor_text(rule: Rule, version: str, builtin: bool) -> str:
    """A rule's descriptor as it stands in the rendered log, remembered: it
    depends on the rule and the version alone, so a process that renders
    many reports (the fuzz target, the test suite) writes each rule once.
    An entry holds its rule, so no other rule can take the same id()."""
    key = (id(rule), version, builtin)
    entry = _DESCRIPTOR_TEXTS.get(key)
    if entry is None:
        if len(_DESCRIPTOR_TEXTS) >= DESCRIPTOR_CACHE_SIZE:
            _DESCRIPTOR_TEXTS.clear()
        entry = (rule, _nested(_descriptor(rule, version, builtin)))
        _DESCRIPTOR_TEXTS[key] = entry
    return entry[1]


def _nested(descriptor: dict) -> str:
    """``descriptor`` rendered as an item of driver.rules (JSON strings
    hold no raw newline, so indenting line by line is exact)."""
    text = json.dumps(unicode_data(descriptor), indent=2, ensure_ascii=True)
    return "\n".join(RULE_ITEM_INDENT + line for line in text.split("\n"))


def _fix_text(fix: Fix) -> str:
    return "\n".join([f"Fix: {fix.description}", *(f"    {line}" for line in fix.lines)])


def artifact(path: str) -> dict:
    location: dict = {"uri": uri(path)}
    if is_relative(path):
        location["uriBaseId"] = SRCROOT
    return location


def _region(line: int, column: int, end_line: int = 0, end_column: int = 0) -> dict:
    start_line = max(line, 1)
    start_column = max(column, 1)
    if end_line < start_line or (end_line == start_line and end_column <= start_column):
        end_line, end_column = start_line, start_column + 1
    return {"startLine": start_line, "startColumn": start_column,
            "endLine": end_line, "endColumn": end_column}


def _location(finding: Finding) -> dict:
    return {"physicalLocation": {
        "artifactLocation": artifact(finding.path),
        "region": _region(finding.line, finding.column, finding.end_line, finding.end_column)}}


def _related(place: Related, number: int) -> dict:
    return {"id": number,
            "physicalLocation": {"artifactLocation": artifact(place.path),
                                 "region": _region(place.line, place.column)},
            "message": {"text": place.label or place.path}}


def _result(finding: Finding, index: int, fingerprint: str) -> dict:
    text = finding.message or finding.rule
    properties: dict = {"tags": list(finding.tags)}
    if finding.service is not None:
        properties["service"] = finding.service
    if finding.parameter is not None:
        properties["parameter"] = finding.parameter
    if finding.fix is not None:
        text = f"{text}\n{_fix_text(finding.fix)}"
        properties["fix"] = {"description": finding.fix.description,
                             "lines": list(finding.fix.lines),
                             "safety": finding.fix.safety}
    result = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [_location(finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint,
                                GITHUB_FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }
    if finding.related:
        result["relatedLocations"] = [_related(place, number)
                                      for number, place in enumerate(finding.related, 1)]
    return result


def _notification(note: Notification) -> dict:
    entry: dict = {"level": "error" if note.level == "error" else "note",
                   "message": {"text": note.message}}
    if note.path:
        entry["locations"] = [{"physicalLocation": {"artifactLocation": artifact(note.path)}}]
    return entry


def document(report: Report) -> dict:
    """The SARIF log as Python data (also used by tests)."""
    version = tool_version(report)
    return _document(report, version, _descriptors(report, version))


def _document(report: Report, version: str, rules: list[dict],
              rule_ids: list[str] | None = None) -> dict:
    """The log with ``rules`` as driver.rules; results index ``rule_ids``
    (the rules' ids when not given)."""
    ids = [descriptor["id"] for descriptor in rules] if rule_ids is None else rule_ids
    index = {rule_id: number for number, rule_id in enumerate(ids)}
    pairs = zip(report.findings, fingerprints(report.findings), strict=True)
    results = [_result(finding, index[finding.rule], fingerprint)
               for finding, fingerprint in pairs]
    invocation: dict = {"executionSuccessful": report.complete}
    if report.notifications:
        invocation["toolExecutionNotifications"] = [_notification(note)
                                                    for note in report.notifications]
    run: dict = {
        "tool": {"driver": {"name": "smtplint", "version": version,
                            "informationUri": PROJECT_URL, "rules": rules}},
        "invocations": [invocation],
    }
    if report.root:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": directory_uri(report.root)}}
    run["columnKind"] = "unicodeCodePoints"
    run["results"] = results
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render(report: Report) -> str:
    """``json.dumps(document(report), indent=2)``, byte for byte, with each
    rule's descriptor written once per process (_descriptor_text)."""
    version = tool_version(report)
    described = _described(report)
    data = _document(report, version, [], [rule_id for rule_id, *_ in described])
    text = json.dumps(unicode_data(data), indent=2, ensure_ascii=True)
    if described:
        items = ",\n".join(_descriptor_text(rule, version, builtin) if rule is not None
                            else _nested(_bare_descriptor(rule_id, finding))
                            for rule_id, rule, builtin, finding in described)
        # The first such line is the driver's: no string holds a raw newline,
        # and nothing before driver.rules has a "rules" key.
        text = text.replace(EMPTY_RULES, f'{EMPTY_RULES[:-1]}\n{items}\n{RULES_INDENT}]', 1)
    return text + "\n"
