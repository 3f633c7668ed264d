"""Read an app's YAML file into node trees we can walk, within bounds.

The file is read like every file smtplint reads (``linter.files``: a
regular file only, opened non-blocking and checked again once open, at
most ``MAX_BYTES``), and its event stream is checked first
(``linter.yamlfile.check_structure``: nesting at most 64 levels, aliases
expanding to at most ``MAX_ALIAS_NODES`` nodes -- Helm charts use
anchors and ``<<`` merges, a "billion laughs" bomb is refused). Then
PyYAML's C composer gives nodes with positions and without constructing
values: tags such as ``!secret`` or ``!vault`` stay tags, an alias is
the same node again, and a ``<<`` merge is followed when a key is looked up. Nothing raises: problems are returned as a
``problem`` string with a position.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_BYTES = 4 * 1024 * 1024
# Flattening (Spring's dotted keys) visits at most this many nodes.
MAX_NODES = 200_000
# A document may use aliases as long as it stays this small with each expanded.
MAX_ALIAS_NODES = MAX_NODES
# How much of a file too large to lint is read to tell whose it is.
HEAD_BYTES = 64 * 1024


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
    data: bytes = b""                                # the bytes read (for --fix)
    mtime_ns: int | None = None


@dataclass(frozen=True)
class Read:
    """What ``read_text`` got: the text (or the head of a file too large to
    lint), why it cannot be linted, and the bytes and mtime read."""

    text: str | None
    problem: str | None = None
    too_large: bool = False
    data: bytes = b""
    mtime_ns: int | None = None


def read_text(path: str, limit: int = MAX_BYTES) -> Read:
    """The text of a regular file of at most ``limit`` bytes, read through
    ``linter.files``; for a larger one, its head and a problem."""
    from linter.files import UnreadableFile, decode_utf8, read_regular_with_stat

    try:
        data, status = read_regular_with_stat(path, limit)
    except UnreadableFile as error:
        if "larger than" not in error.reason:
            return Read(None, f"not linted: this file {error.reason}")
        try:
            head, _ = read_regular_with_stat(path, HEAD_BYTES, head=True)
        except UnreadableFile as again:
            return Read(None, f"not linted: this file {again.reason}")
        return Read(head.decode("utf-8", "replace"),
                    f"not linted: this file {error.reason}", True)
    if b"\x00" in data:
        return Read(None, "binary data (NUL bytes): not a YAML file")
    try:
        text = decode_utf8(data[3:] if data.startswith(b"\xef\xbb\xbf") else data, path)
    except UnreadableFile as error:
        where = error.path.rsplit(":", 2)
        at = f" at line {where[-2]}, column {where[-1]}" if len(where) == 3 else ""
        return Read(None, f"{error.reason}{at}")
    return Read(text, None, False, data, status.st_mtime_ns)


def parse(path: str, text: str) -> Source:
    import yaml

    from linter.yamlfile import YamlProblem, check_structure

    source = Source(path, text)
    try:
        check_structure(text, MAX_ALIAS_NODES)
    except YamlProblem as problem:
        source.problem = problem.message if problem.message.startswith("not valid YAML") \
            else f"not linted: {problem.message}"
        source.line, source.column = problem.line or 1, problem.column or 1
        return source
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
    read = read_text(path)
    if read.text is None or read.problem is not None:
        return Source(path, read.text or "", problem=read.problem, too_large=read.too_large)
    source = parse(path, read.text)
    source.data, source.mtime_ns = read.data, read.mtime_ns
    return source


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
        own = set()
        for key, value in node.value:
            text = None if is_merge_key(key) else key_text(key)
            if text is not None:
                own.add(text)
                yield text, value
        for merged in merged_maps(node):
            for text, value in children(merged):
                if text not in own:
                    own.add(text)
                    yield text, value
    elif node_kind == "seq":
        for index, item in enumerate(node.value):
            yield str(index), item
    elif node_kind == "flat":
        yield from node.items()


MERGE_TAG = "tag:yaml.org,2002:merge"


def is_merge_key(node) -> bool:
    """A plain ``<<`` key: every loader the apps use (PyYAML, go-yaml,
    SnakeYAML, Psych) merges the mappings it names into this one."""
    return kind(node) == "scalar" and getattr(node, "tag", None) == MERGE_TAG


def merged_maps(node) -> list:
    """The mappings ``<<`` merges into ``node``, the first one winning
    (its own keys win over all of them). Merges of merges are as deep as
    the nesting check allows (``check_structure``: 64 levels, aliases
    expanded)."""
    found: list = []
    for key, value in node.value:
        if is_merge_key(key):
            items = value.value if kind(value) == "seq" else [value]
            found.extend(item for item in items if kind(item) == "map")
    return found


def through_merge(root, path) -> bool:
    """Whether ``path`` reaches its node through a ``<<`` merge: the value
    is written in the merged anchor and shared with its other users."""
    node = root
    for key in path:
        if kind(node) == "map" and not any(
                not is_merge_key(name) and key_text(name) == key for name, _ in node.value):
            return True
        node = child(node, key)
        if node is None:
            return False
    return False


def child(node, key: str):
    """The child named ``key``; in a sequence of ``KEY=VALUE`` strings (a
    Compose environment list) the item for KEY, as a Leaf."""
    node_kind = kind(node)
    if node_kind == "flat":
        return node.get(key)
    if node_kind == "map":
        found = None
        for name_node, value in node.value:
            if not is_merge_key(name_node) and key_text(name_node) == key:
                found = value       # the last duplicate wins, as in most loaders
        if found is None:
            for merged in merged_maps(node):
                found = child(merged, key)
                if found is not None:
                    break
        return found
    if node_kind == "seq":
        if key.isdigit():
            index = int(key)
            return node.value[index] if index < len(node.value) else None
        return _env_item(node, key)
    return None


def _env_item(node, key: str) -> Leaf | None:
    """The last ``KEY=...`` item: Compose turns the list into a mapping, so
    a later duplicate wins."""
    for item in reversed(node.value):
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
    ``*`` matches every key or index, ``**`` any number of levels (the node
    itself and every mapping or sequence below it). Work is bounded by the
    tree's size."""
    current = [(root, prefix)]
    for segment in segments:
        following = []
        for node, path in current:
            if segment == "**":
                following.extend(_collections(node, path))
            elif segment == "*":
                following.extend((value, (*path, key)) for key, value in children(node))
            else:
                found = child(node, segment)
                if found is not None:
                    following.append((found, (*path, segment)))
        current = following[:MAX_NODES]
        if not current:
            break
    return current


def _collections(node, path: tuple[str, ...]) -> list:
    """``node`` and the mappings and sequences below it, breadth first, at
    most MAX_NODES (aliases are bounded by ``check_structure``)."""
    found = [(node, path)]
    index = 0
    while index < len(found) < MAX_NODES:
        current, where = found[index]
        index += 1
        found.extend((value, (*where, key)) for key, value in children(current)
                     if kind(value) in ("map", "seq"))
    return found[:MAX_NODES]


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
