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
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_NAMES = (".smtplint.yml", ".smtplint.yaml", os.path.join(".config", "smtplint.yml"))
PYPROJECT = "pyproject.toml"
KEYS = ("profile", "skip_list", "warn_list", "enable_list", "exclude_paths", "rules_dir",
        "postfix_version", "strict", "format", "apps_dir", "servers", "fix_only")


class ConfigError(Exception):
    """A config file that cannot be used; the message names the file."""


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


def repository_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: str | os.PathLike = ".") -> tuple[Path | None, Path]:
    """The config file that applies from ``start`` (or None) and the root:
    the config's directory, else the repository root, else ``start``."""
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate, directory
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _mentions_tool_table(pyproject):
            return pyproject, directory
        if (directory / ".git").exists():
            return None, directory
    return None, start


def _mentions_tool_table(path: Path) -> bool:
    """A cheap test before parsing TOML: most pyproject files are not ours."""
    try:
        return "tool.smtplint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def display(path: Path) -> str:
    """The path as a user would type it: relative to the cwd when below it."""
    try:
        return os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:
        return str(path)


def load_settings(explicit: str | None = None, start: str | os.PathLike = ".") -> Settings:
    """Settings from ``--config FILE`` or the file found upward from ``start``."""
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
        path = path.resolve()
        root = path.parent.parent if path.parent.name == ".config" else path.parent
    else:
        found, root = find_config(start)
        if found is None:
            return Settings(root=str(root))
        path = found
    data = _read(path)
    validate(data, display(path))
    return _settings(data, path, root)


def _read(path: Path) -> dict:
    name = display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{name}: cannot read: {error}") from None
    if path.name == PYPROJECT:
        return _tool_table(text, name)
    import yaml

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{name}{where}: not valid YAML: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping of settings, found {type(data).__name__}")
    return data


def _tool_table(text: str, name: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(f"{name}: reading [tool.smtplint] needs Python 3.11 or the "
                              "tomli package; use .smtplint.yml instead") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{name}: not valid TOML: {error}") from None
    table = data.get("tool", {}).get("smtplint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{name}: [tool.smtplint] must be a table")
    return table


def validate(data: dict, name: str) -> None:
    """Check against the schema; the first problem becomes a ConfigError
    that names the file, the key and what is wrong with it."""
    _number_versions(data, name)
    import difflib
    import json

    import jsonschema

    from linter.engine.rules import data_path

    schema = json.loads(data_path("schemas", "config.schema.json").read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda error: (list(error.path), error.validator != "additionalProperties"))
    if not errors:
        return
    error = errors[0]
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        key = str(unknown[0])
        close = difflib.get_close_matches(key, KEYS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else f"; known keys: {', '.join(KEYS)}"
        raise ConfigError(f"{name}: unknown key '{key}'{hint}")
    where = "/".join(str(part) for part in error.path) or "(top level)"
    raise ConfigError(f"{name}: {where}: {_message(error)}")


def _message(error) -> str:
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "pattern" and isinstance(error.instance, str):
        return f"{error.instance!r} is not a rule id or tag (lower-case words joined by '-')"
    if error.validator == "oneOf" and error.path and error.path[-1] == "rules_dir":
        return "expected a directory or a list of directories"
    return error.message


def _number_versions(data: dict, name: str) -> None:
    """YAML reads ``3.10`` as the number 3.1: take plain numbers that are
    unambiguous, refuse the others with the fix."""
    value = data.get("postfix_version")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        from linter.postfix.params import SUPPORTED_VERSIONS

        if str(value) in SUPPORTED_VERSIONS:
            data["postfix_version"] = str(value)
        else:
            raise ConfigError(f"{name}: postfix_version: {value!r} is a number; quote it, "
                              "e.g. postfix_version: \"3.10\"")


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
