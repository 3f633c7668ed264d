"""Rules are data: load ``rules/**/*.yaml`` into Rule objects.

Built-in rules are validated by the test suite against
``schemas/rule.schema.json`` and loaded here without jsonschema, so start-up
stays fast; user rules (``--rules-dir``) are validated when loaded.
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

    @property
    def stage(self) -> str:
        """Which command judges the rule: ``lint`` (files), ``host`` (what
        only the mail host knows: smtplint audit) or ``probe`` (a live
        server: smtplint probe and audit --probe)."""
        for stage in ("probe", "host"):
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
        )
    except (KeyError, TypeError) as error:
        raise RuleError(f"{path}: not a valid rule: missing {error}") from None


def _rule_files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*.yaml")
                  if "apps" not in path.relative_to(directory).parts)


@lru_cache(maxsize=None)
def builtin_rules() -> tuple[Rule, ...]:
    directory = data_path("rules")
    return tuple(rule_from_dict(_yaml_load(path.read_text()), str(path))
                 for path in _rule_files(directory))


def load_user_rules(directory: str) -> list[Rule]:
    """Load and validate a user's rules directory; RuleError names the file."""
    if not os.path.isdir(directory):
        raise RuleError(f"{directory}: rules directory not found")
    validator = rule_validator()
    rules = []
    for path in _rule_files(Path(directory)):
        try:
            data = _yaml_load(path.read_text())
        except Exception as error:  # yaml errors carry their own position
            raise RuleError(f"{path}: not valid YAML: {error}") from None
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            error = errors[0]
            where = "/".join(str(part) for part in error.path) or "(top level)"
            raise RuleError(f"{path}: {where}: {error.message}")
        rules.append(rule_from_dict(data, str(path)))
    return rules


def rule_validator():
    import json

    import jsonschema

    schema = json.loads(data_path("schemas", "rule.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)
