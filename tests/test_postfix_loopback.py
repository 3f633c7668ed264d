"""``smtplint probe`` and ``smtplint audit`` against real Postfix instances.

Five instances start once for this module (tests/postfix_instance.py), each
in its own network namespace with 127.0.0.1:25, :465 and :587: a correct
one, a weak one (587 at ``may`` without auth-only, 465 without
wrappermode, Postfix 3.7's default protocols, which on Debian 12 accept
TLS 1.0 and 1.1 without any security-level change: verified by the probe),
and three with a bad certificate (expired, wrong name, self-signed).
Certificates come from ``cryptography``; AUTH is Cyrus SASL with a sasldb
made by sasl2-bin's saslpasswd2 (no daemon to run). The probe must find
every problem of the broken ones and nothing on the correct one, and the
audit of the same config directories must agree with it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from certs import make_ca, make_leaf
from conftest import REQUIRE_ALL
from limits import run_limited
from postfix_instance import PostfixInstance, available

REASON = available()
pytestmark = pytest.mark.skipif(REASON is not None and not REQUIRE_ALL,
                                reason=f"real Postfix instances: {REASON}")

NAMES = ["mail.test", "127.0.0.1"]
GOOD_MASTER = """\
smtp       inet n - n - - smtpd
submission inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
submissions inet n - n - - smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
"""
WEAK_MASTER = """\
smtp       inet n - n - - smtpd
submission inet n - n - - smtpd
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=no
  -o smtpd_sasl_auth_enable=yes
submissions inet n - n - - smtpd
  -o smtpd_sasl_auth_enable=yes
