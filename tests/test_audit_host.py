"""``smtplint audit`` on configuration directories with the real postconf:
instances, their names in messages, and what a non-root audit leaves
unjudged."""

from __future__ import annotations

import json
import os
import sys
import time

import pytest
from certs import make_ca, make_leaf
from conftest import REQUIRE_ALL, requires_postconf
from limits import run_limited

from linter.audit.host import discover_host

AUDIT = [sys.executable, "-m", "linter", "audit"]


def _write(directory, name, text):
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(text)
    old = time.time() - 10       # postconf re-reads files changed within the last second
    os.utime(path, (old, old))


@pytest.fixture
def two_instances(tmp_path):
    base, out = tmp_path / "postfix", tmp_path / "postfix-out"
    _write(base, "main.cf", f"multi_instance_directories = {out}\nmultionly = x\n")
    _write(base, "master.cf", "smtp inet n - n - - smtpd\n")
    _write(out, "main.cf", "multi_instance_name = postfix-out\nmulti_instance_enable = yes\n"
                           "smtpd_tls_security_level = may\n")
    _write(out, "master.cf", "submission inet n - n - - smtpd\n"
                             "  -o smtpd_tls_security_level=may\n")
    return base, out


@requires_postconf
def test_every_instance_is_found_and_named(two_instances):
    base, out = two_instances
    host = discover_host(str(base))
    assert [(i.name, i.config_dir) for i in host.instances] == [
        ("default", str(base)), ("postfix-out", str(out))]
    assert all(i.mail_version and i.version for i in host.instances)
    result = run_limited([*AUDIT, "--config-dir", str(base), "-f", "json"], seconds=60)
    findings = json.loads(result.out)["findings"]
    tls = [f for f in findings if f["rule"] == "submission-tls-not-required"]
    assert tls and tls[0]["message"].startswith("instance postfix-out: ")
    assert tls[0]["path"] == str(out / "master.cf")
    assert any(f["message"].startswith("instance default: ") for f in findings)


def test_without_postconf_the_files_are_still_audited(two_instances):
    _, out = two_instances
    result = run_limited([*AUDIT, "--config-dir", str(out), "--no-postconf", "-f", "json"],
                         seconds=60)
    rules = {f["rule"] for f in json.loads(result.out)["findings"]}
    assert "submission-tls-not-required" in rules


def test_a_missing_config_dir_is_a_usage_error(tmp_path):
    result = run_limited([*AUDIT, "--config-dir", str(tmp_path / "nope")], seconds=30)
    assert result.code == 2 and "no such directory" in result.err


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to nobody")
def test_a_key_only_root_can_read_is_not_judged_by_a_non_root_audit(tmp_path):
    """smtpd reads keys as root: a non-root audit says it could not judge,
    instead of reporting tls-cert-invalid[unreadable]."""
    tmp_path.chmod(0o755)
    leaf = make_leaf(["mail.example.org"], make_ca())
    chain = tmp_path / "chain.pem"
    chain.write_bytes(leaf.key_pem() + leaf.cert_pem())
    chain.chmod(0o600)
    _write(tmp_path / "etc", "main.cf", "myhostname = mail.example.org\n"
           f"smtpd_tls_security_level = may\nsmtpd_tls_chain_files = {chain}\n")
    _write(tmp_path / "etc", "master.cf", "submission inet n - n - - smtpd\n")
    (tmp_path / "etc").chmod(0o755)
    from linter.audit.host_checks import HostOptions, host_findings
    from linter.engine.rules import builtin_rules
    from linter.postfix.load import load_configuration, pair_for

    config = load_configuration(pair_for(str(tmp_path / "etc")))
    rules = {rule.id: rule for rule in builtin_rules() if rule.stage == "host"}
    as_root = host_findings(config, rules, HostOptions())
    assert as_root == []
    options = HostOptions()
    os.seteuid(65534)          # only for the read: smtpd's files stay root's
    try:
        as_nobody = host_findings(config, rules, options)
    finally:
        os.seteuid(0)
    assert as_nobody == []
    assert any("run smtplint audit as root" in note for note in options.notes)


@pytest.mark.skipif(os.geteuid() != 0 and not REQUIRE_ALL,
                    reason="needs root for a network namespace of its own")
