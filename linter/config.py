"""The project's smtplint settings: find the config file, validate, load.

Searched upward from the current directory to the repository root (the
directory with ``.git``): ``.smtplint.yml``, ``.config/smtplint.yml``, or a
``[tool.smtplint]`` table in ``pyproject.toml``; the first found wins. The
file is checked against ``schemas/config.schema.json``; jsonschema is
imported only when a config file exists, so a project without one starts
faster.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from linter.files import (
    SETTINGS_LIMIT,
    UnreadableFile,
    decode_utf8,
    describe_missing,
    kind,
    read_regular,
)

CONFIG_NAMES = (".smtplint.yml", ".smtplint.yaml", os.path.join(".config", "smtplint.yml"))
PYPROJECT = "pyproject.toml"
KEYS = ("profile", "skip_list", "warn_list", "enable_list", "exclude_paths", "rules_dir",
        "postfix_version", "strict", "format", "apps_dir", "servers", "fix_only")


CONFIG_LIMIT = SETTINGS_LIMIT               # .smtplint.yml: a few hundred bytes in practice
PYPROJECT_LIMIT = 4 * SETTINGS_LIMIT        # someone else's file; read only to look for our table
TOOL_TABLE = "[tool.smtplint]"


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file (and
    the line, where there is one)."""


@dataclass(frozen=True)
class Settings:
    """What a config file says; None (or empty) where it says nothing."""

    root: str                       # exclude_paths, rules_dir and the baseline are relative to it
    path: str | None = None         # the config file, when there is one
    profile: str | None = None
    skip_list: tuple[str, ...] = ()
    fix_only: tuple[str, ...] = ()  # --fix applies only these rules' fixes
    warn_list: tuple[str, ...] = ()
    enable_list: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    rules_dir: tuple[str, ...] = field(default=())
    postfix_version: str | None = None
    strict: bool | None = None
    format: str | None = None
    apps_dir: tuple[str, ...] = ()  # app mappings (rules/apps/ format), added to --apps-dir
    servers: dict = field(default_factory=dict)  # host -> Postfix config path (relative to root)


class Lines(Protocol):
    """Where a key or value is in the file, 0 when unknown."""

    def line_of(self, path: Sequence) -> int: ...

    def key_line(self, key: object) -> int: ...


def repository_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: str | os.PathLike = ".") -> tuple[Path | None, Path]:
    """The config file that applies from ``start`` (or None) and the root:
    the config's directory, else the repository root, else ``start``.

    A candidate that is there but is not a regular file (a FIFO, a
    directory, a dangling link) is a ConfigError, not silently passed over:
    the user meant it to be the config."""
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if _present(candidate):
                return candidate, directory
        pyproject = directory / PYPROJECT
        if _present(pyproject) and _mentions_tool_table(pyproject):
            return pyproject, directory
        if (directory / ".git").exists():
            return None, directory
    return None, start


def _present(path: Path) -> bool:
    """Whether there is something at ``path``; ConfigError when it is
    something other than a regular file."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as error:
        raise ConfigError(f"{display(path)}: cannot be read: {error.strerror}") from None
    try:
        mode = os.stat(path).st_mode
    except OSError:
        raise ConfigError(f"{display(path)}: {describe_missing(str(path))}") from None
    if not stat.S_ISREG(mode):
        raise ConfigError(f"{display(path)}: is {kind(mode)}, not a regular file")
    return True


def _mentions_tool_table(path: Path) -> bool:
    """A cheap test before parsing TOML: most pyproject files are not ours."""
    return b"tool.smtplint" in _read_bytes(path, PYPROJECT_LIMIT)


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        return read_regular(str(path), limit)
    except UnreadableFile as error:
        raise ConfigError(f"{display(path)}: {error.reason}") from None


def display(path: Path) -> str:
    """The path as a user would type it: relative to the cwd when below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def load_settings(explicit: str | None = None, start: str | os.PathLike = ".") -> Settings:
    """Settings from ``--config FILE`` or the file found upward from ``start``."""
    if explicit is not None:
        problem = describe_missing(explicit)
        if problem == "does not exist":
            raise ConfigError(f"{explicit}: config file not found")
        if problem is not None:
            raise ConfigError(f"{explicit}: {problem}")
        path = Path(explicit)
        _present(path)
        path = path.resolve()
        root = path.parent.parent if path.parent.name == ".config" else path.parent
    else:
        found, root = find_config(start)
        if found is None:
            return Settings(root=str(root))
        path = found
    name = display(path)
    data, lines = _read(path, name)
    validate(data, name, lines)
    return _settings(data, path, root)


