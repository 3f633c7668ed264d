"""Every probe and host rule has fixtures that fire and look-alikes that
must not, like the lint rules.

Probe fixtures (``server.yaml``) configure the tests' own SMTP server
(tests/smtp_fake.py) and name the target's role; host fixtures
(``host.yaml`` beside main.cf/master.cf) say what the host has, and run in
a fresh network namespace so /proc/net/tcp holds only what they open.
"""

from __future__ import annotations

import json
import shutil
import sys

import pytest
import yaml
from certs import make_ca, make_leaf
from conftest import FIXTURES, REQUIRE_ALL, ROOT
from limits import run_limited
from smtp_fake import Behaviour, FakeServer

from linter.audit.limits import Timeouts
from linter.audit.probe import ProbeOptions, probe
from linter.audit.targets import Target
from linter.engine.rules import builtin_rules

PROBE_RULES = [rule.id for rule in builtin_rules() if rule.stage == "probe"]
HOST_RULES = [rule.id for rule in builtin_rules() if rule.stage == "host"]
BEHAVIOUR_KEYS = set(Behaviour.__dataclass_fields__)

requires_netns = pytest.mark.skipif(
    (shutil.which("unshare") is None or shutil.which("ip") is None
     or not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() != 0)
    and not REQUIRE_ALL,
    reason="host fixtures need root, unshare and ip (a network namespace of their own)")


def _dirs(rule_id: str, prefix: str) -> list:
    base = FIXTURES / "rules" / rule_id
    return sorted(p for p in base.glob(f"{prefix}*") if p.is_dir()) if base.is_dir() else []


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """Certificates for 127.0.0.1: good, expired, wrong name, self-signed,
    and one from a CA the probe does not trust."""
    directory = tmp_path_factory.mktemp("pki")
    ca, other_ca = make_ca(), make_ca("another CA")
    leaves = {"good": make_leaf(["127.0.0.1", "fake.test"], ca),
              "expired": make_leaf(["127.0.0.1"], ca, days=-3),
              "wrong-name": make_leaf(["other.invalid"], ca),
              "self-signed": make_leaf(["127.0.0.1"], None),
              "untrusted": make_leaf(["127.0.0.1"], other_ca)}
    files = {}
    for name, leaf in leaves.items():
        path = directory / f"{name}.pem"
        chain = [leaf.key_pem(), leaf.cert_pem()]
        if name == "untrusted":
            chain.append(other_ca.cert_pem())
        path.write_bytes(b"".join(chain))
        files[name] = path
    (directory / "ca.pem").write_bytes(ca.cert_pem())
    (directory / "ca+self.pem").write_bytes(ca.cert_pem() + leaves["self-signed"].cert_pem())
    return directory, files


def probe_fixture(directory, pki) -> list[str]:
    spec = yaml.safe_load((directory / "server.yaml").read_text())
    pki_dir, files = pki
    behaviour = Behaviour(**{k: v for k, v in spec.items() if k in BEHAVIOUR_KEYS})
    ca_file = pki_dir / ("ca+self.pem" if spec.get("trust_cert") else "ca.pem")
    options = ProbeOptions(ca_file=str(ca_file), timeouts=Timeouts(2, 2, 10))
    server = FakeServer(behaviour, str(files[spec.get("cert", "good")]))
    with server:
        port = server.port
        if spec.get("closed"):
            server.close()
        result = probe(Target(spec["role"], "127.0.0.1", port), options)
    return [problem.rule for problem in result.problems]


@pytest.mark.parametrize("rule_id", PROBE_RULES)
def test_probe_rule_fires_on_its_fixtures(rule_id, pki):
    dirs = _dirs(rule_id, "fires")
    assert dirs, f"tests/fixtures/rules/{rule_id}/fires*/ is missing"
    for directory in dirs:
        assert rule_id in probe_fixture(directory, pki), directory


@pytest.mark.parametrize("rule_id", PROBE_RULES)
def test_probe_rule_is_quiet_on_its_lookalikes(rule_id, pki):
    dirs = _dirs(rule_id, "clean")
    assert dirs, f"tests/fixtures/rules/{rule_id}/clean*/ is missing"
    for directory in dirs:
        assert rule_id not in probe_fixture(directory, pki), directory


def test_the_good_fake_server_has_no_problem(pki):
    for role, implicit in (("submission", False), ("smtp", False), ("submissions", True)):
        with FakeServer(Behaviour(implicit_tls=implicit), str(pki[1]["good"])) as server:
            result = probe(Target(role, "127.0.0.1", server.port),
                           ProbeOptions(ca_file=str(pki[0] / "ca.pem")))
        assert result.problems == [], (role, result.problems)


def host_fixture(directory, tmp_path) -> list[dict]:
    work = tmp_path / directory.name
    result = run_limited(["unshare", "--net", sys.executable, str(ROOT / "tests" / "host_fixture.py"),
                          str(directory), str(work)], seconds=60, memory_mb=2048)
    assert result.code == 0, result.err[-2000:]
    return json.loads(result.out)


@requires_netns
@pytest.mark.parametrize("rule_id", HOST_RULES)
def test_host_rule_fires_on_its_fixtures(rule_id, tmp_path):
    dirs = _dirs(rule_id, "fires")
    assert dirs, f"tests/fixtures/rules/{rule_id}/fires*/ is missing"
    for directory in dirs:
        found = [f["rule"] for f in host_fixture(directory, tmp_path)]
        assert rule_id in found, (directory, found)


@requires_netns
@pytest.mark.parametrize("rule_id", HOST_RULES)
def test_host_rule_is_quiet_on_its_lookalikes(rule_id, tmp_path):
    dirs = _dirs(rule_id, "clean")
    assert dirs, f"tests/fixtures/rules/{rule_id}/clean*/ is missing"
    for directory in dirs:
        found = host_fixture(directory, tmp_path)
        assert rule_id not in [f["rule"] for f in found], (directory, found)
