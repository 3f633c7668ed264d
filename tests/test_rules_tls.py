"""The TLS rules: exact messages, locations, severities and fixes, the
protocol and cipher parsers against Postfix and OpenSSL, and the corpus."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import FIXTURES, corpus_dir, requires_corpus, requires_postconf

from linter.engine.builtins.tls_ciphers import weak_families
from linter.engine.builtins.tls_protocols import VERSIONS, admitted_protocols, legacy_admitted
from linter.lint import lint_pair
from linter.postfix.load import ConfigPaths, pair_for

TLS_RULES = ("mx-tls-required", "tls-cert-missing", "tls-legacy-protocols",
             "tls-weak-ciphers", "tls-setting-ignored")


def findings(directory: str | Path, rule: str, version: str = "3.7") -> list:
    return [f for f in lint_pair(pair_for(str(directory)), version=version) if f.rule == rule]


def fixture(rule: str, case: str) -> Path:
    return FIXTURES / "rules" / rule / case


@pytest.mark.parametrize("value, legacy", [
    (">=TLSv1", ("TLSv1", "TLSv1.1")),
    ("!SSLv2, !SSLv3", ("TLSv1", "TLSv1.1")),
    ("!SSLv2:!SSLv3:!TLSv1", ("TLSv1.1",)),
    ("!SSLv2 !SSLv3 !TLSv1 !TLSv1.1", ()),
    (">=TLSv1.2", ()),
    (">=TLSv1.1 <=TLSv1.3", ("TLSv1.1",)),
    ("<=TLSv1.2", ("TLSv1", "TLSv1.1")),
    ("TLSv1.2, TLSv1.3", ()),
    (">=0x0303", ()),
    ("", ("TLSv1", "TLSv1.1")),
])
def test_protocol_lists_read_as_postfix_reads_them(value, legacy):
    assert legacy_admitted(value) == legacy


def test_invalid_protocol_lists_are_unknown():
    assert admitted_protocols("tlsv1.2") is None          # names are case-sensitive
    assert admitted_protocols(">=TLSv9") is None
    assert admitted_protocols(">=TLSv1.2", bounds=False) is None   # before 3.6


@pytest.mark.parametrize("value, admitted", [
    (">=TLSv1.2", ("TLSv1.2", "TLSv1.3")),               # bounds by default (3.6 on)
    ("<=TLSv1.2", ("SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2")),   # the ceiling admitted
    (">=TLSv1.1 <=TLSv1.2", ("TLSv1.1", "TLSv1.2")),
    (">=None <=None", tuple(VERSIONS)),                   # None: no bound
    ("TLSv1.2, TLSv1.3", ("TLSv1.2", "TLSv1.3")),        # names given: only those
    ("TLSv1.2 TLSv1.3 !TLSv1.3", ("TLSv1.2",)),          # and an exclusion still counts
    ("!TLSv1.3 TLSv1.2", ("TLSv1.2",)),
    (">=0x0304", ("TLSv1.3",)),
    (">=\u0663", None),                                   # an Arabic-Indic 3 is no hex number
    (">=0x", None), (">=", None),
])
def test_admitted_protocols_oldest_first(value, admitted):
    assert admitted_protocols(value) == admitted


def test_an_unknown_excluded_name_invalidates_the_whole_list():
    """tls_proto_mask_lims() returns TLS_PROTOCOL_INVALID for ``!name`` with a
    name it does not know, as for an included one, and smtpd then disables
    TLS: the list admits nothing, so no legacy version is reported."""
    assert admitted_protocols("!SSLv2, !SSLV3") is None   # SSLV3: case matters
    assert legacy_admitted("!SSLv2, !SSLV3") is None
    assert legacy_admitted("!SSLv2, !SSLv3") == ("TLSv1", "TLSv1.1")


@pytest.mark.parametrize("cipherlist, exclusions, weak", [
    ("aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH", "", ()),
    ("aNULL:-aNULL:HIGH:@STRENGTH", "", ()),
    ("HIGH:MEDIUM:RC4:DES-CBC3-SHA", "", ("RC4", "3DES")),
    ("HIGH:MEDIUM:RC4", "RC4", ()),
    ("ALL:!aNULL", "", ()),
    ("ALL", "", ("aNULL",)),
    ("eNULL:!aNULL", "", ("NULL",)),
    ("HIGH", "!RC4", None),
    ("HIGH", "+RC4", None), ("HIGH", "-RC4", None), ("HIGH", "@STRENGTH", None),
    ("3DES+kRSA", "", ("3DES",)),             # OpenSSL's AND: each part names
    ("@STRENGTH:RC4", "", ("RC4",)),          # a command is skipped, not the end
    ("@RC4:@SECLEVEL=0", "", ()),             # even one that spells a family
    ("RC4:+RC4", "", ("RC4",)),               # + only moves suites
    ("!RC4:RC4", "", ()),                     # ! bans for good, even before
    ("RC4:-RC4:RC4", "", ("RC4",)),           # - removes, a later name adds back
    ("RC4:-RC4", "", ()),
    ("HIGH,RC4 DES-CBC3-SHA", "", ("RC4", "3DES")),   # commas and blanks separate
])
def test_cipher_lists_name_weak_families(cipherlist, exclusions, weak):
    assert weak_families(cipherlist, exclusions) == weak


@pytest.mark.parametrize("cipherlist, exclusions, weak", [
    ("HIGH:" * 1000 + "RC4", "", ("RC4",)),                 # over the cached length
    ("HIGH:" * 1000 + "RC4", "RC4", ()),
    ("RC4", "aNULL:" * 1000, ("RC4",)),
    ("HIGH:" * 818 + "RC4:" + "x" * 2, "", ("RC4",)),       # 4096 characters in all: cached
])
def test_long_cipher_lists_answer_the_same_uncached(cipherlist, exclusions, weak):
    from linter.engine.builtins.tls_ciphers import CACHED_LENGTH, _cached_weak_families

    _cached_weak_families.cache_clear()
    assert weak_families(cipherlist, exclusions) == weak
    cached = len(cipherlist) + len(exclusions) <= CACHED_LENGTH
    assert _cached_weak_families.cache_info().currsize == (1 if cached else 0)


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_all_admits_anonymous_suites_in_openssl():
    """What the cipher parser claims about ALL holds in the real OpenSSL."""
    out = subprocess.run(["openssl", "ciphers", "-v", "ALL:!EXPORT:!LOW:!RC4"],
                         capture_output=True, text=True, check=True).stdout
    assert any("Au=None" in line for line in out.splitlines())
    out = subprocess.run(["openssl", "ciphers", "-v", "ALL:!EXPORT:!LOW:!RC4:!aNULL"],
                         capture_output=True, text=True, check=True).stdout
    assert not any("Au=None" in line for line in out.splitlines())


@requires_postconf
def test_protocol_defaults_match_postfix():
    postconf = shutil.which("postconf") or "/usr/sbin/postconf"
    out = subprocess.run([postconf, "-dh", "smtpd_tls_mandatory_protocols"],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert legacy_admitted(out) == ("TLSv1", "TLSv1.1")


def by_parameter(found: list) -> dict:
    return {f.parameter: f for f in found}


def test_legacy_protocols_default_on_submission_is_an_error():
    """Both lists are Postfix defaults: one main.cf line fixes each, so each
    is one finding in main.cf naming the services that use it."""
    found = by_parameter(findings(fixture("tls-legacy-protocols", "fires"),
                                  "tls-legacy-protocols"))
    mandatory = found["smtpd_tls_mandatory_protocols"]
    assert (mandatory.severity, mandatory.line, mandatory.service) == ("error", 1, None)
    assert mandatory.message == ("smtpd_tls_mandatory_protocols=>=TLSv1 (the Postfix default) "
                                 "admits TLSv1 and TLSv1.1 on submission (master.cf:2)")
    assert [r.label for r in mandatory.related] == ["submission/inet"]
    assert mandatory.fix.lines == ("smtpd_tls_mandatory_protocols = >=TLSv1.2",)
    smtp = found["smtpd_tls_protocols"]
    assert smtp.severity == "info"
    assert "smtpd_tls_protocols=>=TLSv1 (the Postfix default)" in smtp.message


def test_legacy_protocols_override_is_fixed_by_override():
    [found] = findings(fixture("tls-legacy-protocols", "fires-override"), "tls-legacy-protocols")
    assert (found.line, found.column) == (3, 6)
    assert found.message.endswith("admits TLSv1.1: smtpd_tls_mandatory_protocols=>=TLSv1.1, "
                                  "set by -o at master.cf:3")
    assert found.fix.lines == ("  -o smtpd_tls_mandatory_protocols=>=TLSv1.2",)
    assert found.fix.edits[0].service == "submission/inet"


def test_legacy_protocols_before_3_6_use_the_old_default_and_syntax():
    found = findings(fixture("tls-legacy-protocols", "fires"), "tls-legacy-protocols", "3.5")
    submission = by_parameter(found)["smtpd_tls_mandatory_protocols"]
    assert "smtpd_tls_mandatory_protocols=!SSLv2, !SSLv3 (the Postfix default)" \
        in submission.message
    assert submission.fix.lines == (
        "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1",)


def test_mx_tls_required_from_main_cf_moves_encrypt_to_submission():
    [found] = findings(fixture("mx-tls-required", "fires"), "mx-tls-required")
    assert (found.severity, found.service, found.line) == ("error", None, 5)
    assert found.message.startswith(
        "smtpd_tls_security_level=encrypt (main.cf:5) makes port 25 require STARTTLS: "
        "smtp (master.cf:1). RFC 3207 section 4")
    assert found.fix.lines == ("smtpd_tls_security_level = may",
                               "  -o smtpd_tls_security_level=encrypt")
    edits = [(e.name, e.value, e.service) for e in found.fix.edits]
    assert edits == [("smtpd_tls_security_level", "may", None),
                     ("smtpd_tls_security_level", "encrypt", "submission/inet")]


@pytest.mark.parametrize("case, lines, edits", [
    # wrappermode by -o on the MX: remove it there (port 25 then speaks STARTTLS)
    ("fires-wrapper", (), [("remove", "smtpd_tls_wrappermode", None, "smtp/inet")]),
    # a required level by -o on the MX: make it opportunistic there
    ("fires-override", ("  -o smtpd_tls_security_level=may",),
     [("set", "smtpd_tls_security_level", "may", "smtp/inet")]),
    # wrappermode from main.cf: off there, and on for the submissions service
    # that inherited it (not for submission, which sets its own)
    ("fires-main-wrapper", ("smtpd_tls_wrappermode = no", "  -o smtpd_tls_wrappermode=yes"),
     [("set", "smtpd_tls_wrappermode", "no", None),
      ("set", "smtpd_tls_wrappermode", "yes", "submissions/inet")]),
    # ... but a submissions service that sets its own -o needs no edit
    ("fires-main-wrapper-own", ("smtpd_tls_wrappermode = no",),
     [("set", "smtpd_tls_wrappermode", "no", None)]),
])
def test_mx_tls_required_fix_follows_where_the_requirement_is_written(case, lines, edits):
    """The fix changes the setting at its source, and the right one
    (wrappermode or the level) for the kind of TLS the MX is forced into."""
    [found] = findings(fixture("mx-tls-required", case), "mx-tls-required")
    assert found.fix.lines == lines
    assert [(e.action, e.name, e.value, e.service) for e in found.fix.edits] == edits


def test_mx_tls_required_behind_postscreen_names_enforce_tls():
    [found] = findings(fixture("mx-tls-required", "fires-postscreen"), "mx-tls-required")
    assert [r.label for r in found.related] == ["smtpd/pass"]
    assert found.message.startswith("smtpd_enforce_tls=yes (main.cf:4, obsolete: "
                                    "smtpd_tls_security_level is empty, so smtpd consults it)")


def test_cert_missing_names_every_certificate_parameter():
    [found] = findings(fixture("tls-cert-missing", "fires"), "tls-cert-missing")
    assert (found.severity, found.service, found.line) == ("error", "submission/inet", 3)
    assert found.message == (
        "submission (master.cf:2) uses TLS (smtpd_tls_security_level=encrypt, set by -o at "
        "master.cf:3) but has no server certificate (smtpd_tls_chain_files, "
        "smtpd_tls_cert_file, _eccert_file and _dcert_file are empty): smtpd cannot start "
        "TLS, and clients cannot send mail without it")
    assert found.fix.edits == ()     # example paths are never written by --fix


def test_cert_missing_needs_main_cf_to_judge():
    master = fixture("tls-cert-missing", "fires") / "master.cf"
    found = [f for f in lint_pair(ConfigPaths(None, str(master))) if f.rule == "tls-cert-missing"]
    assert found == []


def test_weak_ciphers_override_fix_excludes_what_it_found():
    [found] = findings(fixture("tls-weak-ciphers", "fires"), "tls-weak-ciphers")
    assert found.severity == "warning"
    assert found.message == ("tls_medium_cipherlist=HIGH:MEDIUM:RC4:DES-CBC3-SHA (main.cf:4) "
                             "admits RC4 and 3DES suites on smtp (master.cf:1)")
    assert (found.line, found.parameter) == (4, "tls_medium_cipherlist")
    assert found.fix.lines == ("smtpd_tls_exclude_ciphers = RC4, 3DES",)


def test_setting_ignored_client_parameter_on_smtpd():
    [found] = findings(fixture("tls-setting-ignored", "fires"), "tls-setting-ignored")
    assert (found.severity, found.line, found.column) == ("info", 4, 6)
    assert found.message.startswith("smtps (master.cf:2): smtp_tls_security_level=encrypt "
                                    "(set by -o at master.cf:4) has no effect")
    assert [(e.action, e.name, e.service) for e in found.fix.edits] == [
        ("remove", "smtp_tls_security_level", "smtps/inet")]


def test_setting_ignored_reports_a_cert_file_once_not_its_defaulted_key_file():
    """smtpd_tls_key_file defaults to $smtpd_tls_cert_file (postconf -d): a
    combined cert+key file leaves the key file unwritten, and only what
    main.cf writes has a line to remove."""
    found = findings(fixture("tls-setting-ignored", "fires-cert-without-key"),
                     "tls-setting-ignored")
    assert [(f.parameter, f.line) for f in found] == [("smtpd_tls_cert_file", 2)]


# --- the shared corpus, as its MANIFEST describes it -------------------------

CORPUS_EXPECTATIONS = [
    # (directory, main, master, rule, service key or None for "must not fire")
    ("smacz42-ansible-role-postfix-server", "main.cf.j2", "master.cf.j2",
     "mx-tls-required", "smtp/inet"),
    ("reverentengineer-mail-server", "main.cf", "master.cf",
     "tls-cert-missing", "submission/inet"),
    ("debian-bookworm-postfix", "main.cf", "master.cf", "tls-cert-missing", None),
    ("bun-mail", "main.cf", "master.cf", "tls-setting-ignored", "smtps/inet"),
    ("grapheneos-mail", "main.cf", "master.cf", "tls-legacy-protocols", None),
    ("mailcow-dockerized", "main.cf", "master.cf", "mx-tls-required", None),
    ("hardware-mailserver", "main.cf", "master.cf", "tls-weak-ciphers", None),
    ("arf20net-mail-conf", "main.cf", "master.cf", "submission-tls-not-required",
     "submission/inet"),
    ("kirilkirkov-postfix-dovecot-mysql", "main.cf", "master.cf",
     "submission-tls-not-required", "submission/inet"),
    ("robbertkl-docker-mail", "main.cf", "master.cf", "submission-tls-not-required",
     "submission/inet"),
    ("docker-mailserver", "main.cf", "master.cf", "submission-tls-not-required", None),
]


def affected(finding) -> set[str]:
    """The services a finding concerns: its own, or those at a shared cause."""
    return {finding.service} if finding.service else {r.label for r in finding.related}


def _corpus_pair(directory: str, main: str | None, master: str | None) -> ConfigPaths:
    base = corpus_dir() / "postfix" / directory
    return ConfigPaths(str(base / main) if main else None, str(base / master) if master else None)


@requires_corpus
@pytest.mark.parametrize("directory, main, master, rule, service", CORPUS_EXPECTATIONS,
                         ids=[f"{e[0]}:{e[3]}" for e in CORPUS_EXPECTATIONS])
def test_corpus_tls_notes(directory, main, master, rule, service):
    found = [f for f in lint_pair(_corpus_pair(directory, main, master)) if f.rule == rule]
    if service is None:
        assert found == []
    else:
        assert service in {key for f in found for key in affected(f)}


@requires_corpus
def test_no_tls_rule_fires_on_template_values():
    """Over every corpus pair: no TLS finding quotes a template placeholder."""
    from linter.postfix.template import has_placeholder

    root = corpus_dir() / "postfix"
    for directory in sorted(p for p in root.iterdir() if p.is_dir()):
        names = sorted(p.name for p in directory.iterdir())
        main = next((n for n in names if n.startswith("main.cf") or "main" in n), None)
        master = next((n for n in names if n.startswith("master.cf") or "master" in n), None)
        for finding in lint_pair(_corpus_pair(directory.name, main, master)):
            if finding.rule in TLS_RULES:
                assert not has_placeholder(finding.message), finding.message


@pytest.mark.parametrize("rule, case, cited", [
    ("submission-tls-not-required", "fires-use-tls", "smtpd_use_tls=yes, inherited from main.cf:3"),
    ("tls-cert-missing", "fires-obsolete", "smtpd_use_tls=yes, inherited from main.cf:2"),
    ("mx-tls-required", "fires-postscreen", "smtpd_enforce_tls=yes, inherited from main.cf:4"),
])
def test_obsolete_tls_switch_that_decides_is_named(rule, case, cited):
    """With smtpd_tls_security_level empty, smtpd reads the obsolete
    switches: the message names that setting, not the empty level."""
    [found] = findings(fixture(rule, case), rule)
    name, rest = cited.split(", ", 1)
    if found.service is None:      # at the main.cf cause
        cited = f"{name} ({rest.removeprefix('inherited from ')}"
    assert f"{cited}, obsolete: smtpd_tls_security_level is empty, so smtpd consults it" \
        in found.message
    assert found.parameter == cited.split("=")[0]
    assert "smtpd_tls_security_level=," not in found.message
