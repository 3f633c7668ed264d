"""Load a small YAML file a user wrote (config, custom rule) safely.

Safe loading is not enough for input from strangers: a "billion laughs"
alias bomb expands to gigabytes once anything walks it (jsonschema does,
and repr()s it), ``2001-13-45`` makes the timestamp constructor raise,
a 5,000-digit integer trips Python's int-conversion limit, and deep
nesting exhausts the recursion limit. So: the event stream is checked
first (no aliases, bounded depth), timestamps stay strings, oversized
numbers are a located error, and every problem is a YamlProblem with a
line, never an exception from the YAML library.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MAX_DEPTH = 64
MAX_DIGITS = 100          # an integer a user writes in a setting; Python refuses > 4300


class YamlProblem(Exception):
    """Why the text is not usable YAML; ``line``/``column`` 1-based or 0."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def where(self, name: str) -> str:
        """``name:line:column`` (as much of it as is known)."""
        if not self.line:
            return name
        return f"{name}:{self.line}:{self.column}" if self.column else f"{name}:{self.line}"


@dataclass(frozen=True)
class YamlDocument:
    """The data and the node tree it was built from (for line numbers)."""

    data: object
    root: object            # a yaml.Node, or None for an empty document

    def line_of(self, path) -> int:
        """The line of the value at ``path`` (keys and list indexes), or of
        the deepest node on the way there; 0 for an empty document."""
        node = self.root
        if node is None:
            return 0
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def key_line(self, key) -> int:
        """The line of a top-level mapping key (for "unknown key")."""
        import yaml

        if isinstance(self.root, yaml.MappingNode):
            for key_node, _ in self.root.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                    return key_node.start_mark.line + 1
        return self.line_of(())


def _child(node, part):
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                return value_node
    elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) \
            and 0 <= part < len(node.value):
        return node.value[part]
    return None


def _mark(error, text: str) -> tuple[int, int]:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    position = getattr(error, "position", None)           # a ReaderError
    if mark is None and isinstance(position, int) and 0 <= position <= len(text):
        line_start = text.rfind("\n", 0, position) + 1
        return text.count("\n", 0, position) + 1, position - line_start + 1
    if mark is None:
        return 0, 0
    return mark.line + 1, mark.column + 1


@lru_cache(maxsize=1)
def _loader_class():
    import yaml

    class Constructor(yaml.constructor.SafeConstructor):
        """SafeConstructor with timestamps left as text and integers
        bounded (so a huge one is a located error, not a ValueError)."""

        def construct_yaml_int(self, node):
            digits = len(str(node.value))
            if digits > MAX_DIGITS:
                raise yaml.constructor.ConstructorError(
                    None, None, f"a number {digits} characters long is too long",
                    node.start_mark)
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node):
            return self.construct_scalar(node)

    Constructor.add_constructor("tag:yaml.org,2002:int", Constructor.construct_yaml_int)
    Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                                Constructor.construct_yaml_timestamp)

    if hasattr(yaml, "CParser"):                      # libyaml: as CSafeLoader
        class Loader(yaml.CParser, Constructor, yaml.resolver.Resolver):
            def __init__(self, stream):
                yaml.CParser.__init__(self, stream)
                Constructor.__init__(self)
                yaml.resolver.Resolver.__init__(self)
    else:                                             # pure Python: as SafeLoader
        class Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[no-redef]
                     yaml.composer.Composer, Constructor, yaml.resolver.Resolver):
            def __init__(self, stream):
                yaml.reader.Reader.__init__(self, stream)
                yaml.scanner.Scanner.__init__(self)
                yaml.parser.Parser.__init__(self)
                yaml.composer.Composer.__init__(self)
                Constructor.__init__(self)
                yaml.resolver.Resolver.__init__(self)
    return Loader


