"""Which node, and which master.cf service, holds a line of a file.

Built once per configuration and searched by bisection, so that turning
N diagnostics into findings costs N look-ups, not N scans of the file.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

from linter.diagnostics import Diagnostic
from linter.postfix.syntax import Node, NodeKind
from linter.postfix.template import has_placeholder, is_control_line

if TYPE_CHECKING:
    from linter.postfix.resolve import Configuration, ServiceView


class LineIndex:
    """Which node (and master.cf service) holds a file's line."""

    def __init__(self, config: Configuration):
        self._files: dict[str, tuple[list[int], list[Node]]] = {}
        for parsed in (config.main, config.master):
            if parsed is not None and parsed.path not in self._files:
                nodes = [node for node in parsed.nodes if node.lines]
                self._files[parsed.path] = ([node.first_line for node in nodes], nodes)
        self._template_nodes: dict[int, bool] = {}
        self._master_path = config.master.path if config.master is not None else None
        self._services = config.services
        self._service_starts = [view.service.node.first_line for view in config.services]

    def node_at(self, path: str, line: int) -> Node | None:
        found = self._files.get(path)
        if found is None:
            return None
        starts, nodes = found
        position = bisect_right(starts, line) - 1
        if position < 0:
            return None
        node = nodes[position]
        return node if node.lines[-1].number >= line else None

    def in_template_text(self, diagnostic: Diagnostic) -> bool:
        """A line that holds template syntax is not Postfix text yet: what
        Postfix makes of it depends on the rendering, so it is unknown."""
        node = self.node_at(diagnostic.path, diagnostic.line)
        if node is None or node.kind is NodeKind.UNREAD:
            return False
        key = id(node)
        if key not in self._template_nodes:
            self._template_nodes[key] = any(
                has_placeholder(line.text) or is_control_line(line.text) for line in node.lines)
        return self._template_nodes[key]

    def service_at(self, diagnostic: Diagnostic) -> ServiceView | None:
        """The master.cf service whose entry holds the diagnostic's line."""
        if self._master_path is None or diagnostic.path != self._master_path:
            return None
        position = bisect_right(self._service_starts, diagnostic.line) - 1
        if position < 0:
            return None
        view = self._services[position]
        return view if view.service.node.lines[-1].number >= diagnostic.line else None
