"""Report what Postfix itself would warn about or refuse.

The parsers and the resolver record these as diagnostics whose ``code`` is
the rule id (parse-error, master-entry-invalid, ...); this builtin turns
the ones of its rule into findings. A finding keeps the diagnostic's
severity (a Latin-1 byte in a comment is a warning, not an error), never
more than the rule's. A diagnostic inside a master.cf entry names that
entry's service, so a reader knows which listener is broken without
counting lines.

Lines are indexed once per configuration (``Configuration.line_index``):
40,000 broken lines cost 40,000 look-ups, not 40,000 scans of the file.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from linter.diagnostics import Diagnostic
from linter.engine.findings import SEVERITIES, Finding
from linter.postfix.resolve import ServiceView


def check(rule, scope) -> Iterator[Finding]:
    yield from findings_for(rule, scope, scope.config.diagnostics)


def findings_for(rule, scope, diagnostics: Iterable[Diagnostic]) -> Iterator[Finding]:
    """Findings of ``rule`` for the diagnostics whose code is its id."""
    from linter.engine.run import make_fix, template_fields

    index = scope.config.line_index
    for diagnostic in diagnostics:
        if diagnostic.code != rule.id or index.in_template_text(diagnostic):
            continue
        view = index.service_at(diagnostic)
        fix = make_fix(rule, scope, view, template_fields(view, None))
        yield Finding(rule=rule.id, severity=severity(rule.severity, diagnostic.severity),
                      path=diagnostic.path, line=diagnostic.line, column=diagnostic.column,
                      message=diagnostic.message,
                      service=view.service.key if view and view.service.plausible else None,
                      fix=fix, tags=rule.tags)


def severity(rule_severity: str, diagnostic_severity: str) -> str:
    """The milder of the two: the parser knows a warning is a warning, the
    rule (or the user's configuration of it) may lower it further."""
    rank = {name: position for position, name in enumerate(SEVERITIES)}
    return max(rule_severity, diagnostic_severity, key=rank.__getitem__)


def service_at(config, diagnostic: Diagnostic) -> ServiceView | None:
    """The master.cf service whose entry holds the diagnostic's line."""
    return config.line_index.service_at(diagnostic)