def _check_events(text: str, loader_class, alias_nodes: int = 0) -> None:
    """Nesting at most MAX_DEPTH, and aliases: none when ``alias_nodes`` is
    0, else the document may use them as long as it stays at most that
    many nodes with every alias expanded (a "billion laughs" bomb is a few
    lines that expand to 10**9 nodes) and none refers to a collection it
    is inside (an endless tree). Checked on the event stream, which
    libyaml produces without building anything."""
    import yaml

    loader = loader_class(text)
    depth = 0
    sizes: dict[str, int] = {}          # anchor -> nodes, aliases expanded
    heights: dict[str, int] = {}        # anchor -> collection levels in it, aliases expanded
    open_nodes: list[list] = []         # [anchor, nodes so far, height] of open collections
    total = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.AliasEvent) and not alias_nodes:
                mark = event.start_mark
                raise YamlProblem(f"aliases (*{event.anchor}) are not allowed here; "
                                  "write the value out", mark.line + 1, mark.column + 1)
            if isinstance(event, yaml.AliasEvent) and any(
                    node[0] == event.anchor for node in open_nodes):
                mark = event.start_mark
                raise YamlProblem(f"a recursive alias (*{event.anchor} inside "
                                  f"&{event.anchor})", mark.line + 1, mark.column + 1)
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep",
                                      mark.line + 1, mark.column + 1)
                open_nodes.append([event.anchor, 1, 0])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
                anchor, size, height = open_nodes.pop()
                height += 1
            elif isinstance(event, yaml.ScalarEvent):
                anchor, size, height = event.anchor, 1, 0
            elif isinstance(event, yaml.AliasEvent):
                anchor, size = None, sizes.get(event.anchor, 1)
                height = heights.get(event.anchor, 0)
                if depth + height > MAX_DEPTH:
                    mark = event.start_mark
                    raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep once its "
                                      "aliases are expanded", mark.line + 1, mark.column + 1)
            else:
                continue
            if anchor:
                sizes[anchor], heights[anchor] = size, height
            if open_nodes:
                open_nodes[-1][1] += size
                open_nodes[-1][2] = max(open_nodes[-1][2], height)
            else:
                total += size
            if alias_nodes and total + sum(node[1] for node in open_nodes) > alias_nodes:
                mark = event.start_mark
                raise YamlProblem(f"aliases expand it to more than {alias_nodes} nodes",
                                  mark.line + 1, mark.column + 1)
    finally:
        loader.dispose()


def check_structure(text: str, alias_nodes: int = 0) -> None:
    """YamlProblem unless ``text`` nests at most MAX_DEPTH levels and its
    aliases (if ``alias_nodes``) expand to at most that many nodes; for
    callers that parse the text with another loader afterwards (node
    trees, ruamel round-trip)."""
    import yaml

    try:
        _check_events(text, _loader_class(), alias_nodes)
    except yaml.YAMLError as error:
        line, column = _mark(error, text)
        problem = getattr(error, "problem", None) or _first_line(str(error))
        raise YamlProblem(f"not valid YAML: {problem}", line, column) from None
    except (ValueError, TypeError, RecursionError) as error:
        raise YamlProblem(f"not valid YAML: {type(error).__name__}") from None


def load_yaml(text: str, alias_nodes: int = 0) -> YamlDocument:
    """Parse one YAML document; YamlProblem on anything wrong with it.
    Aliases are refused unless ``alias_nodes`` allows them (see
    check_structure)."""
    import yaml

    loader_class = _loader_class()
    try:
        _check_events(text, loader_class, alias_nodes)
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except YamlProblem:
        raise
    except yaml.YAMLError as error:
        line, column = _mark(error, text)
        parts = [getattr(error, "context", None), getattr(error, "problem", None)]
        problem = ", ".join(part for part in parts if part) or _first_line(str(error))
        raise YamlProblem(f"not valid YAML: {problem}", line, column) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise YamlProblem(f"not valid YAML: {type(error).__name__}") from None
    return YamlDocument(data, root)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else "unreadable"


def brief(value, limit: int = 60) -> str:
    """repr() of a value, cut to ``limit`` characters: a message must not
    carry a megabyte the user pasted (or a file's content)."""
    if isinstance(value, (dict, list, tuple)) and len(value) > 20:
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, int) and value.bit_length() > 100:
        return f"a {value.bit_length()}-bit number"
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
