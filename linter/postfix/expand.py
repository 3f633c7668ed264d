"""``$name`` expansion exactly as Postfix's mac_expand does it.

Supports ``$name``, ``${name}``, ``$(name)``, ``$$``, the conditional forms
``${name?value}``, ``${name:value}``, ``${name?{a}:{b}}``, relational
``${{a} == {b} ? {x} : {y}}`` and the compatibility-level operators
(``<level`` ...). Errors that make Postfix stop (truncated or empty macro
names, syntax errors, recursion) are returned, never raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from linter.postfix.template import has_placeholder

NAME_CHARS = re.compile(r"[A-Za-z0-9_]+")
BLANKS = " \t\r\n\f\v"
MAX_NESTING = 100
RELATIONAL_OPS = ("==", "!=", "<=", ">=", "<", ">")
LEVEL_OPS = tuple(op + "level" for op in RELATIONAL_OPS)


@dataclass(slots=True)
class Expansion:
    """The result of expanding one value."""

    value: str
    undefined: set[str] = field(default_factory=set)   # names that expanded to ""
    unknown: set[str] = field(default_factory=set)     # names whose value is not known
    errors: list[str] = field(default_factory=list)    # what makes Postfix stop
    references: set[str] = field(default_factory=set)  # every name looked up

    @property
    def known(self) -> bool:
        return not self.unknown and not self.errors


class MacroError(Exception):
    """Internal: aborts one expansion; turned into Expansion.errors."""


# A lookup answers a name with its raw value, or None when it is undefined.
Lookup = Callable[[str], "str | None"]


class Expander:
    """Expands values against one parameter table, recursively."""

    def __init__(self, lookup: Lookup, raw_names: frozenset[str] = frozenset(),
                 unknown_names: Container[str] = frozenset()):
        self._lookup = lookup
        self._raw = raw_names
        self._unknown = unknown_names

    def expand(self, text: str) -> Expansion:
        result = Expansion("")
        try:
            result.value = self._expand(text, result, 0)
        except MacroError as error:
            result.errors.append(str(error))
        return result

    def expand_name(self, name: str) -> Expansion:
        """The value of ``name``, expanded unless Postfix keeps it raw."""
        raw = self._lookup(name)
        if raw is None:
            return Expansion("", undefined={name})
        if name in self._raw:
            return Expansion(raw, unknown={name} if has_placeholder(raw) else set())
        result = self.expand(raw)
        if name in self._unknown or has_placeholder(raw):
            result.unknown.add(name)
        return result

    # -- the expansion proper ------------------------------------------------

    def _expand(self, text: str, result: Expansion, depth: int) -> str:
        if depth > MAX_NESTING:
            raise MacroError(f"unreasonable macro call nesting: {text!r}")
        out = []
        index = 0
        while index < len(text):
            dollar = text.find("$", index)
            if dollar < 0:
                out.append(text[index:])
                break
            out.append(text[index:dollar])
            index = self._reference(text, dollar, out, result, depth)
        return "".join(out)

    def _reference(self, text: str, dollar: int, out: list[str],
                   result: Expansion, depth: int) -> int:
        """Expand the reference at ``text[dollar]``; return the next index."""
        start = dollar + 1
        if start < len(text) and text[start] == "$":
            out.append("$")
            return start + 1
        if start < len(text) and text[start] in "{(":
            close = _matching(text, start)
            if close < 0:
                raise MacroError(f"truncated macro reference: {text!r}")
            inner = text[start + 1:close]
            if not inner.strip(BLANKS):
                raise MacroError(f"empty macro name: {text!r}")
            out.append(self._braced(inner, result, depth))
            return close + 1
        match = NAME_CHARS.match(text, start)
        if match is None:
            raise MacroError(f"empty macro name: {text!r}")
        out.append(self._value_of(match.group(), result, depth))
        return match.end()

    def _value_of(self, name: str, result: Expansion, depth: int) -> str:
        result.references.add(name)
        raw = self._lookup(name)
        if raw is None:
            result.undefined.add(name)
            return ""
        if name in self._unknown or has_placeholder(raw):
            result.unknown.add(name)
        if name in self._raw or "$" not in raw:
            return raw
        return self._expand(raw, result, depth + 1)

    def _is_set(self, name: str, result: Expansion) -> bool:
        """``${name?...}`` tests the *raw* value (mac_expand does not expand
        it first): ``$undefined`` counts as set. An undefined name is what
        the test is for, so it is not recorded as undefined."""
        result.references.add(name)
        raw = self._lookup(name)
        if raw is not None and (name in self._unknown or has_placeholder(raw)):
            result.unknown.add(name)
        return bool(raw)

    def _braced(self, inner: str, result: Expansion, depth: int) -> str:
        body = inner.lstrip(BLANKS)
        if body.startswith("{"):
            return self._relational(body, result, depth)
        match = NAME_CHARS.match(body)
        if match is None:
            raise MacroError(f"attribute name syntax error at: {inner!r}")
        name = match.group()
        rest = body[match.end():].lstrip(BLANKS)
        if not rest:
            return self._value_of(name, result, depth)
        operator, rest = rest[0], rest[1:]
        if operator not in "?:":
            raise MacroError(f"attribute name syntax error at: {inner!r}")
        nonempty = self._is_set(name, result)
        when_true, when_false = _conditional_texts(rest.lstrip(BLANKS), inner,
                                                   allow_else=operator == "?")
        if operator == ":":  # ${name:x} is x when name is empty, else empty
            nonempty = not nonempty
        chosen = when_true if nonempty else when_false
        return self._expand(chosen, result, depth + 1) if chosen is not None else ""

    def _relational(self, body: str, result: Expansion, depth: int) -> str:
        left, rest = _braced_operand(body, body)
        rest = rest.lstrip(BLANKS)
        operator = next((op for op in LEVEL_OPS + RELATIONAL_OPS if rest.startswith(op)), None)
        if operator is None:
            raise MacroError(f"relational operator expected at: {rest!r}")
        right, rest = _braced_operand(rest[len(operator):].lstrip(BLANKS), body)
        rest = rest.lstrip(BLANKS)
        if not rest.startswith("?"):
            raise MacroError(f"'?' expected at: {rest!r}")
        when_true, when_false = _conditional_texts(rest[1:].lstrip(BLANKS), body)
        left_value = self._expand(left, result, depth + 1)
        right_value = self._expand(right, result, depth + 1)
        chosen = when_true if _compare(left_value, operator, right_value) else when_false
        return self._expand(chosen, result, depth + 1) if chosen is not None else ""


def _matching(text: str, open_index: int) -> int:
    """Index of the bracket closing ``text[open_index]``, or -1."""
    opening = text[open_index]
    closing = "}" if opening == "{" else ")"
    level = 0
    for index in range(open_index, len(text)):
        if text[index] == opening:
            level += 1
        elif text[index] == closing:
            level -= 1
            if level == 0:
                return index
    return -1


def _braced_operand(text: str, context: str) -> tuple[str, str]:
    if not text.startswith("{"):
        raise MacroError(f"'{{' expected at: {context!r}")
    close = _matching(text, 0)
    if close < 0:
        raise MacroError(f"unbalanced '{{' in: {context!r}")
    return text[1:close], text[close + 1:]


def _conditional_texts(text: str, context: str,
                       allow_else: bool = True) -> tuple[str, str | None]:
    """Split ``value``, ``{a}`` or ``{a}:{b}`` into (when-true, when-false)."""
    if not text.startswith("{"):
        return text, None
    first, rest = _braced_operand(text, context)
    rest = rest.lstrip(BLANKS)
    if not rest:
        return first, None
    if not allow_else:
        raise MacroError(f"unexpected input at: {rest!r}")
    if not rest.startswith(":"):
        raise MacroError(f"':' expected at: {rest!r}")
    second, rest = _braced_operand(rest[1:].lstrip(BLANKS), context)
    if rest.strip(BLANKS):
        raise MacroError(f"unexpected input at: {rest!r}")
    return first, second


def _compare(left: str, operator: str, right: str) -> bool:
    if operator.endswith("level"):
        operator = operator[:-len("level")]
        left_key, right_key = compatibility_key(left), compatibility_key(right)
        if left_key is None or right_key is None:
            raise MacroError(f"bad compatibility level: {left!r} or {right!r}")
        return _ordered(left_key, operator, right_key)
    if left.isdigit() and right.isdigit():
        return _ordered(int(left), operator, int(right))
    return _ordered(left, operator, right)


def _ordered(left, operator: str, right) -> bool:
    return {
        "==": left == right, "!=": left != right, "<": left < right,
        "<=": left <= right, ">": left > right, ">=": left >= right,
    }[operator]


def compatibility_key(level: str) -> tuple[int, int, int] | None:
    """``3.6`` -> (3, 6, 0); Postfix compares levels as major.minor.patch."""
    parts = level.strip(BLANKS).split(".")
    if not 1 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
        return None
    numbers = [int(part) for part in parts] + [0, 0]
    return numbers[0], numbers[1], numbers[2]


REFERENCE = re.compile(r"\$(?:\$|\{\s*([A-Za-z0-9_]+)|\(\s*([A-Za-z0-9_]+)|([A-Za-z0-9_]+))")


def references(text: str) -> list[str]:
    """The parameter names a value refers to, in order, in every branch of
    every conditional (for lint rules); ``$$`` is not a reference."""
    return [next(name for name in match.groups() if name)
            for match in REFERENCE.finditer(text) if match.group() != "$$"]
