#!/usr/bin/env python3
"""Time the configuration model (not a test): parse + resolve a generated
main.cf of N parameters and master.cf of M services, including every
service's TLS mode and a handful of settings; then 10x the input, which
should take at most 12x the time; then ``smtplint --version`` in a fresh
process.

Usage: python benchmarks/bench_model.py [--params 5000] [--services 2000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve

SETTINGS = ("smtpd_tls_security_level", "smtpd_tls_key_file", "smtpd_sasl_auth_enable",
            "smtpd_relay_restrictions", "syslog_name", "smtpd_tls_mandatory_protocols")


def make_main(count: int) -> str:
    lines = ["compatibility_level = 3.6", "smtpd_tls_security_level = $level_ref",
             "level_ref = may", "smtpd_tls_cert_file = /etc/ssl/mail.pem"]
    for index in range(count - len(lines)):
        if index % 3 == 0:
            lines.append(f"custom_{index} = value {index} $level_ref ${{custom_{index + 1}?x}}")
        elif index % 3 == 1:
            lines.append(f"custom_{index} = first,\n    second {index},\n# note\n    third")
        else:
            lines.append(f"# comment {index}\ncustom_{index} = plain-{index}")
    return "\n".join(lines) + "\n"


def make_master(count: int) -> str:
    entries = []
    for index in range(count):
        if index % 4 == 0:
            entries.append(f"127.0.0.{index % 250}:{10000 + index} inet n - y - - smtpd\n"
                           f"  -o syslog_name=postfix/$service_name\n"
                           f"  -o level_ref=encrypt\n  -o smtpd_sasl_auth_enable=yes")
        elif index % 4 == 1:
            entries.append(f"s{index} inet n - y - - smtpd -o smtpd_tls_wrappermode=yes "
                           f"-o {{ smtpd_client_restrictions = permit_sasl_authenticated, "
                           f"reject }}")
        elif index % 4 == 2:
            entries.append(f"u{index} unix - - n - - smtp -o smtp_helo_timeout=5")
        else:
            entries.append(f"p{index} unix n - y 60 1 pickup")
    return "\n".join(entries) + "\n"


def run_model(main_text: str, master_text: str) -> float:
    start = time.perf_counter()
    config = resolve(parse_main_cf(main_text), parse_master_cf(master_text))
    for view in config.services:
        _ = view.tls
        for name in SETTINGS:
            view.setting(name)
    return time.perf_counter() - start


def best_of(runs: int, main_text: str, master_text: str) -> float:
    return min(run_model(main_text, master_text) for _ in range(runs))


def time_version() -> float:
    command = shutil.which("smtplint")
    argv = [command, "--version"] if command else [sys.executable, "-m", "linter", "--version"]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=int, default=5000)
    parser.add_argument("--services", type=int, default=2000)
    args = parser.parse_args()
    small = (make_main(args.params), make_master(args.services))
    large = (make_main(args.params * 10), make_master(args.services * 10))
    run_model(*small)  # warm the parameter data and imports
    small_time = best_of(3, *small)
    large_time = best_of(2, *large)
    version_time = time_version()
    ratio = large_time / small_time
    rows = [
        (f"parse+resolve {args.params} params / {args.services} services",
         f"{small_time:.3f} s", "< 0.5 s", small_time < 0.5),
        (f"parse+resolve {args.params * 10} params / {args.services * 10} services",
         f"{large_time:.3f} s", f"<= 12x ({ratio:.1f}x)", ratio <= 12),
        ("smtplint --version (fresh process)", f"{version_time:.3f} s", "< 0.15 s",
         version_time < 0.15),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'measurement':<{width}}  {'time':>9}  {'target':<16} ok")
    for name, measured, target, ok in rows:
        print(f"{name:<{width}}  {measured:>9}  {target:<16} {'yes' if ok else 'NO'}")


if __name__ == "__main__":
    main()
