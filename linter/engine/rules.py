"""Rules are data: load ``rules/**/*.yaml`` into Rule objects.

Built-in rules are validated by the test suite against
``schemas/rule.schema.json`` and loaded here without jsonschema, so start-up
stays fast; user rules (``--rules-dir``) are validated when loaded.

Parsing 30 YAML files (and importing PyYAML) is most of a lint's start-up,
so the built-in rules are also compiled into ``linter/data/rules.json``
(``python tools/gen_rule_data.py``; a test keeps it in sync). It records
each YAML file's size and CRC-32: the compiled data is used only while
every file still matches, so an edited rule is never shadowed by stale
data (it is read from YAML, just more slowly, until regenerated).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROFILES = ("min", "basic", "safety", "production")
ROLES = ("mx", "submission", "submissions", "other")


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    tags: tuple[str, ...]
    profile: str
    summary: str
    description: str
    applies_to: dict
    check: dict
    message: str = ""
    fix: dict | None = None
    path: str = ""
    severity_by_role: dict = field(default_factory=dict)
    # The check judges values main.cf usually sets: with no main.cf in the
    # repository (e.g. built by postconf at deploy time) they are unknown.
    needs_main_cf: bool = False
    # Without main.cf the check judges only master.cf's own -o values.
    partial_without_main_cf: bool = False
    # The message of the one finding at a main.cf cause that several
    # services inherit ({services}, {where}, plus the message's fields).
    cause_message: str = ""
    # What --fix may do with the rule's fixes: "safe" (it applies them),
    # "unsafe" (only with --unsafe-fixes) or "" (no automatic fix); the
    # note says why, and when a finding's fix differs from the default.
    fix_safety: str = ""
    fix_safety_note: str = ""

    @property
    def stage(self) -> str:
        """Which stage judges the rule: ``lint`` (Postfix files), ``app``
        (application YAML, linter.apps), ``host`` (what only the mail host
        knows: smtplint audit) or ``probe`` (a live server: smtplint probe
        and audit --probe)."""
        for stage in ("probe", "host", "app"):
            if stage in self.applies_to:
                return stage
        return "lint"

    def in_profile(self, profile: str | None) -> bool:
        """Profiles nest: min < basic < safety < production."""
        if profile is None:
            return True
        return PROFILES.index(self.profile) <= PROFILES.index(profile)


def _root() -> Path:
    """Where the shipped data lives: beside the package (source tree) or
    inside it (installed wheel)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data", package.parent):
        if (candidate / "rules").is_dir():
            return candidate
    raise RuleError(f"cannot find the built-in rules near {package}")


def data_path(*parts: str) -> Path:
    return _root().joinpath(*parts)


def _yaml_load(text: str):
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def rule_from_dict(data: dict, path: str) -> Rule:
    try:
        return Rule(
            id=data["id"], severity=data["severity"], tags=tuple(data.get("tags", ())),
            profile=data["profile"], summary=data["summary"],
            description=data["description"], applies_to=data["applies_to"],
            check=data["check"], message=data.get("message", ""), fix=data.get("fix"),
            path=path, severity_by_role=data.get("severity_by_role", {}),
            needs_main_cf=bool(data.get("needs_main_cf", False)),
            partial_without_main_cf=bool(data.get("partial_without_main_cf", False)),
            cause_message=data.get("cause_message", ""),
            fix_safety=data.get("fix_safety", ""),
            fix_safety_note=data.get("fix_safety_note", ""),
        )
    except (KeyError, TypeError) as error:
        raise RuleError(f"{path}: not a valid rule: missing {error}") from None


def _rule_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.yaml")
                  if "apps" not in path.relative_to(directory).parts)


COMPILED = Path(__file__).resolve().parent.parent / "data" / "rules.json"


@lru_cache(maxsize=None)
def builtin_rules() -> tuple[Rule, ...]:
    directory = data_path("rules")
    compiled = compiled_rules(directory, COMPILED)
    if compiled is not None:
        return compiled
    return tuple(rule_from_dict(_yaml_load(path.read_text()), str(path))
                 for path in _rule_files(directory))


def source_files(directory: Path) -> dict[str, bytes]:
    """The rule YAML files below ``directory`` by relative path (``/``), as
    the YAML loader would find them."""
    found = {}
    for current, dirs, files in os.walk(directory):
        dirs[:] = sorted(name for name in dirs if name != "apps")
        for name in files:
            if name.endswith(".yaml"):
                path = os.path.join(current, name)
                relative = os.path.relpath(path, directory).replace(os.sep, "/")
                with open(path, "rb") as handle:
                    found[relative] = handle.read()
    return found


def fingerprint(data: bytes) -> str:
    import zlib

    return f"{len(data)}:{zlib.crc32(data):08x}"


def compile_rules(directory: Path) -> dict:
    """The compiled form of ``directory``'s rules (tools/gen_rule_data.py)."""
    sources = source_files(directory)
    return {"sources": {name: fingerprint(data) for name, data in sorted(sources.items())},
            "rules": {name: _yaml_load(data.decode("utf-8"))
                      for name, data in sorted(sources.items())}}