def _read(path: Path, name: str) -> tuple[dict, Lines]:
    is_pyproject = path.name == PYPROJECT
    data = _read_bytes(path, PYPROJECT_LIMIT if is_pyproject else CONFIG_LIMIT)
    try:
        text = decode_utf8(data, name)
    except UnreadableFile as error:
        raise ConfigError(str(error)) from None
    if is_pyproject:
        return _tool_table(text, name)
    from linter.yamlfile import YamlProblem, load_yaml

    try:
        document = load_yaml(text)
    except YamlProblem as problem:
        raise ConfigError(f"{problem.where(name)}: {problem.message}") from None
    if document.data is None:
        return {}, document
    if not isinstance(document.data, dict):
        raise ConfigError(f"{name}: expected a mapping of settings, "
                          f"found {type(document.data).__name__}")
    return document.data, document


def _tool_table(text: str, name: str) -> tuple[dict, Lines]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(f"{name}: reading [tool.smtplint] needs Python 3.11 or the "
                              "tomli package; use .smtplint.yml instead") from None
    lines = TomlLines(text)
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{_toml_where(name, str(error))}: not valid TOML: "
                          f"{_TOML_POSITION.sub('', str(error))}") from None
    except RecursionError:
        raise ConfigError(f"{name}: not valid TOML: nested too deeply") from None
    except ValueError:       # an integer longer than Python converts (TOML allows 64 bits)
        where = _at(name, lines.long_number_line())
        raise ConfigError(f"{where}: not valid TOML: an integer out of range") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{_at(name, lines.top.get('tool', 0))}: tool: expected a table, "
                          f"found {_toml_type(tool)}")
    table = tool.get("smtplint", {})
    if not isinstance(table, dict):
        where = f"{name}:{lines.header}" if lines.header else name
        raise ConfigError(f"{where}: [tool.smtplint] must be a table, "
                          f"found {_toml_type(table)}")
    return table, lines


_TOML_POSITION = re.compile(r" \(at line (\d+), column (\d+)\)$| \(at end of document\)$")


def _toml_where(name: str, message: str) -> str:
    match = _TOML_POSITION.search(message)
    return f"{name}:{match.group(1)}:{match.group(2)}" if match and match.group(1) else name


def _toml_type(value) -> str:
    return {str: "a string", int: "an integer", float: "a float", bool: "a boolean",
            list: "an array"}.get(type(value), type(value).__name__)


class TomlLines:
    """Lines of keys in the ``[tool.smtplint]`` table, found by a line scan
    (tomllib keeps no positions): good enough to point at a key."""

    _KEY = re.compile(r"[ \t]*\"?([A-Za-z0-9_-]+)\"?[ \t]*=")
    # Runs of digits, each judged by its length: "[0-9_]{4000}" tried up to
    # 4,000 characters at every digit (minutes on runs just short of it).
    _DIGITS = re.compile(r"[0-9_]+")
    LONG_NUMBER = 4000

    def __init__(self, text: str):
        self.text = text
        self.header = 0
        self.keys: dict[str, int] = {}
        self.top: dict[str, int] = {}            # keys before the first table header
        in_table = False
        seen_header = False
        for number, line in enumerate(text.split("\n"), 1):
            stripped = line.strip()
            if stripped.startswith("["):
                seen_header = True
                in_table = stripped.split("#", 1)[0].strip() == TOOL_TABLE
                if in_table and not self.header:
                    self.header = number
            elif in_table or not seen_header:
                match = self._KEY.match(line)
                if match:
                    (self.keys if in_table else self.top).setdefault(match.group(1), number)

    def key_line(self, key: object) -> int:
        return self.keys.get(str(key), self.header)

    def line_of(self, path: Sequence) -> int:
        return self.key_line(path[0]) if path else self.header

    def long_number_line(self) -> int:
        """The line of the first integer too long to convert (0: none)."""
        match = next((run for run in self._DIGITS.finditer(self.text)
                      if run.end() - run.start() >= self.LONG_NUMBER), None)
        return self.text.count("\n", 0, match.start()) + 1 if match else 0


