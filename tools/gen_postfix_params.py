#!/usr/bin/env python3
"""Generate linter/data/postfix_params.json from a real Postfix.

Runs ``postconf -d`` against an empty configuration directory, so the
defaults are Postfix's own, and finds the raw parameters (those Postfix
never expands) by asking ``postconf -nx`` to expand a probe reference in
every parameter: where the probe survives, the parameter is raw.

Usage: python tools/gen_postfix_params.py [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

PROBE = "$smtplint_undefined_probe"
HOST_DERIVED = ("myhostname", "mydomain", "mynetworks", "process_id", "process_name")
OUTPUT = Path(__file__).resolve().parent.parent / "linter" / "data" / "postfix_params.json"


def _postconf(config_dir: str, *args: str) -> str:
    result = subprocess.run(
        ["postconf", "-c", config_dir, *args],
        check=True, capture_output=True, text=True,
    )
    return result.stdout


def _write_config(config_dir: str, main_cf: str) -> None:
    for name, text in (("main.cf", main_cf), ("master.cf", "")):
        path = os.path.join(config_dir, name)
        Path(path).write_text(text)
        # postconf re-reads files changed within the last second: age them.
        old = os.path.getmtime(path) - 10
        os.utime(path, (old, old))


def _parse_assignments(text: str) -> dict[str, str]:
    params = {}
    for line in text.splitlines():
        name, _, value = line.partition(" =")
        params[name] = value[1:] if value.startswith(" ") else value
    return params


def generate() -> dict:
    with tempfile.TemporaryDirectory() as config_dir:
        _write_config(config_dir, "")
        defaults = _parse_assignments(_postconf(config_dir, "-d"))
        version = defaults["mail_version"]
        probe_cf = "".join(f"{name} = {PROBE}\n" for name in defaults)
        _write_config(config_dir, probe_cf)
        expanded = _parse_assignments(_postconf(config_dir, "-nx"))
    raw = sorted(name for name, value in expanded.items() if PROBE in value)
    # config_directory reflects the -c argument, not a real default.
    defaults["config_directory"] = "/etc/postfix"
    # These defaults describe the machine that ran this script, not the one
    # being linted: ship them as unknown.
    for name in HOST_DERIVED:
        defaults[name] = ""
    return {"postfix_version": version, "defaults": defaults, "raw": raw,
            "host_derived": sorted(HOST_DERIVED)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    data = generate()
    args.output.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(data['defaults'])} parameters ({len(data['raw'])} raw) "
          f"from Postfix {data['postfix_version']} to {args.output}")


if __name__ == "__main__":
    main()
