"""Run hostile input in a child process under its own time and memory limit.

A regression that makes smtplint hang or eat gigabytes must fail its test,
not hang CI or take the machine down: the child gets an address-space
limit (RLIMIT_AS) and a CPU limit, and the parent a wall-clock timeout.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MEGABYTE = 1024 * 1024


@dataclass
class Limited:
    code: int
    out: str
    err: str


def _limiter(memory_mb: int, cpu_seconds: int):
    def apply() -> None:
        limit = memory_mb * MEGABYTE
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    return apply


def run_limited(argv: list[str], *, seconds: float = 30, memory_mb: int = 1024,
                cwd: str | os.PathLike | None = None, env: dict | None = None,
                stdin: str | None = None) -> Limited:
    """Run ``argv`` with the limits; fail the test on a timeout."""
    environ = {key: value for key, value in os.environ.items()
               if key not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR",
                              "GITHUB_STEP_SUMMARY")}
    environ["PYTHONPATH"] = str(ROOT) + os.pathsep + environ.get("PYTHONPATH", "")
    environ.update(env or {})
    try:
        completed = subprocess.run(
            argv, cwd=cwd, env=environ, input=stdin, capture_output=True, text=True,
            errors="replace", timeout=seconds,
            preexec_fn=_limiter(memory_mb, int(seconds) + 1), check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(map(str, argv))[:200]} ran longer than {seconds} s")
    return Limited(completed.returncode, completed.stdout, completed.stderr)


def smtplint_limited(*args: str, seconds: float = 30, memory_mb: int = 1024,
                     cwd: str | os.PathLike | None = None, env: dict | None = None,
                     stdin: str | None = None) -> Limited:
    """``python -m linter ARGS`` under the limits."""
    return run_limited([sys.executable, "-m", "linter", *args], seconds=seconds,
                       memory_mb=memory_mb, cwd=cwd, env=env, stdin=stdin)


def python_limited(code: str, *, seconds: float = 30, memory_mb: int = 1024,
                   cwd: str | os.PathLike | None = None) -> Limited:
    """``python -c CODE`` under the limits (for calling a parser directly)."""
    return run_limited([sys.executable, "-c", code], seconds=seconds,
                       memory_mb=memory_mb, cwd=cwd)


def assert_no_traceback(result: Limited) -> None:
    """No Python traceback and no MemoryError reached the user."""
    for stream in (result.out, result.err):
        assert "Traceback (most recent call last)" not in stream, stream[-2000:]
        assert "MemoryError" not in stream, stream[-2000:]
