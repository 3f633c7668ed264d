"""The hook as users get it: the real ``pre-commit try-repo`` installs this
repository into its own virtualenv and runs ``smtplint lint`` on the files
it is given. One failing run and one passing run (the install takes a
while the first time)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REQUIRE_ALL, ROOT
from lint_helpers import RULE, bad_pair, good_pair, write_config

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None and not REQUIRE_ALL,
    reason="pre-commit is not installed (pip install -e '.[test]')")

GIT_ENV = {"GIT_AUTHOR_NAME": "test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "test", "GIT_COMMITTER_EMAIL": "test@example.org"}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _snapshot(target: Path) -> Path:
    """The working tree as it is (tracked and new, not ignored files),
    committed in a repository of its own: try-repo needs one."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                             "--exclude-standard"], cwd=ROOT, check=True,
                            capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "snapshot")
    return target


@pytest.fixture(scope="module")
def hook(tmp_path_factory):
    """A function running the hook on some files of a project repository."""
    base = tmp_path_factory.mktemp("precommit")
    hook_repo = _snapshot(base / "smtplint")
    project = base / "project"
    project.mkdir()
    _git(project, "init", "-q")
    write_config(project)     # only the rule under test: later rules cannot interfere
    env = {key: value for key, value in os.environ.items()
           if key not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "PRE_COMMIT_HOME")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(base / "cache"), PRE_COMMIT_COLOR="never")

    def run(*files: str) -> subprocess.CompletedProcess:
        _git(project, "add", "-A")
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "smtplint",
             "--verbose", "--files", *files],
            cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)

    return project, run


def test_hook_fails_on_a_bad_configuration(hook):
    project, run = hook
    bad_pair(project / "bad")
    result = run("bad/main.cf", "bad/master.cf")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bad/master.cf:" in output and f"error {RULE}" in output
    assert output.count(f"error {RULE}") == 1          # the pair is linted once


def test_hook_passes_on_a_good_configuration_and_accepts_yaml(hook):
    project, run = hook
    good_pair(project / "good")
    (project / "app.yml").write_text("smtp:\n  host: mail.example.org\n  port: 587\n")
    result = run("good/main.cf", "good/master.cf", "app.yml")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "0 errors" in output
