"""The wheel works on its own: built from the checkout, installed into a
clean virtual environment (no system site-packages) with its dependencies,
and run from outside the repository, it finds its rules and schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT

WHEELHOUSE = "/opt/wheels"


def run(*args: str, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run(list(args), check=False, capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A clean venv with the freshly built wheel installed; its bin dir."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"),
                str(ROOT), cwd=tmp)
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp / "dist").glob("smtplint-*.whl")
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(tmp / "venv")
    bin_dir = tmp / "venv" / ("Scripts" if os.name == "nt" else "bin")
    extra = ["--find-links", WHEELHOUSE] if Path(WHEELHOUSE).is_dir() else []
    install = run(str(bin_dir / "python"), "-m", "pip", "install", "-q", *extra, str(wheel),
                  cwd=tmp)
    assert install.returncode == 0, install.stderr
    return bin_dir


def test_wheel_carries_rules_and_schemas(installed, tmp_path):
    code = ("import linter, pathlib; from linter.engine.rules import builtin_rules; "
            "print(len(builtin_rules())); print(pathlib.Path(linter.__file__).parent)")
    result = run(str(installed / "python"), "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    count, package = result.stdout.split()
    assert int(count) >= 1
    assert not Path(package).is_relative_to(ROOT)  # the installed copy, not the checkout
    assert (Path(package) / "_data" / "rules").is_dir()
    assert (Path(package) / "_data" / "schemas").is_dir()


def test_version(installed, tmp_path):
    result = run(str(installed / "smtplint"), "--version", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("smtplint ")


def test_show_from_outside_the_repository(installed, tmp_path):
    result = run(str(installed / "smtplint"), "show", str(ROOT / "examples" / "postfix"),
                 "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    roles = {s["name"]: s["role"] for s in document["services"]}
    assert roles["submission"] == "submission" and roles["submissions"] == "submissions"
    assert document["postfix_version"] == "3.7"


def test_installed_lint_uses_the_compiled_rules_and_needs_no_typer(installed, tmp_path):
    """The wheel's rules.json matches its YAML (so lint starts without
    PyYAML), and the command line runs without typer installed."""
    code = ("import sys; from linter.engine import rules; "
            "assert rules.compiled_rules(rules.data_path('rules'), rules.COMPILED) is not None; "
            "import io; from linter.cli import main; "
            "code = main(['lint', sys.argv[1]], stdout=io.StringIO()); "
            "print(code, 'yaml' in sys.modules)")
    result = run(str(installed / "python"), "-c", code, str(ROOT / "examples" / "postfix"),
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "False"]
    no_typer = run(str(installed / "python"), "-c", "import typer", cwd=tmp_path)
    assert no_typer.returncode != 0
    help_page = run(str(installed / "smtplint"), "lint", "--help", cwd=tmp_path)
    assert help_page.returncode == 0 and "--output-format FORMAT[=FILE]" in help_page.stdout
