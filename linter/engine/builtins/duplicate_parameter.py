"""main.cf names defined twice: Postfix keeps the last one.

With different values postconf warns "overriding earlier entry" and the
later line wins, so whoever edits the earlier one changes nothing: a
warning. The same value twice changes nothing at all (postconf stays
silent): an info, whose fix (deleting the earlier line) is safe.

Two definitions with template statements between them are usually the
branches of an ``{% if %}`` and ``{% else %}``, so they are not judged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from linter.engine.builtins.parameter_names import at
from linter.engine.findings import Edit, Finding, Fix
from linter.engine.run import quote
from linter.postfix.syntax import NodeKind


def check(rule, scope) -> Iterator[Finding]:
    main = scope.config.main
    if main is None:
        return
    template_lines = [node.first_line for node in main.nodes if node.kind is NodeKind.TEMPLATE]
    last = {param.name: param for param in main.parameters}
    counts = Counter(param.name for param in main.parameters)
    seen = {}
    for param in main.parameters:
        earlier = seen.get(param.name)
        seen[param.name] = param
        if earlier is None or any(earlier.line < line < param.line for line in template_lines):
            continue
        here, there = at(scope.main_path, param.line), at(scope.main_path, earlier.line)
        same = param.raw.strip() == earlier.raw.strip()
        winner = last[param.name]
        times = "twice" if counts[param.name] == 2 else "again"
        if same:
            message = (f"{param.name} is set {times} to the same value ({there} and {here}, "
                       f"{param.name} = {quote(param.raw.strip())}): a harmless duplicate; "
                       f"delete the line at {there}")
            description = f"Delete the duplicate {param.name} at {there} (same value)"
        else:
            # only the last definition wins: a middle one overrides the one
            # before it and is itself overridden
            wins = (" wins over" if winner is param else
                    f", itself overridden by {at(scope.main_path, winner.line)}, overrides")
            differ = "with different values" if times == "twice" else "with a different value"
            message = (f"{param.name} is set {times} {differ}: {here} "
                       f"({param.name} = {quote(param.raw.strip())}){wins} {there} "
                       f"({param.name} = {quote(earlier.raw.strip())}), which Postfix ignores "
                       "(postconf: overriding earlier entry)")
            description = (f"Keep one definition: delete {param.name} at {there}, which "
                           "Postfix ignores, or move the value you meant to the last one")
        fix = Fix(description, (f"{param.name} = {param.raw}",),
                  (Edit(action="remove", path=scope.main_path, name=param.name,
                        span=(earlier.line, earlier.column, earlier.line, earlier.column)),),
                  safety="safe" if same else "unsafe")
        yield Finding(
            rule=rule.id, severity="info" if same else rule.severity, path=scope.main_path,
            line=param.line, column=param.column, message=message, fix=fix, tags=rule.tags,
            parameter=param.name)
