"""``--fix`` for application YAML: change only the scalars a fix names.

ruamel.yaml reads the file in round-trip mode to find each scalar (its
position and quoting) by its YAML path; the new text is the old text with
only that scalar's characters replaced, written in the same quoting style,
so comments, key order, indentation and every other byte stay as they
were. ruamel then reads the result back to prove the value changed and
the file is still YAML. Compose ``KEY=VALUE`` list items are edited inside
the item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from linter.engine.findings import Finding


class FixError(Exception):
    """A fix that cannot be applied safely; the file is left alone."""


def fix_yaml(path: str, findings: Iterable[Finding]) -> str:
    """The new text of ``path`` with the safe edits of ``findings`` applied."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    edits = [edit for finding in findings if finding.fix and finding.fix.safety == "safe"
             for edit in finding.fix.edits if edit.action == "set" and edit.path == path]
    return apply_edits(text, [(edit.name, edit.value or "") for edit in edits])


def apply_edits(text: str, edits: list[tuple[str, str]]) -> str:
    if not edits:
        return text
    yaml = _round_trip()
    documents = list(yaml.load_all(text))
    lines = text.splitlines(keepends=True)
    spans = []
    for yaml_path, value in dict(edits).items():
        spans.append(_span(documents, lines, yaml_path, value))
    for line, start, end, replacement in sorted(spans, reverse=True):
        current = lines[line]
        lines[line] = current[:start] + replacement + current[end:]
    new_text = "".join(lines)
    check = list(_round_trip().load_all(new_text))
    for yaml_path, value in dict(edits).items():
        found = _lookup(check, yaml_path)
        if found is None or _plain_value(found[0], yaml_path) != value:
            raise FixError(f"{yaml_path}: the edited file does not read back as {value!r}")
    return new_text


def _round_trip():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def _segments(yaml_path: str) -> list[str]:
    return [part for part in yaml_path.split("/") if part]


def _lookup(documents, yaml_path: str):
    """(value, parent, key) at ``yaml_path`` in the first document that has it."""
    segments = _segments(yaml_path)
    for document in documents:
        node, parent, key = document, None, None
        for segment in segments:
            parent, key = node, segment
            if isinstance(node, dict) and segment in node:
                node = node[segment]
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                key = int(segment)
                node = node[key]
            elif isinstance(node, list):
                index = _env_index(node, segment)
                if index is None:
                    break
                key, node = index, node[index]
            else:
                break
        else:
            return node, parent, key
    return None


def _env_index(items: list, name: str) -> int | None:
    for index, item in enumerate(items):
        if isinstance(item, str) and item.partition("=")[0].strip() == name and "=" in item:
            return index
    return None


def _plain_value(value, yaml_path: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    name = _segments(yaml_path)[-1]
    if text.startswith(name + "="):
        return text.split("=", 1)[1]
    return text


def _span(documents, lines: list[str], yaml_path: str, value: str):
    found = _lookup(documents, yaml_path)
    if found is None:
        raise FixError(f"{yaml_path}: not found")
    current, parent, key = found
    if isinstance(parent, dict):
        line, column = parent.lc.value(key)
    elif isinstance(parent, list):
        line, column = parent.lc.item(key)
    else:
        raise FixError(f"{yaml_path}: not a scalar")
    if isinstance(current, (dict, list)):
        raise FixError(f"{yaml_path}: not a scalar")
    text = lines[line]
    quote = text[column] if column < len(text) and text[column] in "'\"" else ""
    if isinstance(current, str) and "\n" in current:
        raise FixError(f"{yaml_path}: multi-line scalars are not edited")
    if isinstance(parent, list) and isinstance(current, str) and "=" in current:
        prefix = current.split("=", 1)[0] + "="
        new_item = prefix + value
        old = _scalar_extent(text, column, quote)
        return line, column, column + old, _quoted(new_item, quote)
    old = _scalar_extent(text, column, quote)
    return line, column, column + old, _quoted(value, quote)


def _scalar_extent(text: str, column: int, quote: str) -> int:
    """How many characters the scalar at ``column`` takes on its line."""
    if quote:
        index = column + 1
        while index < len(text):
            if text[index] == quote:
                if quote == "'" and text[index + 1:index + 2] == "'":
                    index += 2
                    continue
                if quote == '"' and text[index - 1] == "\\":
                    index += 1
                    continue
                return index - column + 1
            index += 1
        raise FixError("unterminated quoted scalar")
    end = len(text.rstrip("\r\n"))
    for index in range(column, end):
        if text[index] == "#" and index > column and text[index - 1] in " \t":
            end = index
            break
    while end > column and text[end - 1] in " \t":
        end -= 1
    return end - column


def _quoted(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if quote == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value == "" or value[:1] in "!&*{}[]|>'\"%@`#,?:-" or ": " in value or " #" in value:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def fix_files(findings: list[Finding]) -> tuple[list[Finding], dict[str, int]]:
    """Apply every safe fix to its file (atomically, only when changed);
    returns the findings left and how many were fixed per file."""
    from linter.atomic import write_if_changed

    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.fix and finding.fix.safety == "safe" and finding.fix.edits:
            by_path[finding.path].append(finding)
    fixed: dict[str, int] = {}
    done: set[int] = set()
    for path, fixable in by_path.items():
        try:
            new_text = fix_yaml(path, fixable)
        except (FixError, OSError, ValueError) as error:
            fixed[path] = 0
            del error
            continue
        write_if_changed(path, new_text)
        fixed[path] = len(fixable)
        done.update(id(finding) for finding in fixable)
    return [finding for finding in findings if id(finding) not in done], fixed
