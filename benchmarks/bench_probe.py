#!/usr/bin/env python3
"""Probe speed against a real Postfix on loopback, and testssl.sh beside it.

Starts one correct Postfix instance (tests/postfix_instance.py: its own
network namespace, 127.0.0.1:25/465/587) with 200 extra submission
services on 127.0.0.1:20000-20199, then, inside that namespace, measures:

- one full probe of submission://127.0.0.1:587 (SMTP policy, TLS 1.0 and
  1.1 attempts, certificate): median of 7; target < 1 s;
- the three standard ports probed together;
- 200 endpoints concurrently against one: target <= 3x; on bare loopback
  there is no latency to overlap and the 2 cores are shared with 200
  smtpd processes doing TLS, so the same is measured again through a proxy
  that adds a 50 ms round trip (benchmarks/delay_proxy.py; tc netem is
  not available here), the situation concurrency is for;
- testssl.sh's protocol pass (``testssl --protocols --starttls smtp``) on
  the same server in the same run, and the ratio.

Needs root, Debian's postfix, sasl2-bin, iproute2 and testssl.sh
(``apt-get install testssl.sh``). Usage: python3 benchmarks/bench_probe.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from certs import make_ca, make_leaf
from postfix_instance import PostfixInstance, available

EXTRA = 200
FIRST_PORT = 20000
SERVICE = """\
{name} inet n - n - - smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
"""
MEASURE = r"""
import json, statistics, sys, time
from linter.audit.probe import ProbeOptions, probe
from linter.audit.run_probes import probe_all
from linter.audit.targets import Target, parse_target
ca, single_port, first, extra, standard = sys.argv[1:6]
single_port, first, extra = int(single_port), int(first), int(extra)
options = ProbeOptions(ca_file=ca)
one = Target("submission", "127.0.0.1", single_port)
probe(one, options)                      # warm up: smtpd processes, imports
singles = []
for _ in range(7):
    start = time.perf_counter(); result = probe(one, options)
    singles.append(time.perf_counter() - start)
    assert result.problems == [], result.problems
three = None
if standard == "yes":
    start = time.perf_counter(); probe_all(parse_target("127.0.0.1"), options)
    three = time.perf_counter() - start
many = [Target("submission", "127.0.0.1", first + i) for i in range(extra)]
probe_all(many, options, concurrency=extra)   # warm up every service's smtpd
start, cpu = time.perf_counter(), time.process_time()
results = probe_all(many, options, concurrency=extra)
concurrent, client_cpu = time.perf_counter() - start, time.process_time() - cpu
problems = sum(len(r.problems) for r in results)
print(json.dumps({"single": statistics.median(singles), "three": three,
                  "concurrent": concurrent, "client_cpu": client_cpu,
                  "problems": problems}))
"""
# One-way delay of the latency proxy (benchmarks/delay_proxy.py): 25 ms
# each way is a 50 ms round trip, a server in a neighbouring country.
DELAY = 0.025
PROXY_FIRST = 30000


def measure(instance, ca: Path, single_port: int, first: int, standard: bool) -> dict:
    out = subprocess.run(instance.inside([sys.executable, "-c", MEASURE, str(ca),
                                          str(single_port), str(first), str(EXTRA),
                                          "yes" if standard else "no"]),
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def with_latency(instance, ca: Path) -> dict:
    """The same 200 services behind a proxy adding DELAY each way."""
    proxy = subprocess.Popen(instance.inside([sys.executable,
                                              str(ROOT / "benchmarks" / "delay_proxy.py"),
                                              str(DELAY), str(PROXY_FIRST), str(FIRST_PORT),
                                              str(EXTRA)]),
                             stdout=subprocess.PIPE, text=True)
    try:
        assert proxy.stdout.readline().strip() == "ready"
        return measure(instance, ca, PROXY_FIRST, PROXY_FIRST, standard=False)
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def main() -> int:
    reason = available()
    if reason:
        print(f"bench_probe: {reason}", file=sys.stderr)
        return 2
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    base = Path(tempfile.mkdtemp(prefix="smtplint-bench-"))
    base.chmod(0o755)
    ca = make_ca()
    leaf = make_leaf(["mail.test", "127.0.0.1"], ca)
    (base / "ca.pem").write_bytes(ca.cert_pem())
    (base / "chain.pem").write_bytes(leaf.key_pem() + leaf.cert_pem() + ca.cert_pem())
    sasl = base / "sasl"
    sasl.mkdir()
    (sasl / "smtpd.conf").write_text("pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                                     f"sasldb_path: {base / 'sasldb2'}\nmech_list: PLAIN\n")
    master = ("smtp inet n - n - - smtpd\n" + SERVICE.format(name="submission")
              + "submissions inet n - n - - smtpd\n  -o smtpd_tls_wrappermode=yes\n"
                "  -o smtpd_sasl_auth_enable=yes\n"
              + "".join(SERVICE.format(name=f"127.0.0.1:{FIRST_PORT + i}")
                        for i in range(EXTRA)))
    main_cf = {"smtpd_tls_chain_files": str(base / "chain.pem"),
               "smtpd_tls_security_level": "may", "smtpd_tls_auth_only": "yes",
               "smtpd_tls_protocols": ">=TLSv1.2", "smtpd_tls_mandatory_protocols": ">=TLSv1.2",
               "smtpd_sasl_type": "cyrus", "cyrus_sasl_config_path": str(sasl),
               "default_process_limit": "1000"}
    instance = PostfixInstance(base / "postfix", main_cf, master)
    try:
        subprocess.run(["saslpasswd2", "-p", "-c", "-f", str(base / "sasldb2"), "-u",
                        "mail.test", "bench"], input=b"x", check=True)
        instance.start(timeout=60)
        numbers = measure(instance, base / "ca.pem", 587, FIRST_PORT, standard=True)
        latency = with_latency(instance, base / "ca.pem")
        testssl_seconds = None
        if testssl:
            start = time.perf_counter()
            subprocess.run(instance.inside([testssl, "--quiet", "--nodns", "none",
                                            "--warnings", "off", "--protocols",
                                            "--starttls", "smtp", "127.0.0.1:587"]),
                           capture_output=True, check=False, timeout=300)
            testssl_seconds = time.perf_counter() - start
    finally:
        instance.stop()
        shutil.rmtree(base, ignore_errors=True)
    single = numbers["single"]
    print("| measurement | result | target |")
    print("| --- | --- | --- |")
    print(f"| one full probe, submission://127.0.0.1:587 (median of 7) | {single:.3f} s | < 1 s |")
    print(f"| 25 + 465 + 587 of one host | {numbers['three']:.3f} s | |")
    print(f"| {EXTRA} endpoints concurrently | {numbers['concurrent']:.3f} s "
          f"({numbers['concurrent'] / single:.1f}x one; smtplint's own CPU "
          f"{numbers['client_cpu']:.2f} s; {numbers['problems']} problems) | <= 3x |")
    print(f"| with {DELAY * 2000:.0f} ms round trips (delay proxy): one probe | "
          f"{latency['single']:.3f} s | |")
    print(f"| with {DELAY * 2000:.0f} ms round trips: {EXTRA} endpoints concurrently | "
          f"{latency['concurrent']:.3f} s ({latency['concurrent'] / latency['single']:.1f}x "
          f"one; {latency['problems']} problems) | <= 3x |")
    if testssl_seconds is not None:
        print(f"| testssl.sh --protocols --starttls smtp, same server | {testssl_seconds:.2f} s "
              f"({testssl_seconds / single:.0f}x one smtplint probe) | |")
    else:
        print("| testssl.sh | not installed (apt-get install testssl.sh) | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
