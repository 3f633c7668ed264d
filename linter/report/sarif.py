"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

Rules carry their summary and markdown documentation so a viewer can explain
a result without our docs site. Fixes are not SARIF ``fixes``: those need
byte regions to replace, and our fixes are edits on the syntax tree applied
by ``--fix``; the fix's text and lines go into the message and properties.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from linter.report.escape import unicode_data
from linter.report.identity import fingerprints, uri
from linter.report.summary import tool_version

if TYPE_CHECKING:
    from linter.engine.findings import Finding, Fix
    from linter.engine.rules import Rule
    from linter.report import Report

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "smtplintFindingHash/v1"


def _descriptor(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description, "markdown": rule.description},
        "help": {"text": rule.description, "markdown": rule.description},
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"tags": list(rule.tags), "profile": rule.profile},
    }


def _descriptors(report: Report) -> list[dict]:
    """Every rule the caller gave, then a bare entry for any finding whose
    rule it did not give, so each result has a valid ruleIndex."""
    descriptors = [_descriptor(rule) for rule in report.rules.values()]
    known = {rule_id for rule_id in report.rules}
    for finding in report.findings:
        if finding.rule not in known:
            known.add(finding.rule)
            descriptors.append({"id": finding.rule})
    return descriptors


def _fix_text(fix: Fix) -> str:
    return "\n".join([f"Fix: {fix.description}", *(f"    {line}" for line in fix.lines)])


def _location(finding: Finding) -> dict:
    physical: dict = {"artifactLocation": {"uri": uri(finding.path)}}
    region = {}
    if finding.line >= 1:
        region["startLine"] = finding.line
        if finding.column >= 1:
            region["startColumn"] = finding.column
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(finding: Finding, index: int, fingerprint: str) -> dict:
    text = finding.message
    properties: dict = {"tags": list(finding.tags)}
    if finding.service is not None:
        properties["service"] = finding.service
    if finding.fix is not None:
        text = f"{text}\n{_fix_text(finding.fix)}"
        properties["fix"] = {"description": finding.fix.description,
                             "lines": list(finding.fix.lines)}
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [_location(finding)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": properties,
    }


def document(report: Report) -> dict:
    """The SARIF log as Python data (also used by tests)."""
    rules = _descriptors(report)
    index = {descriptor["id"]: number for number, descriptor in enumerate(rules)}
    version = tool_version(report)
    pairs = zip(report.findings, fingerprints(report.findings), strict=True)
    results = [_result(finding, index[finding.rule], fingerprint)
               for finding, fingerprint in pairs]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "smtplint", "version": version,
                                "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: Report) -> str:
    return json.dumps(unicode_data(document(report)), indent=2, ensure_ascii=True) + "\n"
