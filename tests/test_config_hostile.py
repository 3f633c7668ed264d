"""Config files written by a careless or hostile user: every one exits 2
with a message that names the file (and the line, where there is one), in
bounded time and memory, never with a traceback and never with exit 1
(which would mean findings). Each case runs the real command in a child
under a time and memory limit."""

from __future__ import annotations

import os

import pytest
from limits import assert_no_traceback, smtplint_limited
from lint_helpers import bad_pair, project

MESSAGE_LIMIT = 400          # a message quotes a token, not the file


def alias_bomb(levels: int = 12, width: int = 10, key: str = "skip_list") -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
    lines.append(f"{key}: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    return ("base: &b {profile: min}\n"
            "profile:\n  <<: *b\n")


YAML_CASES = {
    # key types that cannot be sorted together, or are not names
    "int-and-str-keys": ("1: x\nfoo: y\n", ":1: unknown key 1"),
    "str-then-int-key": ("profile: min\n2: x\n", ":2: unknown key 2"),
    "bool-key": ("profile: min\nyes: 1\n", "unknown key True"),
    "null-key": ("~: 1\nfoo: 2\n", "unknown key None"),
    "float-key": ("1.5: a\nb: c\n", "unknown key 1.5"),
    "list-key": ("? [a, b]\n: c\n", ":1:3: not valid YAML"),
    "map-key": ("? {a: b}\n: c\n", ":1:3: not valid YAML"),
    # numbers Python refuses to convert, anywhere
    "huge-int-value": ("profile: " + "9" * 5000 + "\n", ":1:10: not valid YAML: a number"),
    "huge-int-in-list": ("skip_list:\n  - a\n  - " + "1" * 5000 + "\n", ":3:5: not valid YAML"),
    "huge-int-key": ("? " + "1" * 5000 + "\n: x\n", ":1:3: not valid YAML: a number"),
    "huge-implicit-key": ("1" * 5000 + ": x\n", ":1:5001: not valid YAML"),
    "huge-negative-int": ("strict: -" + "7" * 4400 + "\n", ":1:9: not valid YAML"),
    "huge-hex": ("strict: 0x" + "f" * 5000 + "\n", ":1:9: not valid YAML"),
    "huge-int-version": ("postfix_version: " + "3" * 4000 + "\n", ":1:18: not valid YAML"),
    "underscored-int": ("strict: 1_000_" + "0" * 4400 + "\n", ":1:9: not valid YAML"),
    "big-float": ("postfix_version: 1.0e+999\n", ":1: postfix_version: inf is a number"),
    # YAML timestamps
    "bad-date-profile": ("profile: 2001-13-45\n", ":1: profile: '2001-13-45' is not one of"),
    "bad-date-version": ("postfix_version: 2024-02-30\n", ":1: postfix_version: '2024-02-30'"),
    "bad-datetime-in-list": ("skip_list: [2001-13-45 10:00:00]\n",
                             ":1: skip_list/0: '2001-13-45 10:00:00' is not a rule id"),
    "bad-datetime": ("format: 2001-12-14t25:59:43.10-05:00\n", ":1: format:"),
    "good-date": ("profile: 2001-12-14\n", ":1: profile: '2001-12-14' is not one of"),
    "date-key": ("2001-13-45: x\n", ":1: unknown key '2001-13-45'"),
    # aliases: refused, whatever they would expand to
    "alias-bomb": (alias_bomb(), ":2:10: aliases (*a0) are not allowed"),
    "alias-bomb-wide": (alias_bomb(levels=7, width=60), ":2:10: aliases"),
    "alias-bomb-exclude": (alias_bomb(key="exclude_paths"), ":2:10: aliases"),
    "merge-key": (merge_bomb(), ":3:7: aliases (*b) are not allowed"),
    "small-alias": ("skip_list: &s [tls]\nwarn_list: *s\n", ":2:12: aliases (*s)"),
    # nesting
    "deep-flow": ("skip_list: " + "[" * 100000 + "\n", ":1:"),
    "deep-flow-closed": ("skip_list: " + "[" * 200 + "]" * 200 + "\n",
                         "nested more than 64 levels deep"),
    "deep-block": ("".join("  " * level + f"k{level}:\n" for level in range(300)),
                   "nested more than 64 levels deep"),
    # text that is not YAML or not UTF-8
    "latin-1": (b"profile: min\nskip_list: [caf\xe9]\n", ":2:16: not UTF-8 (byte 0xe9)"),
    "utf-16": ("profile: min\n".encode("utf-16"), ":1:1: not UTF-8 (byte 0xff)"),
    "truncated-utf8": (b"profile: \xe2\x82", ":1:10: not UTF-8"),
    "nul-byte": (b"profile: min\nstrict: \x00\n", ":2:9: not valid YAML"),
    "control-char": ("profile: \x07\n", ":1:10: not valid YAML"),
    "two-documents": ("profile: min\n---\nprofile: basic\n", ":2:1: not valid YAML"),
    "tab-indent": ("skip_list:\n\t- a\n", ":2:1: not valid YAML"),
    "scalar-document": ("just a string\n", "expected a mapping of settings, found str"),
    "list-document": ("- a\n- b\n", "expected a mapping of settings, found list"),
    # huge values: the message quotes a little
    "huge-string": ("profile: '" + "A" * 600_000 + "'\n", ":1: profile: 'AAAA"),
    "huge-key": ("? " + "K" * 600_000 + "\n: 1\n", ":1: unknown key 'KKKK"),
    "huge-implicit-name": ("K" * 600_000 + ": 1\n", ":1:600001: not valid YAML"),
    "huge-list": ("skip_list: [" + ", ".join(["1"] * 100_000) + "]\n",
                  ":1: skip_list/0: 1 is not of type 'string'"),
    "huge-map-value": ("profile: {" + ", ".join(f"k{n}: v" for n in range(50_000)) + "}\n",
                       ":1: profile: a dict of 50000 items is not one of"),
    "too-large-file": ("# " + "x" * (2 * 1024 * 1024) + "\nprofile: min\n",
                       "larger than the 1 MB smtplint reads"),
    "nested-wrong-type": ("rules_dir: [[a]]\n", ":1: rules_dir:"),
    "empty-string-item": ("exclude_paths: ['']\n", ":1: exclude_paths/0: '' is empty"),
}