def _at(name: str, line: int) -> str:
    return f"{name}:{line}" if line else name


def validate(data: dict, name: str, lines: Lines | None = None) -> None:
    """Check against the schema; the first problem (in file order) becomes
    a ConfigError that names the file, the line, the key and what is wrong
    with it, quoting at most a few dozen characters of the value."""
    from linter.yamlfile import brief

    for unknown in data:          # the first unknown key in file order (keys may not be str)
        if isinstance(unknown, str) and unknown in KEYS:
            continue
        where = _at(name, lines.key_line(unknown) if lines else 0)
        hint = f"; known keys: {', '.join(KEYS)}"
        if isinstance(unknown, str) and len(unknown) <= 40:
            import difflib

            close = difflib.get_close_matches(unknown, KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else hint
        raise ConfigError(f"{where}: unknown key {brief(unknown)}{hint}")
    _number_versions(data, name, lines)
    import json

    import jsonschema

    from linter.engine.rules import data_path

    schema = json.loads(data_path("schemas", "config.schema.json").read_text())
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if not errors:
        return

    def line(error) -> int:
        return lines.line_of(tuple(error.path)) if lines else 0

    error = min(errors, key=lambda error: (line(error), [str(part) for part in error.path]))
    key = "/".join(str(part) for part in error.path) or "(top level)"
    raise ConfigError(f"{_at(name, line(error))}: {key}: {_message(error)}")


def _message(error) -> str:
    from linter.yamlfile import brief

    value = brief(error.instance)
    if error.validator == "enum":
        return f"{value} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern":
        return f"{value} is not a rule id or tag (lower-case words joined by '-')"
    if error.validator == "oneOf" and error.path and error.path[-1] == "rules_dir":
        return "expected a directory or a list of directories"
    if error.validator == "type":
        types = error.validator_value
        expected = ", ".join(map(repr, types if isinstance(types, list) else [types]))
        return f"{value} is not of type {expected}"
    if error.validator == "minLength":
        return f"{value} is empty"
    message = error.message
    return message if len(message) <= 200 else f"{value} is not valid ({error.validator})"


def _number_versions(data: dict, name: str, lines: Lines | None) -> None:
    """YAML reads ``3.10`` as the number 3.1: take plain numbers that are
    unambiguous, refuse the others with the fix."""
    value = data.get("postfix_version")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from linter.postfix.params import SUPPORTED_VERSIONS
        from linter.yamlfile import brief

        if str(value) in SUPPORTED_VERSIONS:
            data["postfix_version"] = str(value)
        else:
            where = _at(name, lines.key_line("postfix_version") if lines else 0)
            raise ConfigError(f"{where}: postfix_version: {brief(value)} is a number; quote "
                              "it, e.g. postfix_version: \"3.10\"")


def _settings(data: dict, path: Path, root: Path) -> Settings:
    rules_dir = data.get("rules_dir", ())
    if isinstance(rules_dir, str):
        rules_dir = (rules_dir,)
    return Settings(
        root=str(root), path=str(path), profile=data.get("profile"),
        skip_list=tuple(data.get("skip_list", ())), fix_only=tuple(data.get("fix_only", ())),
        warn_list=tuple(data.get("warn_list", ())),
        enable_list=tuple(data.get("enable_list", ())),
        exclude_paths=tuple(data.get("exclude_paths", ())),
        rules_dir=tuple(str(root / directory) for directory in rules_dir),
        postfix_version=data.get("postfix_version"), strict=data.get("strict"),
        format=data.get("format"),
        apps_dir=tuple(str(root / directory) for directory in (
            [data["apps_dir"]] if isinstance(data.get("apps_dir"), str)
            else data.get("apps_dir", ()))),
        servers={str(host): str(path) for host, path in data.get("servers", {}).items()})
