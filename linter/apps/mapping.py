"""App mappings are data: ``rules/apps/<app>.yaml`` says how to recognise an
app's file and where its SMTP settings live (schemas/app-mapping.schema.json).

Built-in mappings are validated by the test suite and loaded here without
jsonschema; a user's mappings (``apps_dir`` / ``--apps-dir``) are validated
when loaded, like user rules.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from linter.apps import source as tree


class MappingError(Exception):
    """A mapping file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class AppMapping:
    app: str
    name: str
    client: str
    references: tuple[str, ...]
    text_hints: tuple[str, ...]
    min_signals: int
    signals: tuple[dict, ...]
    endpoints: tuple[dict, ...]
    errors: dict
    path: str = ""
    documents: str = "each"          # "each" or "layered" (Spring profiles)
    flatten: bool = False            # dotted keys (Spring relaxed binding)

    def file_patterns(self) -> list[str]:
        return [signal["file"] for signal in self.signals if "file" in signal]

    def name_matches(self, path: str, patterns: list[str] | None = None) -> bool:
        base = os.path.basename(path).lower()
        normalized = path.replace(os.sep, "/").lower()
        return any(fnmatch.fnmatchcase(base, pattern.lower())
                   or ("/" in pattern and fnmatch.fnmatchcase(normalized, "*" + pattern.lower()))
                   for pattern in (self.file_patterns() if patterns is None else patterns))

    def hinted(self, lowered_text: str) -> bool:
        return any(hint in lowered_text for hint in self.text_hints)

    def signals_matched(self, path: str, roots: list) -> list[str]:
        """The signals this file shows, described for ``smtplint apps``/debugging."""
        matched = []
        for signal in self.signals:
            if "file" in signal:
                if self.name_matches(path, [signal["file"]]):
                    matched.append(f"file {signal['file']}")
            elif any(signal_in(signal, root) for root in roots):
                matched.append(describe_signal(signal))
        return matched

    def recognizes(self, path: str, roots: list) -> bool:
        return len(self.signals_matched(path, roots)) >= self.min_signals


def describe_signal(signal: dict) -> str:
    if "file" in signal:
        return f"file name {signal['file']}"
    if "key" in signal:
        return f"key {signal['key']}"
    if "key_matches" in signal:
        return f"a key matching /{signal['key_matches']}/"
    return f"{signal['value']} matching /{signal['matches']}/"


def signal_in(signal: dict, root) -> bool:
    import re

    if "key" in signal:
        return bool(tree.resolve(root, split_path(signal["key"])))
    if "key_matches" in signal:
        pattern = re.compile(signal["key_matches"])
        return any(pattern.search(key) for key, _ in tree.children(root))
    pattern = re.compile(signal["matches"], re.IGNORECASE)
    for node, _ in tree.resolve(root, split_path(signal["value"])):
        if tree.kind(node) == "scalar" and pattern.search(str(node.value)):
            return True
    return False


def split_path(path: str) -> list[str]:
    return [part for part in path.strip("/").split("/") if part]


def mapping_from_dict(data: dict, path: str) -> AppMapping:
    try:
        recognize = data["recognize"]
        return AppMapping(
            app=data["app"], name=data["name"], client=data.get("client", ""),
            references=tuple(data.get("references", ())),
            text_hints=tuple(hint.lower() for hint in recognize["text"]),
            min_signals=int(recognize.get("min_signals", 2)),
            signals=tuple(recognize["signals"]), endpoints=tuple(data["endpoints"]),
            errors=dict(data.get("errors", {})), path=path,
            documents=data.get("documents", "each"), flatten=bool(data.get("flatten", False)))
    except (KeyError, TypeError, ValueError) as error:
        raise MappingError(f"{path}: not a valid app mapping: {error}") from None


def _yaml(path: Path):
    """A built-in mapping (our own data, validated by the test suite)."""
    import yaml

    return yaml.load(path.read_text(encoding="utf-8"),
                     Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# A user's mapping may share blocks with anchors, as the built-in ones do.
USER_MAPPING_ALIAS_NODES = 20_000


def _user_yaml(path: Path):
    """A user's mapping, read like every file a user gives smtplint
    (linter.files) and loaded safely (linter.yamlfile); MappingError names
    the file and the line."""
    from linter.files import SETTINGS_LIMIT, UnreadableFile, decode_utf8, read_regular
    from linter.yamlfile import YamlProblem, load_yaml

    try:
        text = decode_utf8(read_regular(str(path), SETTINGS_LIMIT), str(path))
        return load_yaml(text, USER_MAPPING_ALIAS_NODES).data
    except UnreadableFile as error:
        raise MappingError(f"{error.path}: {error.reason}") from None
    except YamlProblem as problem:
        raise MappingError(f"{problem.where(str(path))}: {problem.message}") from None


@lru_cache(maxsize=None)
def builtin_mappings() -> tuple[AppMapping, ...]:
    from linter.engine.rules import data_path

    directory = data_path("rules", "apps")
    return tuple(mapping_from_dict(_yaml(path), str(path))
                 for path in sorted(directory.glob("*.yaml")))


def mapping_validator():
    import json

    import jsonschema

    from linter.engine.rules import data_path

    schema = json.loads(data_path("schemas", "app-mapping.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def load_user_mappings(directory: str) -> list[AppMapping]:
    """Validate and load a user's mappings; MappingError names the file."""
    if not os.path.isdir(directory):
        raise MappingError(f"{directory}: apps directory not found")
    validator = mapping_validator()
    found = []
    for path in sorted(Path(directory).glob("*.yaml")):
        data = _user_yaml(path)
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(part) for part in errors[0].path) or "(top level)"
            raise MappingError(f"{path}: {where}: {errors[0].message}")
        found.append(mapping_from_dict(data, str(path)))
    return found


def all_mappings(apps_dirs=()) -> list[AppMapping]:
    mappings = list(builtin_mappings())
    origin = {mapping.app: mapping.path for mapping in mappings}
    for directory in apps_dirs:
        for mapping in load_user_mappings(directory):
            if mapping.app in origin:
                raise MappingError(f"{mapping.path}: app '{mapping.app}' is already "
                                   f"defined by {origin[mapping.app]}")
            origin[mapping.app] = mapping.path
            mappings.append(mapping)
    return mappings

