"""app-parse-error is reported by linter.apps.lint while reading the file:
there is no endpoint to check. This module only makes the finding."""

from __future__ import annotations

from linter.engine.findings import Finding


def finding(rule, path: str, line: int, column: int, problem: str) -> Finding:
    return Finding(rule=rule.id, severity=rule.severity, path=path, line=line, column=column,
                   message=rule.message.format(problem=problem), tags=rule.tags)


def check(rule, endpoint, context):
    return iter(())
