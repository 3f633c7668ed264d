#!/usr/bin/env python3
"""Time the configuration model and ``smtplint lint`` on a generated
configuration (not a test): a main.cf of N parameters and a master.cf of M
services, then 10x the input.

    python benchmarks/bench_model.py [--params 5000] [--services 2000] [--runs 5]

Measured, best of --runs (the machine may be shared: CPU time is shown
beside wall time, and the targets are judged on CPU time):

- the model: parse + resolve, then every service's TLS mode and a handful
  of settings, the way the rules read them (with the cyclic collector
  paused, as lint_pair runs it);
- ``smtplint lint DIR -o FILE`` as a fresh process, everything included;
- ``smtplint --version`` in a fresh process.

Targets: lint of N/M under 0.5 s; 10x the input at most 11x the time, for
the model and for lint. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from linter.postfix.main_cf import parse_main_cf
from linter.postfix.master_cf import parse_master_cf
from linter.postfix.resolve import resolve
from linter.postfix.syntax import paused_gc

SETTINGS = ("smtpd_tls_security_level", "smtpd_tls_key_file", "smtpd_sasl_auth_enable",
            "smtpd_relay_restrictions", "syslog_name", "smtpd_tls_mandatory_protocols")
LINT_SECONDS, RATIO = 0.5, 11.0


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


def run_model(main_text: str, master_text: str) -> tuple[float, float]:
    """(wall, CPU) seconds for parse + resolve + what rules read."""
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    with paused_gc():   # as lint_pair runs it
        config = resolve(parse_main_cf(main_text), parse_master_cf(master_text))
        for view in config.services:
            _ = view.tls
            for name in SETTINGS:
                view.setting(name)
    result = time.perf_counter() - wall, time.process_time() - cpu
    del config
    return result


def child_environment(cache: str) -> dict[str, str]:
    """As an installed smtplint runs: with its bytecode cached (a sandbox
    may set PYTHONDONTWRITEBYTECODE; then every run compiles ~30 modules)."""
    environment = {key: value for key, value in os.environ.items()
                   if key != "PYTHONDONTWRITEBYTECODE"}
    return {**environment, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": cache}


CHILD_ENVIRONMENT: dict[str, str] = {}


def run_fresh(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU of the child) seconds for a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=False, capture_output=True, env=CHILD_ENVIRONMENT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def best(runs: int, measure, *args) -> tuple[float, float]:
    results = [measure(*args) for _ in range(runs)]
    return min(wall for wall, _ in results), min(cpu for _, cpu in results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--params", type=int, default=5000)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    sizes = {"1x": (args.params, args.services), "10x": (args.params * 10, args.services * 10)}
    texts = {label: (make_main(p), make_master(s)) for label, (p, s) in sizes.items()}
    run_model(*texts["1x"])  # warm the parameter data and imports
    model = {label: best(args.runs if label == "1x" else max(3, args.runs // 2), run_model,
                         *text) for label, text in texts.items()}
    lint = {}
    with tempfile.TemporaryDirectory(prefix="smtplint-bench-") as scratch:
        CHILD_ENVIRONMENT.update(child_environment(str(Path(scratch) / "pycache")))
        for label, (main_text, master_text) in texts.items():
            directory = Path(scratch) / label
            directory.mkdir()
            (directory / "main.cf").write_text(main_text)
            (directory / "master.cf").write_text(master_text)
            argv = [sys.executable, "-m", "linter", "lint", "-o",
                    str(directory / "report.txt"), str(directory)]
            run_fresh(argv)  # warm the file and bytecode caches
            lint[label] = best(args.runs if label == "1x" else max(2, args.runs // 2),
                               run_fresh, argv)
        version = best(args.runs, run_fresh, [sys.executable, "-m", "linter", "--version"])

    small = f"{args.params} params / {args.services} services"
    large = f"{args.params * 10} params / {args.services * 10} services"
    model_ratio = model["10x"][1] / model["1x"][1]
    lint_ratio = lint["10x"][1] / lint["1x"][1]
    rows = [
        (f"model (parse+resolve+reads), {small}", model["1x"], "", True),
        (f"model, {large}", model["10x"], f"<= {RATIO:g}x ({model_ratio:.1f}x)",
         model_ratio <= RATIO),
        (f"smtplint lint, fresh process, {small}", lint["1x"], f"< {LINT_SECONDS} s",
         lint["1x"][1] < LINT_SECONDS),
        (f"smtplint lint, fresh process, {large}", lint["10x"],
         f"<= {RATIO:g}x ({lint_ratio:.1f}x)", lint_ratio <= RATIO),
        ("smtplint --version, fresh process", version, "", True),
    ]
    width = max(len(row[0]) for row in rows)
    print(f"{'measurement':<{width}}  {'wall':>8}  {'CPU':>8}  {'target':<16} ok")
    for name, (wall, cpu), target, ok in rows:
        print(f"{name:<{width}}  {wall:>7.3f}s  {cpu:>7.3f}s  {target:<16} {'yes' if ok else 'NO'}")
    return 0 if all(row[3] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
