"""Builtin checks of the app rules (rules/client/*.yaml): each module has
``check(rule, endpoint, context) -> Iterator[Finding]``."""
