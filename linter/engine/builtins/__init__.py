"""Checks that need code: one module per builtin, each with
``check(rule, scope) -> Iterable[Finding]``, imported only when a rule
names it."""
