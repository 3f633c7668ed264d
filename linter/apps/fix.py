"""``--fix`` / ``--diff`` for application YAML: change only the scalars a fix names.

The file is read like every file smtplint reads (``linter.files``: a
regular file of bounded size) and its structure is checked before
ruamel.yaml sees it (``linter.yamlfile.check_structure``: bounded nesting
and alias expansion). ruamel reads it in round-trip mode to find each
scalar (its position and quoting) by its YAML path; the new text is the
old text with only that scalar's characters replaced, in the same quoting
style, so comments, key order, indentation and every other byte stay as
they were. ruamel then reads the result back to prove the value changed
and the file is still YAML. Compose ``KEY=VALUE`` list items are edited
inside the item.

Which fixes apply is the Postfix half's policy (``linter.fix.compose``:
safe ones, unsafe ones with ``--unsafe-fixes``, only some rules with
``--fix-only``; one edit proposed twice is applied once, two values for
one scalar keep the first). Files are written atomically, only when
changed, only onto the regular file that was read, and not when it
changed on disk since (``linter.atomic.write_if_changed``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from linter.engine.findings import Finding

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


class FixError(Exception):
    """A fix that cannot be applied safely; the file is left alone."""


@dataclass
class FileFix:
    """One file's fixes: its text before and after, what was read (for the
    changed-on-disk check), the findings fixed, and why not, if not."""

    path: str
    before: str = ""
    after: str = ""
    data: bytes = b""
    mtime_ns: int | None = None
    fixed: list[Finding] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.error is None and self.after != self.before


def safe_only(finding: Finding) -> bool:
    return bool(finding.fix and finding.fix.edits and finding.fix.safety == "safe")


def plan_fixes(findings: Iterable[Finding], allows: Callable[[Finding], bool] = safe_only
               ) -> list[FileFix]:
    """The new text of every file with an allowed fix (nothing written).
    Errors come first: the fix that makes an endpoint work at all wins
    over a stricter one for the same scalar."""
    from linter.fix.compose import plan

    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if allows(finding) and all(edit.action == "set" and edit.path == finding.path
                                   for edit in finding.fix.edits):
            by_path[finding.path].append(finding)
    results = []
    for path, fixable in sorted(by_path.items()):
        fixable.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.sort_key()))
        chosen = plan(fixable, allows)
        results.append(_fix_file(path, chosen))
    return results


def _fix_file(path: str, chosen) -> FileFix:
    from linter.apps.source import read_text

    result = FileFix(path, messages=list(chosen.messages))
    read = read_text(path)
    if read.text is None or read.problem is not None:
        result.error = f"{path}: not fixed: {read.problem or 'cannot be read'}"
        return result
    result.before = read.text
    result.data, result.mtime_ns = read.data, read.mtime_ns
    try:
        result.after = apply_edits(read.text, [(edit.name, edit.value or "")
                                               for edit in chosen.edits])
    except FixError as error:
        result.error = f"{path}: not fixed: {error}"
        result.after = read.text
        return result
    done: set[int] = set()
    for sources in chosen.sources.values():
        for finding in sources:
            if id(finding) not in done:
                done.add(id(finding))
                result.fixed.append(finding)
    return result


def fix_yaml(path: str, findings: Iterable[Finding]) -> str:
    """The new text of ``path`` with the safe edits of ``findings`` applied."""
    fixes = plan_fixes([f for f in findings if f.path == path])
    if not fixes:
        from linter.apps.source import read_text

        read = read_text(path)
        if read.text is None:
            raise FixError(read.problem or "cannot be read")
        return read.text
    if fixes[0].error:
        raise FixError(fixes[0].error)
    return fixes[0].after


def apply_edits(text: str, edits: list[tuple[str, str]]) -> str:
    """``text`` with the scalar at each YAML path set to its new value."""
    if not edits:
        return text
    from linter.apps.source import MAX_ALIAS_NODES
    from linter.yamlfile import YamlProblem, check_structure

    try:
        check_structure(text, MAX_ALIAS_NODES)
    except YamlProblem as problem:
        raise FixError(problem.message) from None
    yaml = _round_trip()
    documents = _load_all(yaml, text)
    lines = text.splitlines(keepends=True)
    spans = []
    for yaml_path, value in dict(edits).items():
        spans.append(_span(documents, lines, yaml_path, value))
    for line, start, end, replacement in sorted(spans, reverse=True):
        current = lines[line]
        lines[line] = current[:start] + replacement + current[end:]
    new_text = "".join(lines)
    check = _load_all(_round_trip(), new_text)
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


def _load_all(yaml, text: str) -> list:
    from ruamel.yaml.error import YAMLError

    try:
        return list(yaml.load_all(text))
    except (YAMLError, ValueError, RecursionError) as error:
        raise FixError(f"not valid YAML for the round-trip parser: {type(error).__name__}"
                       ) from None


def _lookup(documents, yaml_path: str):
    """(value, parent, key) at ``yaml_path`` in the first document that has it.
    A segment may be a relaxed dotted key (Spring): ``spring.mail.host``
    is found as written flat, nested, or partly both."""
    segments = _segments(yaml_path)
    for document in documents:
        found = _walk(document, segments)
        if found is not None:
            return found
    return None


def _walk(document, segments: list[str]):
    node, parent, key = document, None, None
    for segment in segments:
        if isinstance(node, dict):
            step = _dotted(node, segment)
            if step is None:
                return None
            parent, key, node = step
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            parent, key, node = node, int(segment), node[int(segment)]
        elif isinstance(node, list):
            index = _env_index(node, segment)
            if index is None:
                return None
            parent, key, node = node, index, node[index]
        else:
            return None
    return (node, parent, key) if parent is not None else None


def _dotted(mapping: dict, name: str, depth: int = 0):
    """(parent, key, child) for ``name`` in ``mapping``: the key itself,
    ``[name]``, or a key that is a dotted prefix of it and the rest below."""
    for key in (name, f"[{name}]"):
        if key in mapping:
            return mapping, key, mapping[key]
    if depth > 32:
        return None
    for key, child in mapping.items():
        plain = key[1:-1] if isinstance(key, str) and key.startswith("[") and key.endswith("]") \
            else key
        if isinstance(plain, str) and isinstance(child, dict) and name.startswith(plain + "."):
            found = _dotted(child, name[len(plain) + 1:], depth + 1)
            if found is not None:
                return found
    return None


def _env_index(items: list, name: str) -> int | None:
    """The last item for ``name`` (the one Compose uses), if it has a value."""
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if isinstance(item, str) and item.partition("=")[0].strip() == name:
            return index if "=" in item else None
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
        try:
            line, column = parent.lc.value(key)
        except KeyError:      # merged in with <<: written in an anchor others share
            raise FixError(f"{yaml_path}: comes from a << merge; not edited") from None
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
    flow = bool(parent.fa.flow_style())
    if isinstance(parent, list) and isinstance(current, str) and "=" in current:
        prefix = current.split("=", 1)[0] + "="
        new_item = prefix + value
        old = _scalar_extent(text, column, quote, flow)
        return line, column, column + old, _quoted(new_item, quote)
    old = _scalar_extent(text, column, quote, flow)
    return line, column, column + old, _quoted(value, quote)


def _scalar_extent(text: str, column: int, quote: str, flow: bool = False) -> int:
    """How many characters the scalar at ``column`` takes on its line (in
    a flow collection, a plain one ends at ``,``, ``]`` or ``}``)."""
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
        if (text[index] == "#" and index > column and text[index - 1] in " \t") or (
                flow and text[index] in ",]}"):
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


def write_fixes(fixes: Iterable[FileFix]) -> list[str]:
    """Write each changed file back; the errors, one per file not written."""
    import os
    import stat

    from linter.atomic import ChangedOnDisk, write_if_changed

    errors = []
    for fix in fixes:
        if not fix.changed:
            continue
        try:
            if not stat.S_ISREG(os.stat(fix.path).st_mode):
                raise ChangedOnDisk(0, "is no longer a regular file", fix.path)
            write_if_changed(fix.path, fix.after, expected=fix.data,
                             expected_mtime_ns=fix.mtime_ns)
        except ChangedOnDisk as error:
            errors.append(f"{fix.path}: {error.strerror or 'changed on disk'} while smtplint "
                          "was fixing it; not written")
            fix.fixed = []
        except OSError as error:
            errors.append(f"{fix.path}: cannot write: {error.strerror or error}")
            fix.fixed = []
    return errors


def diff(fixes: Iterable[FileFix], mappings=()) -> str:
    """What ``--fix`` would change, as a unified diff (as the Postfix
    half's), showing none of the literal secrets the ``mappings`` find in
    a file: that file's hunks get fewer context lines until none holds a
    secret (``patch`` still applies them), and a changed line that holds
    one shows it masked."""
    return "".join(_masked_diff(fix, file_secrets(fix.path, fix.before, mappings))
                   for fix in sorted(fixes, key=lambda fix: fix.path) if fix.changed)


def file_secrets(path: str, text: str, mappings) -> list[str]:
    """The literal secrets (passwords) of the endpoints in ``text``."""
    from linter.apps.lint import analyse
    from linter.apps.source import Read

    endpoints = analyse(path, mappings, Read(text)).endpoints if mappings else []
    return [secret for endpoint in endpoints for secret in endpoint.secrets()]


def _masked_diff(fix: FileFix, secrets: list[str]) -> str:
    from linter.apps.findings import mask
    from linter.fix.files import unified_diff

    for context in (3, 2, 1, 0):
        text = unified_diff({fix.path: fix.before}, {fix.path: fix.after}, context)
        lines = text.splitlines(keepends=True)
        if not any(line.startswith(" ") and mask(line, secrets) != line for line in lines):
            break
    return "".join(mask(line, secrets) for line in lines)


def fix_files(findings: list[Finding], allows: Callable[[Finding], bool] = safe_only
              ) -> tuple[list[Finding], list[FileFix], list[str]]:
    """Apply the allowed fixes and write the files; returns the findings
    left, each file's fixes (``error`` says why one was not fixed) and the
    errors writing them (changed on disk, cannot write)."""
    fixes = plan_fixes(findings, allows)
    errors = write_fixes(fixes)
    done = {id(finding) for fix in fixes for finding in fix.fixed}
    return [finding for finding in findings if id(finding) not in done], fixes, errors
