"""Which files are linted and how they pair up."""

from __future__ import annotations

import os

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
