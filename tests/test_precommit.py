"""The hook as users get it: the real ``pre-commit try-repo`` installs this
repository into its own virtualenv and runs the hook in a project
repository. A failing run, a passing run, and a run with more than 128 KiB
of file names, which pre-commit would split across several invocations of
a hook that takes file names: the pair is still judged once. (The install
takes a while the first time; every test shares it.)"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REQUIRE_ALL, ROOT
from lint_helpers import GIT_ENV, RULE, bad_pair, good_pair, write_config

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None and not REQUIRE_ALL,
    reason="pre-commit is not installed (pip install -e '.[test]')")

SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ info in \d+ files?: \w+$", re.M)


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
    """A function making a fresh project repository, and one running the
    hook in it on all its files."""
    base = tmp_path_factory.mktemp("precommit")
    hook_repo = _snapshot(base / "smtplint")
    env = {key: value for key, value in os.environ.items()
           if key not in ("GITHUB_ACTIONS", "FORCE_COLOR", "NO_COLOR", "PRE_COMMIT_HOME",
                          "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "CI_PROJECT_DIR")}
    env.update(GIT_ENV, PRE_COMMIT_HOME=str(base / "cache"), PRE_COMMIT_COLOR="never")
    count = 0

    def new_project() -> Path:
        nonlocal count
        count += 1
        project = base / f"project-{count}"
        project.mkdir()
        _git(project, "init", "-q")
        write_config(project)     # only the rule under test: later rules cannot interfere
        return project

    def run(project: Path) -> subprocess.CompletedProcess:
        _git(project, "add", "-A")
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "smtplint",
             "--verbose", "--all-files"],
            cwd=project, env=env, capture_output=True, text=True, timeout=900, check=False)

    return new_project, run


def test_hook_fails_on_a_bad_configuration(hook):
    new_project, run = hook
    project = new_project()
    bad_pair(project / "bad")
    result = run(project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "bad/master.cf:" in output and f"error {RULE}" in output
    assert output.count(f"error {RULE}") == 1          # the pair is linted once


def test_hook_passes_on_a_good_configuration_and_accepts_yaml(hook):
    new_project, run = hook
    project = new_project()
    good_pair(project / "good")
    (project / "app.yml").write_text("smtp:\n  host: mail.example.org\n  port: 587\n")
    result = run(project)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output and "0 errors" in output


def _many_names(directory: Path, count: int) -> list[str]:
    """YAML files whose names sort between main.cf and master.cf."""
    names = []
    for number in range(count):
        path = directory / f"mainz-application-settings-for-a-long-service-name-{number:05d}.yml"
        path.write_text("smtp: {host: mail.example.org, port: 587}\n")
        names.append(path.relative_to(directory.parent).as_posix())
    return names


def test_a_pair_is_judged_once_however_pre_commit_batches(hook):
    """Over 128 KiB of file names: pre-commit's own partitioning puts main.cf
    and master.cf in different invocations of a hook that takes names (the
    old design linted and printed the pair twice); this hook runs once."""
    from pre_commit import xargs

    new_project, run = hook
    project = new_project()
    bad_pair(project / "bad")
    names = ["bad/main.cf", *_many_names(project / "bad", 2200), "bad/master.cf"]
    assert sum(len(name) + 1 for name in names) > 128 * 1024
    batches = xargs.partition(("smtplint", "lint"), sorted(names), 1)
    holding = [index for index, batch in enumerate(batches)
               for name in batch if name in ("bad/main.cf", "bad/master.cf")]
    assert len(batches) > 1 and len(set(holding)) == 2, "the pair must straddle batches"

    result = run(project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    assert output.count(f"error {RULE}") == 1
    assert len(SUMMARY.findall(output)) == 1, "smtplint ran more than once"