"""
MODERN = {"smtpd_tls_protocols": ">=TLSv1.2", "smtpd_tls_mandatory_protocols": ">=TLSv1.2"}
# probe rule -> the lint/host rules that answer the same question
SHARED = {
    "probe-auth-before-starttls": {"sasl-auth-before-tls", "mx-sasl-enabled"},
    "probe-plaintext-mail-accepted": {"submission-tls-not-required"},
    "probe-implicit-tls-failed": {"submissions-wrappermode-missing"},
    "probe-legacy-tls": {"tls-legacy-protocols"},
    "probe-cert-invalid[expired]": {"tls-cert-invalid[expired]"},
    "probe-cert-invalid[name-mismatch]": {"tls-cert-invalid[name-mismatch]"},
    "probe-starttls-missing": {"tls-cert-missing"},
    "probe-unreachable": {"service-not-listening"},
}
SERVICE = {"smtp": "smtp/inet", "submission": "submission/inet",
           "submissions": "submissions/inet"}


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pki")
    ca = make_ca()
    (directory / "ca.pem").write_bytes(ca.cert_pem())
    leaves = {"good": make_leaf(NAMES, ca), "expired": make_leaf(NAMES, ca, days=-2),
              "wrong-name": make_leaf(["other.invalid"], ca),
              "self-signed": make_leaf(NAMES, None)}
    files = {}
    for name, leaf in leaves.items():
        files[name] = directory / f"{name}.pem"
        files[name].write_bytes(leaf.key_pem() + leaf.cert_pem()
                                + (b"" if name == "self-signed" else ca.cert_pem()))
        files[name].chmod(0o600)
    return directory / "ca.pem", files


def _sasl(root):
    """Cyrus SASL for smtpd: smtpd.conf and a sasldb with one user, so that
    AUTH is advertised; no daemon is involved."""
    sasl = root / "etc" / "sasl"
    sasl.mkdir(parents=True)
    db = root / "etc" / "sasldb2"
    (sasl / "smtpd.conf").write_text(f"pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                                     f"sasldb_path: {db}\nmech_list: PLAIN LOGIN\n")
    subprocess.run(["saslpasswd2", "-p", "-c", "-f", str(db), "-u", "mail.test", "tester"],
                   input=b"not-a-real-password", check=True, timeout=30)
    import os
    import pwd

    os.chown(db, pwd.getpwnam("postfix").pw_uid, -1)
    return {"smtpd_sasl_type": "cyrus", "cyrus_sasl_config_path": str(sasl)}


@pytest.fixture(scope="module")
def instances(tmp_path_factory, pki):
    if REASON is not None:
        pytest.fail(f"SMTPLINT_REQUIRE_ALL is set but {REASON}")
    _, certs = pki
    plans = {
        "good": (certs["good"], MODERN | {"smtpd_tls_auth_only": "yes"}, GOOD_MASTER),
        "weak": (certs["good"], {}, WEAK_MASTER),
        "expired": (certs["expired"], MODERN, GOOD_MASTER),
        "wrong-name": (certs["wrong-name"], MODERN, GOOD_MASTER),
        "self-signed": (certs["self-signed"], MODERN, GOOD_MASTER),
    }
    started = {}
    # Not under pytest's base directory: it is mode 0700, and Postfix's
    # daemons (and master, for data_directory) work as the postfix user.
    base = Path(tempfile.mkdtemp(prefix="smtplint-postfix-"))
    base.chmod(0o755)
    try:
        for name, (cert, extra, master) in plans.items():
            root = base / name
            root.mkdir()
            main = {"smtpd_tls_chain_files": str(cert), "smtpd_tls_security_level": "may",
                    **_sasl(root), **extra}
            instance = PostfixInstance(root, main, master)
            started[name] = instance
            instance.start()
        yield started
    finally:
        for instance in started.values():
            instance.stop()
        for instance in started.values():
            assert instance.process.poll() is not None, "a master is still running"
        shutil.rmtree(base, ignore_errors=True)


def _smtplint(instance, module, *args, seconds=60):
    argv = instance.inside([sys.executable, "-m", "linter", module.removesuffix("_command"), *args,
                            "-f", "json"])
    result = run_limited(argv, seconds=seconds, memory_mb=2048)
    assert result.code in (0, 1), result.err[-3000:]
    return json.loads(result.out)["findings"]


@pytest.fixture(scope="module")
def probed(instances, pki):
    ca_file, _ = pki
    return {name: _smtplint(instance, "probe_command", "127.0.0.1", "--ca-file", str(ca_file))
            for name, instance in instances.items()}


@pytest.fixture(scope="module")
def audited(instances):
    return {name: _smtplint(instance, "audit_command", "--config-dir",
                            str(instance.config_dir))
            for name, instance in instances.items()}


def _by_target(findings):
    return {(f["path"].split("://")[0], f["rule"]) for f in findings}


def test_correct_setup_has_no_probe_finding(probed):
    assert probed["good"] == []


def test_weak_setup_has_every_problem(probed):
    assert _by_target(probed["weak"]) == {
        ("submission", "probe-auth-before-starttls"),
        ("submission", "probe-plaintext-mail-accepted"),
        ("submissions", "probe-implicit-tls-failed"),
        ("smtp", "probe-legacy-tls"), ("submission", "probe-legacy-tls"),
    }
    implicit = [f for f in probed["weak"] if f["rule"] == "probe-implicit-tls-failed"]
    assert "answers in plaintext" in implicit[0]["message"]
    assert all(f["path"] in ("smtp://127.0.0.1:25", "submission://127.0.0.1:587",
                             "submissions://127.0.0.1:465") for f in probed["weak"])


@pytest.mark.parametrize("name, rule", [("expired", "probe-cert-invalid[expired]"),
                                        ("wrong-name", "probe-cert-invalid[name-mismatch]"),
                                        ("self-signed", "probe-cert-invalid[self-signed]")])
def test_bad_certificates_are_found_on_every_port(probed, name, rule):
    assert _by_target(probed[name]) == {(role, rule) for role in SERVICE}


def _audit_answers(findings, role):
    """The audit's findings about the service of ``role``: its own, one
    main.cf cause shared with others (related places), or the instance's."""
    service = SERVICE[role]
    return {f["rule"] for f in findings
            if f["service"] == service
            or (f["service"] is None and (not f["related"]
                                          or service in {r["label"] for r in f["related"]}))}


@pytest.mark.parametrize("name", ["good", "weak", "expired", "wrong-name", "self-signed"])
def test_audit_agrees_with_the_probe(probed, audited, name):
    probe_found = _by_target(probed[name])
    failed_roles = {role for role, rule in probe_found
                    if rule in ("probe-implicit-tls-failed", "probe-unreachable")}
    for role in SERVICE:
        answers = _audit_answers(audited[name], role)
        for probe_rule, audit_rules in SHARED.items():
            if role in failed_roles and probe_rule not in ("probe-implicit-tls-failed",
                                                           "probe-unreachable"):
                continue  # the probe could not ask this question on that port
            if probe_rule == "probe-auth-before-starttls" and role == "submissions":
                continue
            assert ((role, probe_rule) in probe_found) == bool(answers & audit_rules), (
                name, role, probe_rule, sorted(answers))


