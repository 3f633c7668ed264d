"""One finding per cause: a main.cf line (or a Postfix default) that gives
several services the same problem, fixed by one edit, is one finding at
the cause naming the services, with related places at their entries; and
how suppression comments act on such a finding."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from linter.lint import lint_pair
from linter.postfix.load import pair_for

SHARED = FIXTURES / "rules" / "tls-legacy-protocols" / "fires-shared"
RULE = "tls-legacy-protocols"


def lint(directory) -> list:
    return [f for f in lint_pair(pair_for(str(directory))) if f.rule == RULE]


def copy(tmp_path):
    for name in ("main.cf", "master.cf"):
        shutil.copy(SHARED / name, tmp_path / name)
    return tmp_path


def suppress_before(path, first_line_text: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(first_line_text))
    lines.insert(index, f"# smtplint: disable={RULE}\n")
    path.write_text("".join(lines))


def test_one_finding_at_the_cause_names_every_service():
    [finding] = lint(SHARED)
    assert (finding.path.rsplit("/", 1)[-1], finding.line, finding.column) == ("main.cf", 6, 1)
    assert (finding.service, finding.parameter, finding.severity) == (
        None, "smtpd_tls_mandatory_protocols", "error")
    assert finding.message == (
        "smtpd_tls_mandatory_protocols=!SSLv2, !SSLv3 (main.cf:6) admits TLSv1 and TLSv1.1 "
        "on submission (master.cf:2), submissions (master.cf:5) and 10587 (master.cf:8)")
    assert [(r.path.rsplit("/", 1)[-1], r.line, r.column, r.label) for r in finding.related] == [
        ("master.cf", 2, 1, "submission/inet"), ("master.cf", 5, 1, "submissions/inet"),
        ("master.cf", 8, 1, "10587/inet")]
    [edit] = finding.fix.edits
    assert (edit.action, edit.name, edit.value, edit.service) == (
        "set", "smtpd_tls_mandatory_protocols", ">=TLSv1.2", None)
    assert edit.path.endswith("main.cf")


def test_suppression_before_a_service_entry_takes_that_service_out(tmp_path):
    copy(tmp_path)
    suppress_before(tmp_path / "master.cf", "submissions ")
    [finding] = lint(tmp_path)
    assert [r.label for r in finding.related] == ["submission/inet", "10587/inet"]
    assert "submissions" not in finding.message


def test_suppression_before_every_service_entry_removes_the_finding(tmp_path):
    copy(tmp_path)
    for entry in ("submission ", "submissions ", "10587 "):
        suppress_before(tmp_path / "master.cf", entry)
    assert lint(tmp_path) == []


def test_suppression_before_the_cause_removes_the_finding(tmp_path):
    copy(tmp_path)
    suppress_before(tmp_path / "main.cf", "smtpd_tls_mandatory_protocols")
    assert lint(tmp_path) == []


def test_disable_file_in_master_cf_covers_every_service(tmp_path):
    copy(tmp_path)
    master = tmp_path / "master.cf"
    master.write_text(f"# smtplint: disable-file={RULE}\n" + master.read_text())
    assert lint(tmp_path) == []


def test_a_service_own_override_stays_its_own_finding(tmp_path):
    """The value from a service's -o is fixed there: per-service finding,
    suppressed as before by a comment before the entry."""
    copy(tmp_path)
    master = tmp_path / "master.cf"
    master.write_text(master.read_text().replace(
        "  -o smtpd_upstream_proxy_protocol=haproxy\n",
        "  -o smtpd_upstream_proxy_protocol=haproxy\n  -o smtpd_tls_mandatory_protocols=>=TLSv1\n"))
    found = {f.service: f for f in lint(tmp_path)}
    assert set(found) == {None, "10587/inet"}
    assert (found["10587/inet"].line, found["10587/inet"].column) == (11, 6)
    assert [r.label for r in found[None].related] == ["submission/inet", "submissions/inet"]
    suppress_before(master, "10587 ")
    assert {f.service for f in lint(tmp_path)} == {None}


@pytest.mark.parametrize("rule, case, services", [
    ("mx-sasl-enabled", "fires-two-listeners", ["192.0.2.1:smtp/inet", "192.0.2.2:smtp/inet"]),
    ("sasl-auth-before-tls", "fires-shared", ["smtp/inet", "submission/inet", "smtps/inet"]),
])
def test_other_rules_with_one_cause(rule, case, services):
    directory = FIXTURES / "rules" / rule / case
    [finding] = [f for f in lint_pair(pair_for(str(directory))) if f.rule == rule]
    assert finding.service is None and finding.path.endswith("main.cf")
    assert [r.label for r in finding.related] == services


# -- the shared corpus --------------------------------------------------------
# Before and after one finding per cause (tools/corpus_findings.py): no
# service lost a finding; per-service findings with one main.cf fix merged
# into one at the cause. tls-legacy-protocols: the default
# smtpd_tls_mandatory_protocols for 587+465 in bendiscz, bun, feministwiki,
# fincham, hardware, nicholasngai, roumano, sejonj, smacz42 (3 -> 2, 2 -> 1
# in danwin, iredmail); sasl-auth-before-tls in arf20net and teekups;
# sender-login-maps-missing in docker-mailserver, floeff, smacz42;
# relay-control-missing in iredmail and mktsnix (3 -> 1); mx-sasl-enabled in
# mailad, whose master.cf has two smtp entries. All the same real problems.

from conftest import corpus_dir, requires_corpus

from linter.postfix.load import ConfigPaths


@requires_corpus
@pytest.mark.parametrize("name, rule, parameter, services", [
    ("bendiscz-mail", "tls-legacy-protocols", "smtpd_tls_mandatory_protocols",
     ["submission/inet", "smtps/inet"]),
    ("teekups-mail", "sasl-auth-before-tls", "smtpd_tls_auth_only", ["smtp/inet", "smtps/inet"]),
    ("docker-mailserver", "sender-login-maps-missing", "smtpd_sender_login_maps",
     ["submission/inet", "submissions/inet"]),
])
def test_corpus_one_finding_per_cause(name, rule, parameter, services):
    base = corpus_dir() / "postfix" / name
    found = [f for f in lint_pair(ConfigPaths(str(base / "main.cf"), str(base / "master.cf")))
             if f.rule == rule and f.parameter == parameter]
    [finding] = found
    assert finding.path.endswith("main.cf") and finding.service is None
    assert [r.label for r in finding.related] == services


MESSAGE_LIMIT = 340


def test_messages_are_one_readable_line():
    """Every message on every fixture: one line, well under the old ~400
    characters (a long value is quoted once; text output shortens it)."""
    checked = 0
    for directory in sorted((FIXTURES / "rules").glob("*/fires*")):
        for finding in lint_pair(pair_for(str(directory))):
            checked += 1
            assert "\n" not in finding.message
            assert len(finding.message) <= MESSAGE_LIMIT, (directory.name, finding.message)
    assert checked > 100


def test_a_long_value_is_quoted_once_and_shortened(tmp_path):
    ciphers = ":".join(f"ECDHE-RSA-SUITE{i}-SHA384" for i in range(30)) + ":RC4"
    (tmp_path / "main.cf").write_text(
        "compatibility_level = 3.6\nsmtpd_tls_chain_files = /k.pem, /c.pem\n"
        f"smtpd_tls_security_level = may\ntls_medium_cipherlist = {ciphers}\n")
    (tmp_path / "master.cf").write_text(
        "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n"
        "  -o smtpd_tls_security_level=encrypt\nsubmissions inet n - y - - smtpd\n"
        "  -o smtpd_tls_wrappermode=yes\n")
    [finding] = [f for f in lint_pair(pair_for(str(tmp_path))) if f.rule == "tls-weak-ciphers"]
    assert len(ciphers) > 700
    assert finding.message.count(ciphers) == 1     # once, not once per service
    assert len(finding.message) < len(ciphers) + 150
    assert [r.label for r in finding.related] == ["smtp/inet", "submission/inet",
                                                  "submissions/inet"]
