"""Declarative checks over a service's (or main.cf's) effective settings.

A condition is three-valued: True (the problem is there), False, or None
(a value it needs is unknown: a template, an unresolvable reference). A
rule fires only on True, so an unknown value never produces a finding.

Leaves: ``{param: NAME, <op>: ARG}`` for a parameter's expanded value, or
``{service: ATTR, <op>: ARG}`` for a derived attribute of the service
(tls, role, port, name, auth_only, protocols, ciphers, ...). Combinators:
``all``, ``any``, ``not``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

TOKEN_SPLIT = re.compile(r"[\s,]+")


def tokens(value: str) -> list[str]:
    """Postfix lists are separated by blanks and commas."""
    return [token for token in TOKEN_SPLIT.split(value.strip()) if token]


def _token_before(value: str, arg: list[str]) -> bool:
    """The first token of ``arg`` occurs, and before any later one."""
    found = tokens(value)
    first, later = arg[0], arg[1:]
    if first not in found:
        return False
    position = found.index(first)
    return all(token not in found[:position] for token in later)


OPERATORS: dict[str, Callable[[str, object], bool]] = {
    "equals": lambda value, arg: value.strip().lower() == str(arg).lower(),
    "not_equals": lambda value, arg: value.strip().lower() != str(arg).lower(),
    "in": lambda value, arg: value.strip().lower() in [str(a).lower() for a in arg],
    "not_in": lambda value, arg: value.strip().lower() not in [str(a).lower() for a in arg],
    "matches": lambda value, arg: re.search(str(arg), value) is not None,
    "is_empty": lambda value, arg: (not value.strip()) == bool(arg),
    "has_token": lambda value, arg: str(arg) in tokens(value),
    "lacks_token": lambda value, arg: str(arg) not in tokens(value),
    "token_before": _token_before,
    "ends_with_token": lambda value, arg: bool(tokens(value)) and tokens(value)[-1] == arg,
}


class Subject:
    """What a condition reads: ``value(name)`` answers a parameter's
    expanded value and ``attribute(name)`` a derived one; both return None
    when the value is unknown."""

    def value(self, name: str) -> str | None:
        raise NotImplementedError

    def attribute(self, name: str) -> str | None:
        raise NotImplementedError


def evaluate(condition: dict, subject: Subject) -> bool | None:
    if "all" in condition:
        return _all(evaluate(part, subject) for part in condition["all"])
    if "any" in condition:
        return _any(evaluate(part, subject) for part in condition["any"])
    if "not" in condition:
        result = evaluate(condition["not"], subject)
        return None if result is None else not result
    if "param" in condition:
        value = subject.value(condition["param"])
    else:
        value = subject.attribute(condition["service"])
    if value is None:
        return None
    for name, function in OPERATORS.items():
        if name in condition:
            return function(value, condition[name])
    raise ValueError(f"condition without an operator: {condition}")


def _all(results) -> bool | None:
    unknown = False
    for result in results:
        if result is False:
            return False
        unknown = unknown or result is None
    return None if unknown else True


def _any(results) -> bool | None:
    unknown = False
    for result in results:
        if result is True:
            return True
        unknown = unknown or result is None
    return None if unknown else False


LEAF_KEYS = frozenset({"param", "service", "subject"})


def problem(condition: dict, where: tuple = ()) -> tuple[tuple, str] | None:
    """What the schema lets through but ``evaluate`` cannot use: a leaf
    with no operator or with two (a misspelt one is no operator), a key
    the language does not have, a regular expression that does not
    compile. (The place in the rule's ``check``, the message), or None."""
    for key in ("all", "any"):
        for index, part in enumerate(condition.get(key, ())):
            found = problem(part, where + (key, index))
            if found is not None:
                return found
    if "not" in condition:
        return problem(condition["not"], where + ("not",))
    if "all" in condition or "any" in condition:
        return None
    operators = [name for name in OPERATORS if name in condition]
    unknown = sorted(key for key in condition if key not in OPERATORS and key not in LEAF_KEYS)
    if unknown:
        return where + (unknown[0],), f"unknown operator {unknown[0]!r}"
    if len(operators) != 1:
        return where, (f"a condition needs one operator, not {len(operators)}: "
                       f"{', '.join(operators) or 'none'}")
    if "matches" in condition:
        try:
            re.compile(str(condition["matches"]))
        except re.error as error:
            return where + ("matches",), f"not a regular expression: {error}"
    return None


def referenced_parameters(condition: dict) -> list[str]:
    """Parameters a condition reads, in order (the first names the finding)."""
    if "param" in condition:
        return [condition["param"]]
    found = []
    for key in ("all", "any"):
        for part in condition.get(key, ()):
            found.extend(referenced_parameters(part))
    if "not" in condition:
        found.extend(referenced_parameters(condition["not"]))
    return found
