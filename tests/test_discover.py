"""Which files are linted and how they pair up."""

from __future__ import annotations

import json
import os
import sys

import pytest
from limits import assert_no_traceback, run_limited
from unprivileged import as_unprivileged

from linter.discover import discover, is_excluded
from linter.postfix.load import ConfigPaths


def _touch(path, text="") -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def test_directory_walk_pairs_files_and_skips_tool_directories(tmp_path):
    main = _touch(tmp_path / "a" / "main.cf")
    master = _touch(tmp_path / "a" / "master.cf")
    lone_master = _touch(tmp_path / "b" / "master.cf")
    lone_main = _touch(tmp_path / "c" / "main.cf")
    _touch(tmp_path / "c" / "mysql-virtual.cf")              # a lookup table: not ours
    for skipped in (".git", ".venv", "node_modules", "__pycache__", ".tox", ".hg"):
        _touch(tmp_path / skipped / "main.cf")
    found = discover([str(tmp_path)], str(tmp_path))
    assert found.configurations == [ConfigPaths(main, master), ConfigPaths(None, lone_master),
                                    ConfigPaths(lone_main, None)]


def test_explicit_files_pair_with_their_sibling_once(tmp_path):
    main = _touch(tmp_path / "main.cf")
    master = _touch(tmp_path / "master.cf")
    found = discover([main, master, str(tmp_path)], str(tmp_path))
    assert found.configurations == [ConfigPaths(main, master)]
    assert found.files() == [main, master]


def test_explicit_files_with_other_names(tmp_path):
    prod_main = _touch(tmp_path / "prod.main.cf")
    prod_master = _touch(tmp_path / "prod.master.cf")
    other_master = _touch(tmp_path / "x" / "postfix-master-test.cf")
    plain_main = _touch(tmp_path / "x" / "main.cf")
    found = discover([prod_master, other_master], str(tmp_path))
    assert found.configurations == [ConfigPaths(prod_main, prod_master),
                                    ConfigPaths(plain_main, other_master)]
    alone = _touch(tmp_path / "y" / "server.cf")
    assert discover([alone]).configurations == [ConfigPaths(alone, None)]


@pytest.mark.parametrize("arguments", [
    ["prod/prod.main.cf", "prod/master.cf"],
    ["prod/master.cf", "prod/prod.main.cf"],
    [".", "prod/prod.main.cf"],
    ["prod", "prod/prod.main.cf"],
    ["prod/prod.main.cf", "."],
])
def test_a_master_cf_paired_by_a_renamed_main_cf_is_not_also_alone(tmp_path, monkeypatch,
                                                                   arguments):
    """The walk (or naming master.cf) finds master.cf alone beside
    prod.main.cf; the pair names it too: it is judged once, in the pair."""
    monkeypatch.chdir(tmp_path)
    _touch(tmp_path / "prod" / "prod.main.cf")
    _touch(tmp_path / "prod" / "master.cf")
    _touch(tmp_path / "other" / "master.cf")
    found = discover(arguments, ".")
    pair = ConfigPaths(os.path.join("prod", "prod.main.cf"), os.path.join("prod", "master.cf"))
    assert pair in found.configurations
    assert ConfigPaths(None, pair.master) not in found.configurations
    lone = [paths for paths in found.configurations if paths.main is None]
    assert lone == ([ConfigPaths(None, os.path.join("other", "master.cf"))]
                    if "." in arguments else [])


def test_a_lone_main_cf_paired_elsewhere_is_not_also_alone(tmp_path):
    main = _touch(tmp_path / "main.cf")
    prod_master = _touch(tmp_path / "prod.master.cf")
    found = discover([str(tmp_path), prod_master], str(tmp_path))
    assert found.configurations == [ConfigPaths(main, prod_master)]


def test_yaml_is_accepted_and_missing_paths_reported(tmp_path):
    app = _touch(tmp_path / "app.yaml")
    found = discover([app, str(tmp_path / "gone.cf")], str(tmp_path))
    assert found.configurations == [] and found.yaml_files == [app]
    assert found.missing == [str(tmp_path / "gone.cf")]


