"""Config files: found upward to the repository root, validated with clear
messages, overridden by the command line."""

from __future__ import annotations

import pytest
from lint_helpers import bad_pair, lint, project, write_config

from linter.config import ConfigError, find_config, load_settings

RULE = "submission-tls-not-required"


def test_found_upward_and_stops_at_repository_root(tmp_path):
    outer = tmp_path / "outer"
    root = project(outer / "repo", isolate=False)
    (outer / ".smtplint.yml").write_text("profile: min\n")   # above the repository
    deep = root / "a" / "b"
    deep.mkdir(parents=True)
    assert find_config(deep) == (None, root)
    (root / "a" / ".smtplint.yml").write_text("profile: basic\n")
    assert find_config(deep) == (root / "a" / ".smtplint.yml", root / "a")
    settings = load_settings(start=deep)
    assert settings.profile == "basic" and settings.root == str(root / "a")


def test_first_found_wins_nearest_directory_first(tmp_path):
    root = project(tmp_path, isolate=False)
    (root / ".config").mkdir()
    (root / ".config" / "smtplint.yml").write_text("profile: safety\n")
    assert load_settings(start=root).profile == "safety"
    write_config(root, "profile: min\n")
    assert load_settings(start=root).profile == "min"
    sub = root / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.smtplint]\n'
                                        'profile = "production"\nskip_list = ["tls"]\n')
    settings = load_settings(start=sub)
    assert settings.profile == "production" and settings.skip_list == ("tls",)


def test_pyproject_without_our_table_is_not_a_config(tmp_path):
    root = project(tmp_path, isolate=False)
    write_config(root, "strict: true\n")
    sub = root / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_settings(start=sub).strict is True


def test_config_dir_file_is_relative_to_the_project_root(tmp_path):
    root = project(tmp_path, isolate=False)
    (root / ".config").mkdir()
    (root / ".config" / "smtplint.yml").write_text("rules_dir: custom\n")
    settings = load_settings(start=root)
    assert settings.root == str(root) and settings.rules_dir == (str(root / "custom"),)


@pytest.mark.parametrize("text, message", [
    ("skiplist: [tls]\n", "unknown key 'skiplist' (did you mean 'skip_list'?)"),
    ("profile: prod\n", "profile: 'prod' is not one of min, basic, safety, production"),
    ("skip_list: tls\n", "skip_list: 'tls' is not of type 'array'"),
    ("skip_list: [TLS Stuff]\n", "skip_list/0: 'TLS Stuff' is not a rule id or tag"),
    ("strict: maybe\n", "strict: 'maybe' is not of type 'boolean'"),
    ("postfix_version: 3.10\n", "postfix_version: 3.1 is a number; quote it"),
    ("postfix_version: '2.11'\n", "postfix_version: '2.11' is not one of 3.4"),
    ("- profile\n", "expected a mapping of settings, found list"),
    ("profile: [min\n", ".smtplint.yml:2:1: not valid YAML"),
])
def test_validation_messages_name_file_and_key(tmp_path, text, message):
    root = project(tmp_path)
    (root / ".smtplint.yml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(start=root)
    assert message in str(caught.value)
    assert ".smtplint.yml" in str(caught.value)


def test_number_version_that_is_unambiguous_is_accepted(tmp_path):
    root = project(tmp_path)
    write_config(root, "postfix_version: 3.7\n")
    assert load_settings(start=root).postfix_version == "3.7"


def test_bad_config_exits_2_with_message(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    (root / ".smtplint.yml").write_text("skiplist: [tls]\n")
    result = lint(root)
    assert result.code == 2 and result.out == ""
    assert "smtplint: error: .smtplint.yml:1: unknown key 'skiplist' (did you mean 'skip_list'?)" \
        in result.err


def test_command_line_overrides_config(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    write_config(root, "profile: min\nformat: json\n")
    from_config = lint(root)
    assert from_config.code == 0 and from_config.json()["findings"] == []
    assert lint(root, "--profile", "basic").code == 1
    brief = lint(root, "--format", "brief", "--profile", "basic")
    assert brief.code == 1 and brief.out.startswith("postfix/master.cf:")


def test_skip_list_by_id_and_by_tag(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    write_config(root, skip=(RULE,))
    assert lint(root).code == 0
    write_config(root, skip=("rfc8314",))   # a tag of the rule
    assert lint(root).code == 0


def test_explicit_config_file(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "postfix")
    write_config(root, skip=(RULE,), name="ci.yml")
    assert lint(root).code == 1
    assert lint(root, "--config", "ci.yml").code == 0
    missing = lint(root, "--config", "nope.yml")
    assert missing.code == 2 and "nope.yml: config file not found" in missing.err


def test_exclude_paths_are_relative_to_the_config_root(tmp_path):
    root = project(tmp_path)
    bad_pair(root / "legacy" / "old")
    bad_pair(root / "current")
    write_config(root, "exclude_paths: [legacy]\n")
    result = lint(root / "current", "--format", "json")   # config found upward
    assert result.code == 1
    result = lint(root, "--format", "json")
    paths = {f["path"] for f in result.json()["findings"]}
    assert paths == {"current/master.cf"}
    write_config(root, "exclude_paths: ['*/master.cf']\n")
    assert lint(root, "--format", "json").json()["findings"] == []


def test_documented_example_config_is_valid(tmp_path):
    from conftest import ROOT

    root = project(tmp_path, isolate=False)
    (root / ".smtplint.yml").write_text((ROOT / "docs" / "examples" / "smtplint.yml").read_text())
    settings = load_settings(start=root)
    assert settings.profile == "safety" and settings.postfix_version == "3.7"
    assert settings.rules_dir == (str(root / "smtplint-rules"),)
