"""Report what Postfix itself would warn about or refuse.

The parsers and the resolver record these as diagnostics whose ``code`` is
the rule id (parse-error, master-entry-invalid, duplicate-service, ...);
this builtin turns the ones of its rule into findings.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.findings import Finding


def check(rule, scope) -> Iterator[Finding]:
    for diagnostic in scope.config.diagnostics:
        if diagnostic.code == rule.id:
            yield Finding(rule=rule.id, severity=rule.severity, path=diagnostic.path,
                          line=diagnostic.line, column=diagnostic.column,
                          message=diagnostic.message, tags=rule.tags)