def test_exclude_paths(tmp_path):
    _touch(tmp_path / "legacy" / "x" / "main.cf")
    keep = _touch(tmp_path / "live" / "main.cf")
    explicit = _touch(tmp_path / "tmp" / "main.cf")
    found = discover([str(tmp_path), explicit], str(tmp_path), ("legacy", "tmp/*"))
    assert found.configurations == [ConfigPaths(keep, None)]
    root = str(tmp_path)
    assert is_excluded(os.path.join(root, "a", "b", "main.cf"), root, ("a/*",))
    assert not is_excluded(os.path.join(root, "ab", "main.cf"), root, ("a",))
    assert not is_excluded("/elsewhere/main.cf", root, ("*",))


def test_relative_paths_stay_relative(tmp_path, monkeypatch):
    _touch(tmp_path / "etc" / "main.cf")
    monkeypatch.chdir(tmp_path)
    assert discover(["."]).configurations == [ConfigPaths(os.path.join("etc", "main.cf"), None)]


# --- special files, symbolic links, unreadable directories -------------------------

def _problems(found) -> dict[str, tuple[str, str]]:
    return {problem.path: (problem.level, problem.message) for problem in found.problems}


@pytest.mark.parametrize("target", ["/etc/passwd", "/dev/zero", "../../outside/main.cf",
                                    "/nonexistent/main.cf", "/"])
@pytest.mark.parametrize("name", ["main.cf", "master.cf"])
def test_link_out_of_the_tree_is_a_problem_not_followed(tmp_path, target, name):
    root = tmp_path / "repo"
    (root / "postfix").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    _touch(tmp_path / "outside" / "main.cf", "secret = 1\n")
    link = root / "postfix" / name
    link.symlink_to(target)
    for arguments in ([str(root)], [str(link)]):        # walked, and named (pre-commit)
        found = discover(arguments, str(root))
        assert found.configurations == []
        level, message = _problems(found)[str(link)]
        assert level == "error" and f"a symbolic link to '{target}'" in message
        assert "--follow-symlinks" in message