@requires_postconf
@pytest.mark.parametrize("prefix, relays", [("/0", True), ("/24", False)])
def test_the_hosts_own_mynetworks_lets_open_relay_judge(tmp_path, prefix, relays):
    """An unwritten mynetworks is the host's: lint cannot know it and
    open-relay abstains. In a namespace whose loopback carries an address
    with a /0 prefix, Postfix derives 0.0.0.0/0 (mynetworks_style=subnet)
    and the audit reports the relay; with a /24 it does not."""
    etc = tmp_path / "etc"
    _write(etc, "main.cf", "compatibility_level = 3.6\nmynetworks_style = subnet\n"
                           "smtpd_relay_restrictions = permit_mynetworks, "
                           "reject_unauth_destination\n")
    _write(etc, "master.cf", "smtp inet n - n - - smtpd\n")
    linted = run_limited([sys.executable, "-m", "linter", "lint", str(etc), "-f", "json"],
                         seconds=60)
    assert "open-relay" not in {f["rule"] for f in json.loads(linted.out)["findings"]}
    script = f'ip link set lo up && ip addr add 10.9.8.7{prefix} dev lo && exec "$0" "$@"'
    audited = run_limited(["unshare", "--net", "--", "sh", "-c", script, *AUDIT,
                           "--config-dir", str(etc), "-f", "json"], seconds=60)
    found = [f for f in json.loads(audited.out)["findings"] if f["rule"] == "open-relay"]
    assert bool(found) is relays, audited.err[-2000:]
    if relays:
        assert "0.0.0.0/0" in found[0]["message"]
        assert "derived by Postfix from this host's interfaces" in found[0]["message"]
        assert found[0]["message"].startswith("instance default: ")


@pytest.mark.skipif(os.geteuid() != 0 and not REQUIRE_ALL,
                    reason="needs root for a network namespace of its own")
@requires_postconf
@pytest.mark.parametrize("enable", ["yes", "no"])
def test_a_disabled_instance_is_linted_but_not_expected_to_listen(tmp_path, enable):
    """postfix start skips an instance with multi_instance_enable = no, so
    its closed 587 is no service-not-listening (and --probe leaves it out);
    its files are still linted. Run where nothing listens at all."""
    base, out = tmp_path / "postfix", tmp_path / "postfix-out"
    _write(base, "main.cf", f"multi_instance_directories = {out}\n")
    _write(base, "master.cf", "smtp inet n - n - - smtpd\n")
    _write(out, "main.cf", "multi_instance_name = postfix-out\n"
                           f"multi_instance_enable = {enable}\nsmtpd_tls_security_level = may\n")
    _write(out, "master.cf", "submission inet n - n - - smtpd\n"
                             "  -o smtpd_tls_security_level=may\n")
    host = discover_host(str(base))
    assert [(i.name, i.enabled) for i in host.instances] == [
        ("default", True), ("postfix-out", enable == "yes")]
    lo_up = 'ip link set lo up && exec "$0" "$@"'
    result = run_limited(["unshare", "--net", "--", "sh", "-c", lo_up, *AUDIT,
                          "--config-dir", str(base), "--probe", "-f", "json"], seconds=60)
    report = json.loads(result.out)
    of_out = [f for f in report["findings"] if f["message"].startswith("instance postfix-out: ")]
    assert "submission-tls-not-required" in {f["rule"] for f in of_out}
    listening = [f for f in of_out if f["rule"] == "service-not-listening"]
    probed = {f["path"] for f in report["findings"] if f["rule"] == "probe-unreachable"}
    assert bool(listening) is (enable == "yes")
    assert ("submission://127.0.0.1:587" in probed) is (enable == "yes")
    notes = " ".join(n["message"] for n in report["notifications"])
    assert ("instance postfix-out is disabled" in notes) is (enable == "no")


@pytest.mark.skipif(os.geteuid() != 0 and not REQUIRE_ALL,
                    reason="needs root for a network namespace of its own")
@requires_postconf
def test_a_failing_postconf_is_said_not_silent(two_instances):
    """With no interface up, postconf exits fatally for any question: the
    audit still judges the files it was given, and says that other
    instances and the host's values could not be asked for."""
    base, _ = two_instances
    result = run_limited(["unshare", "--net", "--", *AUDIT, "--config-dir", str(base),
                          "-f", "json"], seconds=60)
    report = json.loads(result.out)
    notes = [n["message"] for n in report["notifications"]]
    assert any("postconf failed" in note and "multi_instance_directories" in note
               for note in notes), notes
    assert any(f["message"].startswith("instance default: ") for f in report["findings"])
