"""Read an app's YAML file into node trees we can walk, within bounds.

PyYAML's C composer gives nodes with positions and without constructing
values: tags such as ``!secret`` or ``!vault`` stay tags, and an alias is
the same node again (an alias bomb is a small graph, not a huge value).
Only regular files up to ``MAX_BYTES`` are read. Nothing raises: problems
are returned as a ``problem`` string with a position.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

MAX_BYTES = 4 * 1024 * 1024
# Flattening (Spring's dotted keys) visits at most this many nodes.
MAX_NODES = 200_000


@dataclass
class Leaf:
    """A scalar that is part of another scalar: ``KEY=VALUE`` in a Compose
    ``environment:`` list, or a bare ``KEY`` (taken from the host's env)."""

    value: str
    line: int
    column: int
    tag: str | None = None
    style: str | None = None
    bare: bool = False


@dataclass
class Source:
    path: str
    text: str = ""
    documents: list = field(default_factory=list)    # root nodes (None for empty docs)
    problem: str | None = None                       # why it could not be parsed
    line: int = 1
    column: int = 1
    too_large: bool = False


def read_text(path: str, limit: int = MAX_BYTES) -> tuple[str | None, str | None, bool]:
    """(text, problem, too_large) for a regular file of at most ``limit`` bytes."""
    try:
        info = os.stat(path)
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}", False
    if not stat.S_ISREG(info.st_mode):
        return None, "not a regular file", False
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        return None, f"cannot read: {error.strerror or error}", False
    if len(data) > limit:
        return data[:65536].decode("utf-8", "replace"), \
            f"larger than {limit // (1024 * 1024)} MiB: not linted", True
    if b"\x00" in data:
        return None, "binary data (NUL bytes): not a YAML file", False
    try:
        return data.decode("utf-8-sig"), None, False
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text (byte {error.start})", False


def parse(path: str, text: str) -> Source:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    source = Source(path, text)
    try:
        source.documents = list(yaml.compose_all(text, Loader=loader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if mark is not None:
            source.line, source.column = mark.line + 1, mark.column + 1
        # Only the parser's own words: its "context" snippet would echo file content.
        source.problem = f"not valid YAML: {getattr(error, 'problem', None) or 'syntax error'}"
        source.documents = []
    except (RecursionError, MemoryError):
        source.problem = "not valid YAML: nested too deeply"
    return source


def load(path: str) -> Source:
    text, problem, too_large = read_text(path)
    if text is None or problem is not None:
        source = Source(path, text or "", problem=problem, too_large=too_large)
        return source
    return parse(path, text)


# -- walking ---------------------------------------------------------------------

def kind(node) -> str:
    """map, seq, scalar, flat (a dict of dotted keys) or none."""
    if node is None:
        return "none"
    if isinstance(node, dict):
        return "flat"
    if isinstance(node, Leaf):
        return "scalar"
    name = type(node).__name__
    if name == "MappingNode":
        return "map"
    if name == "SequenceNode":
        return "seq"
    return "scalar"


def key_text(node) -> str | None:
    return node.value if kind(node) == "scalar" and not isinstance(node, Leaf) else None


def children(node):
    """(key, child) pairs of a mapping, flat map or sequence."""
    node_kind = kind(node)
    if node_kind == "map":
        for key, value in node.value:
            text = key_text(key)
            if text is not None:
                yield text, value
    elif node_kind == "seq":
        for index, item in enumerate(node.value):
            yield str(index), item
    elif node_kind == "flat":
        yield from node.items()


def child(node, key: str):
    """The child named ``key``; in a sequence of ``KEY=VALUE`` strings (a
    Compose environment list) the item for KEY, as a Leaf."""
    node_kind = kind(node)
    if node_kind == "flat":
        return node.get(key)
    if node_kind == "map":
        found = None
        for name, value in children(node):
            if name == key:
                found = value       # the last duplicate wins, as in most loaders
        return found
    if node_kind == "seq":
        if key.isdigit():
            index = int(key)
            return node.value[index] if index < len(node.value) else None
        return _env_item(node, key)
    return None


def _env_item(node, key: str) -> Leaf | None:
    for item in node.value:
        if kind(item) != "scalar" or isinstance(item, Leaf):
            continue
        text = item.value
        name, equals, value = text.partition("=")
        if name.strip() != key:
            continue
        line, column = item.start_mark.line + 1, item.start_mark.column + 1
        quote = 1 if item.style in ("'", '"') else 0
        if not equals:
            return Leaf("", line, column, bare=True)
        return Leaf(value, line, column + quote + len(name) + 1, style=None)
    return None


def position(node) -> tuple[int, int]:
    if isinstance(node, Leaf):
        return node.line, node.column
    mark = getattr(node, "start_mark", None)
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def resolve(root, segments: list[str], prefix: tuple[str, ...] = ()):
    """Every (node, concrete path) that ``segments`` reach from ``root``;
    ``*`` matches every key or index. Work is bounded by the tree's size."""
    current = [(root, prefix)]
    for segment in segments:
        following = []
        for node, path in current:
            if segment == "*":
                following.extend((value, (*path, key)) for key, value in children(node))
            else:
                found = child(node, segment)
                if found is not None:
                    following.append((found, (*path, segment)))
        current = following[:MAX_NODES]
        if not current:
            break
    return current


def flatten(root, limit: int = MAX_NODES) -> tuple[dict, bool]:
    """Spring-style relaxed keys: nested maps joined with ``.``, ``[a.b]``
    brackets unwrapped. Returns (flat map, complete); sequences stay nodes."""
    flat: dict = {}
    budget = [limit]

    def visit(node, prefix: str) -> None:
        for key, value in children(node):
            budget[0] -= 1
            if budget[0] < 0:
                return
            name = key[1:-1] if key.startswith("[") and key.endswith("]") else key
            full = f"{prefix}.{name}" if prefix else name
            if kind(value) == "map":
                visit(value, full)
            else:
                flat[full] = value

    if kind(root) == "map":
        visit(root, "")
    return flat, budget[0] >= 0