def test_audit_of_the_correct_setup_has_no_host_finding(audited):
    host_rules = [f for f in audited["good"]
                  if f["rule"].startswith(("tls-cert-invalid", "sasl-", "service-not"))]
    assert host_rules == []


def test_audit_names_the_instance_and_uses_the_hosts_values(instances):
    from linter.audit.host import discover_host
    from linter.postfix.load import load_configuration

    instance = instances["weak"]
    host = discover_host(str(instance.config_dir))
    assert [i.name for i in host.instances] == ["default"]
    found = host.instances[0]
    assert found.mail_version.startswith("3.")
    assert "mynetworks" in found.host_values
    audited = load_configuration(found.paths, found.version, found.host_values)
    linted = load_configuration(found.paths, found.version)
    assert audited.context.setting("mynetworks").known
    assert not linted.context.setting("mynetworks").known


def test_audit_reports_what_lint_reports(instances, audited):
    from linter.lint import lint_pair
    from linter.postfix.load import pair_for

    linted = {(f.rule, f.line) for f in lint_pair(pair_for(str(instances["weak"].config_dir)))}
    audit = {(f["rule"], f["line"]) for f in audited["weak"]
             if f["message"].startswith("instance default: ")}
    assert linted <= audit


def test_audit_without_a_running_master_finds_what_the_probe_finds(instances):
    """A fresh namespace: the same files, but nothing listens."""
    instance = instances["good"]
    result = run_limited(["unshare", "--net", "--", sys.executable, "-m",
                          "linter", "audit", "--config-dir",
                          str(instance.config_dir), "--probe", "-f", "json"],
                         seconds=60, memory_mb=2048)
    findings = json.loads(result.out)["findings"]
    not_listening = {f["service"] for f in findings if f["rule"] == "service-not-listening"}
    unreachable = {f["path"] for f in findings if f["rule"] == "probe-unreachable"}
    assert not_listening == {"submission/inet", "submissions/inet"}
    assert unreachable == {"smtp://127.0.0.1:25", "submission://127.0.0.1:587",
                           "submissions://127.0.0.1:465"}


def test_audit_probe_finds_the_weak_services(instances, pki):
    ca_file, _ = pki
    findings = _smtplint(instances["weak"], "audit_command", "--config-dir",
                         str(instances["weak"].config_dir), "--probe", "--ca-file",
                         str(ca_file))
    assert {"probe-plaintext-mail-accepted", "probe-implicit-tls-failed",
            "submission-tls-not-required"} <= {f["rule"] for f in findings}



FACTS = """
import json, sys
from linter.audit.probe import ProbeOptions, probe
from linter.audit.targets import parse_target
print(json.dumps({t.role: probe(t, ProbeOptions(ca_file=sys.argv[1])).facts
                  for t in parse_target("127.0.0.1")}))
"""


def test_every_check_ran_on_the_correct_setup(instances, pki):
    """No finding must mean "asked and fine", not "never asked": on the
    real Postfix the injection check completes and says safe, plaintext
    MAIL is refused with 530, and AUTH appears only after TLS."""
    ca_file, _ = pki
    result = run_limited(instances["good"].inside([sys.executable, "-c", FACTS, str(ca_file)]),
                         seconds=60, memory_mb=2048)
    assert result.code == 0, result.err[-3000:]
    facts = json.loads(result.out)
    for role in ("smtp", "submission"):
        assert facts[role]["starttls"] is True
        assert facts[role]["injection"] == "safe", facts[role]
        assert facts[role]["auth_before_tls"] is None
    assert facts["submission"]["plaintext_mail"] == 530
    assert facts["submission"]["auth_after_tls"] and facts["submissions"]["auth_after_tls"]
    assert all(facts[role]["chain"] == "trusted" and facts[role]["legacy_tls"] == []
               for role in facts)