def _write(path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def _run(root, *args):
    bad_pair(root / "postfix")        # findings exist: exit 1 would hide the config error
    result = smtplint_limited("lint", *args, cwd=root, seconds=30, memory_mb=500)
    assert_no_traceback(result)
    return result


def _assert_config_error(result, name, expected) -> None:
    assert result.code == 2, (result.code, result.err[-500:])
    assert result.out == ""
    assert result.err.startswith(f"smtplint: error: {name}"), result.err[:300]
    assert expected in result.err, result.err[:300]
    assert len(result.err) < MESSAGE_LIMIT, result.err[:MESSAGE_LIMIT]


CONFIG_DIR_CASES = ("int-and-str-keys", "alias-bomb", "huge-int-value", "bad-date-profile",
                    "latin-1", "deep-flow")
YAML_PARAMS = [(case, ".smtplint.yml") for case in sorted(YAML_CASES)] + \
    [(case, os.path.join(".config", "smtplint.yml")) for case in CONFIG_DIR_CASES]


@pytest.mark.parametrize("case, name", YAML_PARAMS)
def test_hostile_yaml_config_exits_2_located(tmp_path, case, name):
    root = project(tmp_path, isolate=False)
    content, expected = YAML_CASES[case]
    _write(root / name, content)
    _assert_config_error(_run(root), name, expected)


def test_explicit_config_is_read_the_same_way(tmp_path):
    root = project(tmp_path, isolate=False)
    _write(root / "ci.yml", alias_bomb())
    _assert_config_error(_run(root, "--config", "ci.yml"), "ci.yml", ":2:10: aliases")


PYPROJECT_CASES = {
    "tool-is-a-string": ('tool = "x"\n# tool.smtplint\n', ":1: tool: expected a table"),
    "tool-is-an-array": ('tool = [1]\n# tool.smtplint\n', ":1: tool: expected a table"),
    "table-is-a-string": ('tool.smtplint = "x"\n', "[tool.smtplint] must be a table"),
    "table-is-an-int": ('[tool]\nsmtplint = 3\n# tool.smtplint\n', "must be a table"),
    "deep-arrays": ("[tool.smtplint]\nprofile = " + "[" * 100_000 + "\n",
                    ": not valid TOML: nested too deeply"),
    "deep-inline-tables": ("[tool.smtplint]\nx = " + "{a = " * 100_000 + "\n",
                           ": not valid TOML: nested too deeply"),
    "deep-arrays-elsewhere": ("[project]\nx = " + "[" * 50_000 + "\n# tool.smtplint\n",
                              "nested too deeply"),
    "huge-int": ("[tool.smtplint]\nprofile = 'min'\nstrict = " + "1" * 5000 + "\n",
                 ":3: not valid TOML: an integer out of range"),
    "huge-int-elsewhere": ("[project]\nv = " + "2" * 5000 + "\n[tool.smtplint]\n",
                           ":2: not valid TOML"),
    "syntax": ("[tool.smtplint]\nprofile = \n", ":2:11: not valid TOML"),
    "latin-1": (b"[tool.smtplint]\nprofile = 'caf\xe9'\n", ":2:15: not UTF-8 (byte 0xe9)"),
    "bad-value": ("[project]\nname = 'x'\n\n[tool.smtplint]\nprofile = 'prod'\n",
                  ":5: profile: 'prod' is not one of"),
    "unknown-key": ("[tool.smtplint]\nprofile = 'min'\nskiplist = []\n",
                    ":3: unknown key 'skiplist' (did you mean 'skip_list'?)"),
    "date-value": ("[tool.smtplint]\nprofile = 2001-12-14\n", ":2: profile: datetime.date"),
    "huge-value": ("[tool.smtplint]\nprofile = '" + "A" * 600_000 + "'\n", ":2: profile: 'AAA"),
    "too-large": ("# tool.smtplint\n" + "#" * (5 * 1024 * 1024) + "\n",
                  "larger than the 4 MB smtplint reads"),
}


@pytest.mark.parametrize("case", sorted(PYPROJECT_CASES))
def test_hostile_pyproject_exits_2_located(tmp_path, case):
    root = project(tmp_path, isolate=False)
    content, expected = PYPROJECT_CASES[case]
    _write(root / "pyproject.toml", content)
    _assert_config_error(_run(root), "pyproject.toml", expected)


def test_finding_a_too_long_integer_stays_linear(tmp_path):
    """Runs of digits just short of too long before the one that is: each
    is judged once (a pattern of 4,000 digits retried every position)."""
    root = project(tmp_path, isolate=False)
    near_misses = "".join(f"v{n} = {'3' * 3999}\n" for n in range(1000))   # 4 MB, almost
    _write(root / "pyproject.toml", "[project]\n" + near_misses
           + "[tool.smtplint]\nstrict = " + "1" * 5000 + "\n")
    bad_pair(root / "postfix")
    result = smtplint_limited("lint", cwd=root, seconds=12, memory_mb=500)
    assert_no_traceback(result)
    _assert_config_error(result, "pyproject.toml", ":1003: not valid TOML: an integer out of range")


def _special(path, kind) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "dangling":
        path.symlink_to("nowhere.yml")
    elif kind == "device":
        path.symlink_to("/dev/zero")
    elif kind == "loop":
        path.symlink_to(path.name)


SPECIAL_SAYS = {"directory": "is a directory, not a regular file",
                "fifo": "is a FIFO (named pipe), not a regular file",
                "dangling": "is a dangling symbolic link to 'nowhere.yml'",
                "device": "is a character device, not a regular file",
                "loop": "is a loop of symbolic links"}


@pytest.mark.parametrize("kind", sorted(SPECIAL_SAYS))
@pytest.mark.parametrize("name", [".smtplint.yml", ".smtplint.yaml",
                                  os.path.join(".config", "smtplint.yml"), "pyproject.toml"])
def test_config_that_is_not_a_regular_file_exits_2(tmp_path, kind, name):
    root = project(tmp_path, isolate=False)
    _special(root / name, kind)
    _assert_config_error(_run(root), name, SPECIAL_SAYS[kind])


@pytest.mark.parametrize("kind", ["fifo", "directory", "dangling"])
def test_explicit_config_that_is_not_a_regular_file(tmp_path, kind):
    root = project(tmp_path, isolate=False)
    _special(root / "ci.yml", kind)
    _assert_config_error(_run(root, "--config", "ci.yml"), "ci.yml", SPECIAL_SAYS[kind])