def compiled_rules(directory: Path, compiled: Path) -> tuple[Rule, ...] | None:
    """The rules from the compiled file, or None when it is missing or any
    YAML file differs from what was compiled."""
    import json

    try:
        with open(compiled, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    sources = source_files(directory)
    recorded = data.get("sources", {})
    if set(sources) != set(recorded) or any(
            fingerprint(text) != recorded[name] for name, text in sources.items()):
        return None
    ordered = sorted(data["rules"].items(), key=lambda item: directory / item[0])
    return tuple(rule_from_dict(rule, str(directory / name)) for name, rule in ordered)


def load_user_rules(directory: str) -> list[Rule]:
    """Load and validate a user's rules directory; RuleError names the file
    (and the line). Rule files are read as config files are: regular files
    of at most 1 MB, YAML without aliases, bounded nesting."""
    from linter.files import describe_missing

    problem = describe_missing(directory)
    if problem == "does not exist":
        raise RuleError(f"{directory}: rules directory not found")
    if problem is not None:
        raise RuleError(f"{directory}: {problem}")
    if not os.path.isdir(directory):
        from linter.files import kind

        raise RuleError(f"{directory}: is {kind(os.stat(directory).st_mode)}, not a directory")
    validator = rule_validator()
    return [_load_user_rule(path, validator) for path in _user_rule_files(directory)]


def _user_rule_files(directory: str) -> list[str]:
    """``*.yaml`` and ``*.yml`` below ``directory`` (not under ``apps``),
    sorted (a ``.yml`` rule left out would pass what it should fail); linked
    directories are followed once each. A directory that cannot be listed
    is a RuleError: a rule silently missing would pass what it should fail."""
    found = []
    stack = [directory]
    followed = {os.path.realpath(directory)}
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            raise RuleError(f"{current}: cannot be listed: "
                            f"{error.strerror or type(error).__name__}") from None
        subdirectories = []
        for entry in entries:
            path = os.path.join(current, entry.name)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                real = os.path.realpath(path)
                if entry.name != "apps" and real not in followed:
                    followed.add(real)
                    subdirectories.append(path)
            elif entry.name.endswith((".yaml", ".yml")):
                found.append(path)
        stack.extend(reversed(subdirectories))
    return sorted(found)


def _load_user_rule(path: str, validator) -> Rule:
    from linter.files import SETTINGS_LIMIT, UnreadableFile, decode_utf8, read_regular
    from linter.yamlfile import YamlProblem, load_yaml

    try:
        document = load_yaml(decode_utf8(read_regular(path, SETTINGS_LIMIT), path))
    except UnreadableFile as error:
        raise RuleError(str(error)) from None
    except YamlProblem as problem:
        raise RuleError(f"{problem.where(path)}: {problem.message}") from None
    errors = list(validator.iter_errors(document.data))
    if errors:
        def line(error) -> int:
            return document.line_of(tuple(error.path))

        error = min(errors, key=lambda error: (line(error), [str(p) for p in error.path]))
        where = "/".join(str(part) for part in error.path) or "(top level)"
        at = f"{path}:{line(error)}" if line(error) else path
        raise RuleError(f"{at}: {where}: {schema_message(error)}")
    found = usage_problem(document.data)
    if found is not None:
        place, message = found
        raise RuleError(f"{path}:{document.line_of(place)}: "
                        f"{'/'.join(str(part) for part in place)}: {message}")
    return rule_from_dict(document.data, path)


def usage_problem(data: dict) -> tuple[tuple, str] | None:
    """What the schema lets through in a valid rule but a lint could not
    run (it would stop with an internal error): a condition without one
    operator or with a bad regular expression, a builtin check that does
    not exist, a message or fix template naming a field no finding has.
    (Where in the rule, the message), or None."""
    import importlib.util

    from linter.engine.conditions import problem

    check = data["check"]
    if any(stage in data["applies_to"] for stage in ("probe", "host", "app")):
        return None  # judged by linter.apps or linter.audit, not by lint
    if "builtin" in check:
        module = f"linter.engine.builtins.{check['builtin']}"
        if importlib.util.find_spec(module) is None:
            return ("check", "builtin"), f"no builtin check named {check['builtin']!r}"
        # A builtin fills its own message fields; one that needs options
        # or fix lines says what is missing (rule_problem).
        rule_problem = getattr(importlib.import_module(module), "rule_problem", None)
        return rule_problem(data) if rule_problem is not None else None
    if "audit" in check:
        return ("check", "audit"), "an audit check needs applies_to host or probe"
    found = problem(check)
    if found is not None:
        return ("check",) + found[0], found[1]
    from linter.engine.run import template_fields

    fields = frozenset(template_fields(None, None))
    templates = [(("message",), data.get("message", ""), fields),
                 (("cause_message",), data.get("cause_message", ""),
                  fields | {"services", "where", "count"})]
    fix = data.get("fix") or {}
    templates.append((("fix", "description"), fix.get("description", ""), fields))
    templates += [(("fix", "lines", index), line, fields)
                  for index, line in enumerate(fix.get("lines", ()))]
    for index, edit in enumerate(fix.get("edits", ())):
        templates += [(("fix", "edits", index, key), edit[key], fields)
                      for key in ("name", "value") if isinstance(edit.get(key), str)]
    for place, template, known in templates:
        message = template_problem(template, known)
        if message is not None:
            return place, message
    return None


def template_problem(template: str, known: frozenset[str]) -> str | None:
    """Why ``template.format(**fields)`` would fail (every field is text), or None."""
    try:
        template.format(**dict.fromkeys(known, ""))
    except KeyError as error:
        return f"no field {{{error.args[0]}}} (fields: {', '.join(sorted(known))})"
    except (ValueError, IndexError, AttributeError) as error:
        return f"not a valid template: {error}"
    return None


def schema_message(error) -> str:
    """jsonschema's message, unless it quotes too much of the value."""
    from linter.yamlfile import brief

    if len(error.message) <= 200:
        return error.message
    if error.validator == "type":
        return f"{brief(error.instance)} is not of type {error.validator_value!r}"
    if error.validator == "enum":
        return f"{brief(error.instance)} is not one of {brief(error.validator_value, 200)}"
    return f"{brief(error.instance)} is not valid here ({error.validator})"


def rule_validator():
    import json

    import jsonschema

    schema = json.loads(data_path("schemas", "rule.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)
