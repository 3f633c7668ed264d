"""Host-rule fixtures: a main.cf/master.cf pair plus ``host.yaml``, which
says what the host has (certificate files, a SASL socket, listening
ports). ``materialize`` builds it in a temporary directory (``@DIR@`` in
the files becomes that directory); run as a script inside a fresh network
namespace it opens the listeners, runs the host checks and prints the
findings as JSON, so /proc/net/tcp holds exactly what the fixture says.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from certs import make_ca, make_leaf


def materialize(fixture: Path, target: Path) -> dict:
    shutil.copytree(fixture, target)
    spec = yaml.safe_load((target / "host.yaml").read_text()) if (target / "host.yaml").exists() \
        else {}
    for name in ("main.cf", "master.cf"):
        path = target / name
        if path.exists():
            path.write_text(path.read_text().replace("@DIR@", str(target)))
    ca = make_ca(days=spec.get("ca_days", 3650))   # the issuer sent after each leaf
    for entry in spec.get("certificates", ()):
        leaf = make_leaf(entry.get("names", ["mail.example.org"]),
                         None if entry.get("self_signed") else ca,
                         entry.get("days", 90), entry.get("key_bits"))
        parts = []
        if entry.get("key", True):
            key = make_leaf(["other.invalid"]).key_pem() if entry.get("wrong_key") \
                else leaf.key_pem()
            parts.append(key)
        chain = [leaf.cert_pem()] + ([] if entry.get("self_signed") else [ca.cert_pem()])
        if entry.get("reverse_chain"):
            chain.reverse()
        parts += chain
        # append: a second (key, chain) tuple in the same file, as
        # smtpd_tls_chain_files allows (an RSA and an EC key, say)
        with open(target / entry["file"], "ab" if entry.get("append") else "wb") as handle:
            handle.write(b"".join(parts))
        if "key_file" in entry:
            (target / entry["key_file"]).write_bytes(leaf.key_pem())
    for directory in spec.get("directories", ()):
        (target / directory).mkdir(parents=True, exist_ok=True)
    for name, text in spec.get("files", {}).items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text.replace("@DIR@", str(target)))
    return spec


def run_checks(directory: Path, spec: dict) -> list[dict]:
    from linter.audit.host_checks import HostOptions, host_findings
    from linter.audit.listening import listening_sockets
    from linter.engine.rules import builtin_rules
    from linter.postfix.load import load_configuration, pair_for

    keep = []
    for address in spec.get("listen", ()):
        host, _, port = address.rpartition(":")
        keep.append(socket.create_server((host, int(port))))
    for path in spec.get("sockets", ()):
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        full = directory / path
        full.parent.mkdir(parents=True, exist_ok=True)
        unix.bind(str(full))
        unix.listen(1)
        keep.append(unix)
    config = load_configuration(pair_for(str(directory)), "3.7", spec.get("host_values"))
    rules = {rule.id: rule for rule in builtin_rules() if rule.stage == "host"}
    findings = host_findings(config, rules, HostOptions(spec.get("expiry_days", 21),
                                                        listening_sockets()))
    for sock in keep:
        sock.close()
    return [finding.to_json() for finding in findings]


if __name__ == "__main__":
    fixture, work = Path(sys.argv[1]), Path(sys.argv[2])
    os.system("ip link set lo up")
    spec = materialize(fixture, work)
    print(json.dumps(run_checks(work, spec)))
