"""Two master.cf entries for one listener, from the resolver's diagnostics.

Entries separated by template statements are usually alternative
branches (``{% if %}`` / ``{% else %}``) of which only one is rendered,
so those pairs are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.diagnostics import service_at
from linter.engine.findings import Finding
from linter.engine.run import make_fix, template_fields
from linter.postfix.syntax import NodeKind


def check(rule, scope) -> Iterator[Finding]:
    config = scope.config
    if config.master is None:
        return
    template_lines = [node.first_line for node in config.master.nodes
                      if node.kind is NodeKind.TEMPLATE]
    for diagnostic in config.diagnostics:
        if diagnostic.code != rule.id:
            continue
        view = service_at(config, diagnostic)
        if view is None:
            continue
        earlier = config.earlier_duplicate(view)  # was _earlier(): a scan per entry
        if earlier is not None and any(earlier.service.line < line < view.service.line
                                       for line in template_lines):
            continue
        yield Finding(rule=rule.id, severity=rule.severity, path=diagnostic.path,
                      line=diagnostic.line, column=diagnostic.column,
                      message=diagnostic.message, service=view.service.key,
                      fix=make_fix(rule, scope, view, template_fields(view, None)),
                      tags=rule.tags)


def _key(view) -> tuple:
    if view.listener is not None and view.listener.port is not None:
        return ("inet", view.listener.host, view.listener.port)
    return (view.service.type, view.service.name)


def _earlier(config, view):
    """The last valid entry before ``view`` with the same listener."""
    found = None
    for other in config.services:
        if other is view:
            return found
        if other.service.valid and _key(other) == _key(view):
            found = other
    return found