def test_follow_symlinks_opts_in(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    outside = _touch(tmp_path / "shared" / "main.cf")
    (root / "main.cf").symlink_to(outside)
    found = discover([str(root)], str(root), follow_symlinks=True)
    assert found.problems == []
    assert found.configurations == [ConfigPaths(str(root / "main.cf"), None)]


def test_links_inside_the_tree_are_fine(tmp_path):
    root = tmp_path / "repo"
    real = _touch(root / "shared" / "main.cf")
    (root / "prod").mkdir()
    (root / "prod" / "main.cf").symlink_to("../shared/main.cf")
    (root / "prod" / "master.cf").symlink_to(root / "shared" / "main.cf")   # absolute, inside
    found = discover([str(root)], str(root))
    assert found.problems == []
    assert ConfigPaths(str(root / "prod" / "main.cf"), str(root / "prod" / "master.cf")) \
        in found.configurations and ConfigPaths(real, None) in found.configurations
    # a file named on the command line may link within its own directory too
    elsewhere = tmp_path / "elsewhere"
    _touch(elsewhere / "real.cf")
    (elsewhere / "main.cf").symlink_to("real.cf")
    assert discover([str(elsewhere / "main.cf")], str(root)).problems == []


def test_sibling_that_leaves_the_tree_is_reported(tmp_path):
    root = tmp_path / "repo"
    main = _touch(root / "main.cf")
    (root / "master.cf").symlink_to("/etc/passwd")
    found = discover([main], str(root))
    assert found.configurations == [ConfigPaths(main, None)]
    assert str(root / "master.cf") in _problems(found)


def test_directory_links_out_of_the_tree_are_noted_not_walked(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    _touch(tmp_path / "etc-postfix" / "main.cf")
    (root / "conf").symlink_to(tmp_path / "etc-postfix")
    found = discover([str(root)], str(root))
    assert found.configurations == []
    level, message = _problems(found)[str(root / "conf")]
    assert level == "note" and "not followed" in message
    followed = discover([str(root)], str(root), follow_symlinks=True)
    assert followed.configurations == [ConfigPaths(str(root / "conf" / "main.cf"), None)]


def test_link_loops_end(tmp_path):
    root = tmp_path / "repo"
    main = _touch(root / "a" / "main.cf")
    (root / "a" / "up").symlink_to("..")
    (root / "a" / "self").symlink_to(".")
    outside = tmp_path / "out"
    _touch(outside / "master.cf")
    (outside / "back").symlink_to(outside)
    (outside / "repo").symlink_to(root)
    (root / "out").symlink_to(outside)
    for follow in (False, True):
        found = discover([str(root)], str(root), follow_symlinks=follow)
        assert ConfigPaths(main, None) in found.configurations
        assert len(found.configurations) == (2 if follow else 1)


def test_special_files_are_kept_for_loading_to_report(tmp_path):
    """A FIFO or dangling main.cf is kept in its pair, so that loading
    reports it (a parse-error) instead of linting the pair without it."""
    fifo = tmp_path / "a" / "main.cf"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    master = _touch(tmp_path / "a" / "master.cf")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "master.cf").symlink_to("missing.cf")
    found = discover([str(tmp_path)], str(tmp_path))
    assert found.configurations == [ConfigPaths(str(fifo), master),
                                    ConfigPaths(None, str(tmp_path / "b" / "master.cf"))]
    named = discover([master], str(tmp_path))
    assert named.configurations == [ConfigPaths(str(fifo), master)]


def test_special_yaml_argument_is_a_problem(tmp_path):
    fifo = tmp_path / "app.yaml"
    os.mkfifo(fifo)
    (tmp_path / "gone.yml").symlink_to("gone")
    found = discover([str(fifo), str(tmp_path / "gone.yml")], str(tmp_path))
    assert found.yaml_files == [] and found.missing == []
    assert _problems(found) == {
        str(fifo): ("error", "not linted: this file is a FIFO (named pipe), not a regular file"),
        str(tmp_path / "gone.yml"):
            ("error", "not linted: this file is a dangling symbolic link to 'gone'")}


WALK = """
import json
from linter.discover import discover
found = discover([{path!r}], {path!r})
print(json.dumps({{"configurations": [[c.main, c.master] for c in found.configurations],
                  "problems": [[p.path, p.level, p.message] for p in found.problems]}}))
"""


@pytest.mark.parametrize("mode", [0o000, 0o300, 0o600])
def test_unlistable_directory_is_reported(tmp_path, mode):
    _touch(tmp_path / "ok" / "main.cf")
    locked = tmp_path / "locked"
    _touch(locked / "deep" / "main.cf")
    locked.chmod(mode)
    try:
        result = run_limited(as_unprivileged([sys.executable, "-c",
                                              WALK.format(path=str(tmp_path))]),
                             seconds=20, memory_mb=300)
    finally:
        locked.chmod(0o755)
    assert_no_traceback(result)
    answer = json.loads(result.out)
    assert [str(tmp_path / "ok" / "main.cf"), None] in answer["configurations"]
    problems = {path: (level, message) for path, level, message in answer["problems"]}
    if mode & 0o400:        # names can be listed, the subdirectory cannot be entered
        assert str(locked / "deep") in problems
    else:
        assert problems[str(locked)] == (
            "error", "not linted: this directory cannot be listed: Permission denied")


def test_walk_collects_yaml_and_notes_yaml_links_out_of_the_tree(tmp_path):
    root = tmp_path / "repo"
    app = _touch(root / "app" / "settings.yml")
    (tmp_path / "secret.yml").write_text("password: x\n")
    (root / "app" / "leak.yaml").symlink_to(tmp_path / "secret.yml")
    (root / "app" / "inside.yaml").symlink_to("settings.yml")
    found = discover([str(root)], str(root))
    assert found.yaml_files == [str(root / "app" / "inside.yaml"), app]
    assert _problems(found)[str(root / "app" / "leak.yaml")][0] == "note"
    followed = discover([str(root)], str(root), follow_symlinks=True)
    assert str(root / "app" / "leak.yaml") in followed.yaml_files
