"""The compiled rule data (linter/data/rules.json) matches rules/**/*.yaml,
is what a lint loads, and never shadows an edited rule."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import ROOT

from linter.engine import rules as rules_module
from linter.engine.rules import COMPILED, compile_rules, compiled_rules, rule_from_dict


def _from_yaml(directory) -> tuple:
    return tuple(rule_from_dict(rules_module._yaml_load(path.read_text()), str(path))
                 for path in rules_module._rule_files(directory))


def test_compiled_data_is_in_sync_with_the_yaml():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_rule_data
    finally:
        sys.path.pop(0)
    assert COMPILED.read_text(encoding="utf-8") == gen_rule_data.expected_text(), \
        "rules/*.yaml changed: run python tools/gen_rule_data.py"


def test_compiled_rules_equal_the_yaml_rules():
    directory = rules_module.data_path("rules")
    compiled = compiled_rules(directory, COMPILED)
    assert compiled is not None and compiled == _from_yaml(directory)
    assert rules_module.builtin_rules() == compiled


def test_an_edited_rule_is_read_from_yaml(tmp_path):
    directory = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", directory)
    compiled = tmp_path / "rules.json"
    compiled.write_text(json.dumps(compile_rules(directory)))
    assert compiled_rules(directory, compiled) == _from_yaml(directory)
    edited = directory / "postfix" / "open-relay.yaml"
    edited.write_text(edited.read_text().replace("severity: error", "severity: warning", 1))
    assert compiled_rules(directory, compiled) is None            # stale: not used
    (directory / "postfix" / "open-relay.yaml").unlink()
    assert compiled_rules(directory, compiled) is None            # a rule removed
    assert compiled_rules(directory, tmp_path / "missing.json") is None


def test_lint_starts_without_yaml_or_jsonschema():
    """What `smtplint lint` imports to lint the example: none of the heavy
    modules it does not need (PyYAML, jsonschema, difflib's callers aside)."""
    code = ("import sys, io; from linter.cli import main; "
            "main(['lint', 'examples/postfix'], stdout=io.StringIO()); "
            "heavy = {'yaml', 'jsonschema', 'ruamel', 'typer', 'pydantic', 'rich', "
            "'importlib.resources', 'socket', 'tempfile', 'hashlib', 'urllib.request'}; "
            "print(sorted(heavy & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
