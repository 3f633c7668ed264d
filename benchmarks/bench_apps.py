"""Application YAML linting speed, and what it costs a repository without any.

    python benchmarks/bench_apps.py [--files N]

1. ``smtplint lint DIR`` in one fresh process on N (default 1,000) app YAML
   files, copies of the per-app fixtures (every mapped app, most of them
   with findings): target under 3 s. The process time includes start-up.
2. ``smtplint lint`` on a Postfix pair only, and the same pair beside 200
   unrelated YAML files (workflows, manifests): the app machinery must not
   be imported for the pair alone (checked in tests/test_apps_engine.py),
   and the unrelated YAML, prefiltered by text, must add little.
Exits 1 when the 3 s target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TARGET_SECONDS = 3.0


def app_files() -> list[Path]:
    found = sorted(p for p in (FIXTURES / "rules").glob("app-*/*/**/*")
                   if p.suffix in (".yml", ".yaml") and "parse-error" not in str(p)
                   and "endpoint-not-offered" not in str(p))
    found += sorted(p for p in (FIXTURES / "apps").rglob("*") if p.suffix in (".yml", ".yaml"))
    return found


def populate(directory: Path, count: int) -> None:
    sources = app_files()
    for index in range(count):
        source = sources[index % len(sources)]
        target = directory / f"d{index:04d}" / source.relative_to(source.parents[
            1 if source.parent.name != "sentry" else 2])
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
    (directory / ".git").mkdir()


def run(cwd: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    environ = dict(os.environ, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "linter", "lint", *args], cwd=cwd,
                               env=environ, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, completed


def median(cwd: Path, runs: int, *args: str) -> float:
    return statistics.median(run(cwd, *args)[0] for _ in range(runs))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    from unrelated_yaml import write_generated

    with tempfile.TemporaryDirectory() as temp:
        apps = Path(temp) / "apps"
        apps.mkdir()
        populate(apps, options.files)
        seconds, completed = run(apps, ".", "--format", "brief")
        findings = len(completed.stdout.splitlines())
        best = min(seconds, *(run(apps, ".", "--format", "brief")[0] for _ in range(2)))
        print(f"{options.files} app YAML files, one process: {best:.2f} s "
              f"({findings} findings; target < {TARGET_SECONDS} s)")

        pair = Path(temp) / "pair"
        shutil.copytree(ROOT / "examples" / "postfix", pair / "postfix")
        (pair / ".git").mkdir()
        alone = median(pair, options.runs, "postfix")
        unrelated = Path(temp) / "unrelated"
        shutil.copytree(pair, unrelated)
        write_generated(unrelated / "yaml", count=34)
        beside = median(unrelated, options.runs, ".")
        print(f"Postfix pair alone: {alone:.3f} s; with 200 unrelated YAML files: "
              f"{beside:.3f} s (median of {options.runs})")
    return 0 if best < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
