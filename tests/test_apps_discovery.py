"""Discovery without false claims: unrelated YAML is never claimed and
never reported, not even when it is invalid; app YAML is found below
directories, in the same run as the Postfix files."""

from __future__ import annotations

import shutil

from apps_helpers import APP_RULES, APPS_FIXTURES
from conftest import REQUIRE_ALL
from lint_helpers import good_pair, lint, project
from unrelated_yaml import package_yaml, write_generated

from linter.apps import lint_app_files


def test_hundreds_of_unrelated_yaml_files_are_never_claimed(tmp_path):
    packaged = package_yaml()
    if not REQUIRE_ALL:
        assert packaged or True
    assert len(packaged) >= 100, "ansible-core (test extra) ships the package YAML used here"
    generated = write_generated(tmp_path)
    paths = [str(p) for p in packaged + generated]
    assert len(paths) >= 300
    claimed: list[str] = []
    findings, notes = lint_app_files(paths, APP_RULES, None, (), claimed)
    assert (claimed, findings, notes) == ([], [], [])


def test_lint_of_a_tree_of_unrelated_yaml_reports_nothing(tmp_path):
    root = project(tmp_path, isolate=False)
    write_generated(root, count=5)
    good_pair(root / "postfix")
    result = lint(root, ".", "--format", "json")
    assert result.code == 0, result.err
    assert result.json()["findings"] == []
    assert result.json()["summary"]["files"] == 2     # main.cf and master.cf only


def test_app_yaml_below_a_directory_is_linted_with_postfix(tmp_path):
    root = project(tmp_path, isolate=False)
    good_pair(root / "postfix")
    shutil.copytree(APPS_FIXTURES.parent / "rules" / "app-port-mode-mismatch" /
                    "fires-home-assistant", root / "ha")
    result = lint(root, ".", "--format", "json")
    assert result.code == 1
    # The example's myhostname is the app's server: the cross-check fires too.
    assert result.rules() == ["app-endpoint-not-offered", "app-port-mode-mismatch"]
    assert result.json()["summary"]["files"] == 3


def test_excluded_yaml_is_not_linted(tmp_path):
    root = project(tmp_path, isolate=False)
    shutil.copytree(APPS_FIXTURES.parent / "rules" / "app-port-mode-mismatch" /
                    "fires-home-assistant", root / "ha")
    (root / ".smtplint.yml").write_text("exclude_paths: [ha]\n")
    result = lint(root, ".", "--format", "json")
    assert result.json()["findings"] == []


def test_a_file_named_yml_with_a_second_suffix_is_yaml(tmp_path):
    # alertmanager.yml.j2, email.yml.txt: YAML by name, never a Postfix file.
    from linter.discover import discover

    for name in ("alertmanager.yml.j2", "email.yml.txt", "values.yaml.example"):
        (tmp_path / name).write_text("a: 1\n")
    found = discover([str(tmp_path / name) for name in
                      ("alertmanager.yml.j2", "email.yml.txt", "values.yaml.example")],
                     str(tmp_path))
    assert found.configurations == []
    assert len(found.yaml_files) == 3
