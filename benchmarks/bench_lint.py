"""Start-up plus lint time of ``smtplint lint`` on one main.cf/master.cf pair,
as a fresh process (how pre-commit and CI run it), side by side with
``yamllint`` on a YAML file of the same size.

    python benchmarks/bench_lint.py [--runs N] [PATH]

Targets: median under 0.3 s, and within 2x of yamllint's median. Exits 1
when a target is missed. Both tools run as ``python -m <tool>`` with this
interpreter, so neither pays for a wrapper script the other does not.
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
TARGET_RATIO = 2.0


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


def measure(command: list[str], runs: int, cwd: Path, env: dict) -> list[float]:
    subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)      # warm the caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
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
    with tempfile.TemporaryDirectory() as scratch:
        yaml_file = Path(scratch) / "same-size.yaml"
        yaml_file.write_text(yaml_of_size(size))
        check = subprocess.run([sys.executable, "-m", "yamllint", str(yaml_file)],
                               capture_output=True, text=True, check=False)
        if check.returncode != 0:
            print(f"yamllint did not accept the generated file:\n{check.stdout}", file=sys.stderr)
            return 2
        commands = {
            "python -c pass (start-up floor)": [sys.executable, "-c", "pass"],
            f"smtplint lint ({size} bytes)": [sys.executable, "-m", "linter", "lint",
                                              str(pair)],
            f"yamllint ({yaml_file.stat().st_size} bytes)": [sys.executable, "-m",
                                                             "yamllint", str(yaml_file)],
        }
        results = {name: measure(command, args.runs, Path(scratch), env)
                   for name, command in commands.items()}

    print(f"{'command':<36} {'median':>8} {'min':>8} {'max':>8}   ({args.runs} runs)")
    for name, times in results.items():
        print(f"{name:<36} {statistics.median(times):>8.3f} {min(times):>8.3f} "
              f"{max(times):>8.3f}")
    lint_median, yamllint_median = (statistics.median(times)
                                    for times in list(results.values())[1:])
    ratio = lint_median / yamllint_median
    ok_time, ok_ratio = lint_median < TARGET_SECONDS, ratio <= TARGET_RATIO
    print(f"smtplint median {lint_median:.3f} s (target < {TARGET_SECONDS} s): "
          f"{'ok' if ok_time else 'MISSED'}")
    print(f"smtplint / yamllint = {ratio:.2f} (target <= {TARGET_RATIO}): "
          f"{'ok' if ok_ratio else 'MISSED'}")
    return 0 if ok_time and ok_ratio else 1


if __name__ == "__main__":
    sys.exit(main())
