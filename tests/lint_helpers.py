"""Helpers for the lint command tests: a project in a temp dir, and the
command run in-process or as a real process."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

EXAMPLE = ROOT / "examples" / "postfix"
ENCRYPT_LINE = "  -o smtpd_tls_security_level=encrypt\n"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> dict:
        return json.loads(self.out)

    def rules(self) -> list[str]:
        return [finding["rule"] for finding in self.json()["findings"]]


RULE = "submission-tls-not-required"
KEEP = (RULE, "parse-error")


def write_config(root: Path, text: str = "", skip: tuple[str, ...] = (),
                 name: str = ".smtplint.yml") -> Path:
    """A config that skips every built-in rule except ``KEEP`` (plus
    ``skip``), so rules added later cannot change what a test sees."""
    from linter.engine.rules import builtin_rules

    others = [rule.id for rule in builtin_rules() if rule.id not in KEEP]
    path = root / name
    path.write_text(f"skip_list: {json.dumps(sorted(others) + list(skip))}\n{text}")
    return path


def project(tmp_path: Path, isolate: bool = True) -> Path:
    """A repository root (``.git`` stops the config search) in tmp_path,
    with a config that isolates the tests from other rules."""
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    if isolate:
        write_config(tmp_path)
    return tmp_path


def good_pair(directory: Path) -> Path:
    """The shipped example: no rule fires on it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("main.cf", "master.cf"):
        shutil.copy(EXAMPLE / name, directory / name)
    return directory


def bad_pair(directory: Path) -> Path:
    """The example with submission's STARTTLS requirement removed: only
    submission-tls-not-required fires (an error, profile basic), at the
    submission entry."""
    good_pair(directory)
    master = directory / "master.cf"
    text = master.read_text()
    assert ENCRYPT_LINE in text
    master.write_text(text.replace(ENCRYPT_LINE, "", 1))
    return directory


def submission_line(directory: Path) -> int:
    lines = (directory / "master.cf").read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith("submission "))


GIT_ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.org"}
# What a CI runner or the user's shell sets that changes smtplint's output.
CI_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_WORKSPACE", "GITHUB_STEP_SUMMARY", "CI_PROJECT_DIR",
                "FORCE_COLOR", "NO_COLOR", "TERM")


def clean_environment() -> dict:
    return {key: value for key, value in os.environ.items() if key not in CI_VARIABLES}


def lint(cwd: Path, *args: str, env: dict | None = None) -> Result:
    """``smtplint lint`` in-process (fast): same code as the real command."""
    return smtplint(cwd, "lint", *args, env=env)


def smtplint(cwd: Path, *args: str, env: dict | None = None) -> Result:
    """Any smtplint command in-process, through the real entry point."""
    from linter.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        environ = clean_environment()
        environ.update(env or {})
        code = main(list(args), stdout=out, stderr=err, environ=environ)
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


def lint_process(cwd: Path, *args: str, env: dict | None = None,
                 command: str = "lint", stdin: str | bytes | None = None) -> Result:
    """The real command as a fresh process: ``python -m linter lint ...``."""
    environ = clean_environment()
    environ["PYTHONPATH"] = str(ROOT) + os.pathsep + environ.get("PYTHONPATH", "")
    environ.update(env or {})
    completed = subprocess.run([sys.executable, "-m", "linter", command, *args], cwd=cwd,
                               env=environ, capture_output=True, timeout=120, check=False,
                               input=stdin.encode() if isinstance(stdin, str) else stdin)
    return Result(completed.returncode, completed.stdout.decode("utf-8", "replace"),
                  completed.stderr.decode("utf-8", "replace"))
