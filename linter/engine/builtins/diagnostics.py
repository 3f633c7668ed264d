"""Report what Postfix itself would warn about or refuse.

The parsers and the resolver record these as diagnostics whose ``code`` is
the rule id (parse-error, master-entry-invalid, duplicate-service, ...);
this builtin turns the ones of its rule into findings. A diagnostic inside
a master.cf entry names that entry's service, so a reader knows which
listener is broken without counting lines.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.diagnostics import Diagnostic
from linter.engine.findings import Finding
from linter.postfix.resolve import ServiceView
from linter.postfix.template import has_placeholder, is_control_line


def check(rule, scope) -> Iterator[Finding]:
    from linter.engine.run import make_fix, template_fields

    for diagnostic in scope.config.diagnostics:
        if diagnostic.code != rule.id or _in_template_text(scope.config, diagnostic):
            continue
        view = service_at(scope.config, diagnostic)
        fix = make_fix(rule, scope, view, template_fields(view, None))
        yield Finding(rule=rule.id, severity=rule.severity, path=diagnostic.path,
                      line=diagnostic.line, column=diagnostic.column,
                      message=diagnostic.message,
                      service=view.service.key if view else None, fix=fix, tags=rule.tags)


def _in_template_text(config, diagnostic: Diagnostic) -> bool:
    """A line that holds template syntax is not Postfix text yet: what
    Postfix makes of it depends on the rendering, so it is unknown."""
    for parsed in (config.main, config.master):
        if parsed is None or parsed.path != diagnostic.path:
            continue
        for node in parsed.nodes:
            if any(line.number == diagnostic.line for line in node.lines):
                return any(has_placeholder(line.text) or is_control_line(line.text)
                           for line in node.lines)
    return False


def service_at(config, diagnostic: Diagnostic) -> ServiceView | None:
    """The master.cf service whose entry holds the diagnostic's line."""
    if config.master is None or diagnostic.path != config.master.path:
        return None
    for view in config.services:
        lines = view.service.node.lines
        if lines[0].number <= diagnostic.line <= lines[-1].number:
            return view
    return None
