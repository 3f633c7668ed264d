"""Start-up plus lint time of ``smtplint lint`` on one main.cf/master.cf pair,
as a fresh process (how pre-commit and CI run it), side by side with
``yamllint`` on a YAML file of the same size.

    python benchmarks/bench_lint.py [--runs N] [PATH]

Target: smtplint's median is below yamllint's (and under 0.3 s). Exits 1
when missed. Both tools run as ``python -m <tool>`` with this interpreter,
so neither pays for a wrapper script the other does not, and both with
their bytecode. The commands take turns, run after run, so a machine
whose load changes during the benchmark slows them alike. ``smtplint
--version`` is timed too (target: within 1.5x of ``python -c pass``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.3
TARGET_RATIO = 1.0          # faster than yamllint
VERSION_RATIO = 1.5         # --version: at most 1.5x a bare `python -c pass`


def yaml_of_size(size: int) -> str:
    """A clean YAML document (yamllint's default rules find nothing) of
    exactly ``size`` bytes: entries, then comment lines to make up the rest."""
    entries = []
    index = 0
    while sum(len(line) + 1 for line in entries) < size - 200:
        entries += [f"  - name: service-{index:03d}", f"    port: {1000 + index}",
                    "    tls: required", "    enabled: true"]
        index += 1
    body = "services:\n" + "".join(line + "\n" for line in entries)
    room = size - len("---\n") - len(body)
    comments = []
    while room > 0:
        width = min(room, 60)
        if room - width in (1, 2):      # a comment line takes at least 3 bytes
            width -= 3
        comments.append("# " + "x" * (width - 3) + "\n")
        room -= width
    return "---\n" + "".join(comments) + body


def measure(commands: dict[str, list[str]], runs: int, cwd: Path,
            env: dict) -> dict[str, list[float]]:
    """Each command ``runs`` times, taking turns; one warm-up run each
    (it also writes any missing bytecode)."""
    for command in commands.values():
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
            times[name].append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(ROOT / "examples" / "postfix"))
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    pair = Path(args.path)
    size = sum((pair / name).stat().st_size for name in ("main.cf", "master.cf"))
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("GITHUB_ACTIONS", None)
    # Both tools as installed: with their bytecode (pip compiles it; a checkout
    # writes it on the first run). PYTHONDONTWRITEBYTECODE would make only
    # smtplint, run from the source tree, recompile every module every time.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as scratch:
        yaml_file = Path(scratch) / "same-size.yaml"
        yaml_file.write_text(yaml_of_size(size))
        check = subprocess.run([sys.executable, "-m", "yamllint", str(yaml_file)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            print(f"yamllint did not accept the generated file:\n{check.stdout}", file=sys.stderr)
            return 2
        lint_name = f"smtplint lint ({size} bytes)"
        yaml_name = f"yamllint ({yaml_file.stat().st_size} bytes)"
        version_name = "smtplint --version"
        floor_name = "python -c pass (start-up floor)"
        commands = {
            floor_name: [sys.executable, "-c", "pass"],
            lint_name: [sys.executable, "-m", "linter", "lint", str(pair)],
            yaml_name: [sys.executable, "-m", "yamllint", str(yaml_file)],
            version_name: [sys.executable, "-m", "linter", "--version"],
        }
        results = measure(commands, args.runs, Path(scratch), env)

    print(f"{'command':<36} {'median':>8} {'min':>8} {'max':>8}   ({args.runs} runs each)")
    for name, times in results.items():
        print(f"{name:<36} {statistics.median(times):>8.3f} {min(times):>8.3f} "
              f"{max(times):>8.3f}")
    lint_median = statistics.median(results[lint_name])
    yamllint_median = statistics.median(results[yaml_name])
    version_median = statistics.median(results[version_name])
    floor_median = statistics.median(results[floor_name])
    ratio = lint_median / yamllint_median
    checks = [
        (f"smtplint median {lint_median:.3f} s (target < {TARGET_SECONDS} s)",
         lint_median < TARGET_SECONDS),
        (f"smtplint / yamllint = {ratio:.2f} (target < {TARGET_RATIO})", ratio < TARGET_RATIO),
        (f"smtplint --version / python -c pass = {version_median / floor_median:.2f} "
         f"(target <= {VERSION_RATIO})", version_median <= VERSION_RATIO * floor_median),
    ]
    for text, ok in checks:
        print(f"{text}: {'ok' if ok else 'MISSED'}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
