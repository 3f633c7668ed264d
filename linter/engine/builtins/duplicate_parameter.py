"""main.cf names defined twice: Postfix keeps the last one, silently.

Two definitions with template statements between them are usually the
branches of an ``{% if %}`` and ``{% else %}``, so they are not judged.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine.builtins.parameter_names import at
from linter.engine.findings import Edit, Finding, Fix
from linter.postfix.syntax import NodeKind


def check(rule, scope) -> Iterator[Finding]:
    main = scope.config.main
    if main is None:
        return
    template_lines = [node.first_line for node in main.nodes if node.kind is NodeKind.TEMPLATE]
    seen = {}
    for param in main.parameters:
        earlier = seen.get(param.name)
        seen[param.name] = param
        if earlier is None or any(earlier.line < line < param.line for line in template_lines):
            continue
        same = earlier.raw == param.raw
        fix = Fix(f"Delete {param.name} at {at(scope.main_path, earlier.line)} (Postfix ignores it) and "
                  f"keep one definition", (f"{param.name} = {param.raw}",),
                  (Edit(action="remove", path=scope.main_path, name=param.name,
                        span=(earlier.line, earlier.column, earlier.line, earlier.column)),),
                  safety="safe" if same else "unsafe")
        yield Finding(
            rule=rule.id, severity=rule.severity, path=scope.main_path, line=param.line,
            column=param.column,
            message=(f"{param.name} is set twice: {at(scope.main_path, param.line)} ({param.name} = "
                     f"{param.raw}) overrides {at(scope.main_path, earlier.line)} ({param.name} = "
                     f"{earlier.raw}), which Postfix ignores"),
            fix=fix, tags=rule.tags)
