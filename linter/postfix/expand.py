"""``$name`` expansion exactly as Postfix 3.7's mac_parse/mac_expand do it.

Forms: ``$name``, ``${name}``, ``$(name)``, ``$$``; ``${name?value}``,
``${name?{value}}``, ``${name:value}``, ``${name:{value}}``,
``${name?{value1}:{value2}}`` and ``${name?{value1}:value2}``; relational
``${{a} == {b}}`` (the text ``true`` or empty), ``${{a} == {b} ? x : y}``
and ``${{a} == {b} : x}``, with ``== != < <= >= >`` (numeric when both
sides are ASCII digits, "bad conversion" above LONG_MAX) and the
compatibility-level forms ``<level`` ... Whitespace is C's " \\t\\r\\n".

Robust by construction, because values come from untrusted pull requests:

- Each name is expanded once per table (memoized), so ``b2 = $b1 $b1``
  chains cost linear time, not 2^n; an expanded value is capped at
  MAX_VALUE characters and all expansion in a configuration at a shared
  budget; both end in a located error, not in gigabytes.
- Postfix's nesting limit is computed exactly (a callback entered at level
  > 100 is an error: the nesting *height* of a value above 101), also for
  memoized names; a loop (``a = $b``, ``b = $a``) is found directly.
- Recursion depth is bounded (MAX_DEPTH); brace matching is indexed for
  long texts, so no input makes this quadratic or raises.

Errors that make Postfix stop are returned in ``Expansion.errors``, never
raised.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field

from linter.postfix.numbers import alldig, compare_numbers, compatibility_level
from linter.postfix.quote import near, token
from linter.postfix.template import has_placeholder

NAME_CHARS = re.compile(r"[A-Za-z0-9_]+")
BLANKS = " \t\r\n\f\v"       # main.cf trimming (C isspace)
MAC_SPACE = " \t\r\n"        # mac_expand's whitespace (CHARS_SPACE)
MAX_NESTING = 100            # Postfix: "if (mc->level++ > 100)"
MAX_HEIGHT = MAX_NESTING + 1
MAX_DEPTH = 150              # smtplint: nested evaluations of any kind (Python's stack)
MAX_VALUE = 4 * 1024 * 1024  # characters in one expanded value
MAX_INPUT = 1024 * 1024      # characters of one text with "$" in it
DEFAULT_BUDGET = 64 * 1024 * 1024   # characters produced or scanned, per configuration
RELATIONAL_OPS = ("==", "!=", "<=", ">=", "<", ">")
LEVEL_OPS = tuple(op + "level" for op in RELATIONAL_OPS)
OPERATOR_CHARS = frozenset("<>!=?+-*/~&|%")
_INDEX_THRESHOLD = 2048
_BRACKETS = {"{": re.compile(r"[{}]"), "(": re.compile(r"[()]")}
_CLOSING = {"{": "}", "(": ")"}
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_NAME_CHARS = _ALNUM | {"_"}


@dataclass(slots=True)
class Expansion:
    """The result of expanding one value. Treat as read-only: expansions
    of names are memoized and shared between settings and contexts."""

    value: str
    undefined: set[str] = field(default_factory=set)   # names that expanded to ""
    unknown: set[str] = field(default_factory=set)     # names whose value is not known
    errors: Sequence[str] = field(default_factory=list)  # what makes Postfix stop
    references: set[str] = field(default_factory=set)  # every name looked up
    height: int = 0    # Postfix's nesting height: above MAX_HEIGHT is an error

    @property
    def known(self) -> bool:
        return not self.unknown and not self.errors


class MacroError(Exception):
    """Internal: aborts one expansion; turned into Expansion.errors."""


class _Loop(Exception):
    """Internal: a name's expansion needs that name again."""

    def __init__(self, names: list[str]):
        super().__init__(names)
        self.names = names


class _TooDeep(Exception):
    """Internal: nesting beyond MAX_DEPTH; the outermost expansion fails."""


class Session:
    """What all tables of one configuration share: the expansion budget and
    the brace-matching indexes of long texts."""

    def __init__(self, budget: int = DEFAULT_BUDGET):
        self.budget = budget
        self.remaining = budget
        self._pairs: dict[tuple[str, str], dict[int, int]] = {}

    def charge(self, characters: int) -> None:
        self.remaining -= characters
        if self.remaining < 0:
            raise MacroError("the configuration expands to more than "
                             f"{self.budget:,} characters in total (smtplint's limit): "
                             "this value was not expanded")

    def pairs(self, text: str, opening: str) -> dict[int, int]:
        """Where each ``opening`` bracket of ``text`` closes (same type
        counted, as mac_parse and mac_exp_extract_curly_payload do); an
        opening bracket's match depends only on the text after it."""
        key = (text, opening)
        found = self._pairs.get(key)
        if found is None:
            self.charge(len(text))
            found = {}
            stack: list[int] = []
            for match in _BRACKETS[opening].finditer(text):
                if match.group() == opening:
                    stack.append(match.start())
                elif stack:
                    found[stack.pop()] = match.start()
            self._pairs[key] = found
        return found


# A lookup answers a name with its raw value, or None when it is undefined.
Lookup = Callable[[str], "str | None"]
_UNDEFINED = Expansion("")   # memo marker for a name nothing defines
_EMPTY: frozenset[str] = frozenset()   # shared by the many expansions without names
_NO_ERRORS: tuple[str, ...] = ()   # likewise (immutable: expansions are never changed)


class Expander:
    """Expands values against one parameter table.

    ``parent`` (the main.cf table of the same files) shares its expansion
    of a name when that expansion uses none of ``local_names`` (what this
    table writes itself: -o overrides, service_name). ``depends(name)``
    names what a derived default (one of ``depends_names``) depends on
    besides its text."""

    def __init__(self, lookup: Lookup, raw_names: Container[str] = frozenset(),
                 unknown_names: Container[str] = frozenset(), *,
                 parent: Expander | None = None, local_names: Container[str] = frozenset(),
                 session: Session | None = None,
                 depends: Callable[[str], set[str]] | None = None,
                 depends_names: Container[str] = frozenset()):
        self._lookup = lookup
        self._raw = raw_names
        self._unknown = unknown_names
        self._parent = parent
        self._local = local_names
        self._session = session or (parent._session if parent else Session())
        self._depends = depends
        self._depends_names = depends_names
        self._memo: dict[str, Expansion] = {}
        self._active: list[str] = []     # names being expanded, outermost first
        self._active_set: set[str] = set()

    # -- public --------------------------------------------------------------

    def expand(self, text: str) -> Expansion:
        """Expand ``text`` as a new value (mac_expand from level 0)."""
        acc = _Accumulator()
        try:
            height = self._expand_text(text, 0, len(text), 0, acc)
            result = acc.result(height, self._session)
            return _checked(result)
        except MacroError as error:
            return acc.failed(str(error))
        except _Loop as loop:
            return acc.failed(_loop_message(loop.names))
        except (_TooDeep, RecursionError):
            return acc.failed(_too_deep_message())

    def expand_name(self, name: str) -> Expansion:
        """The value of ``name``, expanded unless Postfix keeps it raw."""
        try:
            entry = self._named(name, 0)
        except _Loop as loop:
            return Expansion("", errors=[_loop_message(loop.names)], references={name})
        except (_TooDeep, RecursionError):
            return Expansion("", errors=[_too_deep_message()], references={name})
        if entry is None:
            return Expansion("", undefined={name})
        return _checked(entry)

    # -- names ---------------------------------------------------------------

    def _named(self, name: str, depth: int) -> Expansion | None:
        """The memoized expansion of ``name``'s raw value, or None."""
        entry = self._memo.get(name)
        if entry is not None:
            return None if entry is _UNDEFINED else entry
        if name in self._active_set:
            raise _Loop(self._active[self._active.index(name):] + [name])
        if depth > MAX_DEPTH:
            raise _TooDeep
        inherited = self._inherited(name, depth)
        if inherited is not None:
            self._memo[name] = inherited
            return None if inherited is _UNDEFINED else inherited
        entry = self._compute(name, depth)
        self._memo[name] = entry
        return None if entry is _UNDEFINED else entry

    def _inherited(self, name: str, depth: int) -> Expansion | None:
        parent = self._parent
        if parent is None or name in self._local:
            return None
        entry = parent._memo.get(name)
        if entry is None:
            try:
                entry = parent._named(name, depth)
            except (_Loop, _TooDeep):
                return None   # perhaps this table's own values break the loop
            entry = _UNDEFINED if entry is None else entry
        if entry is _UNDEFINED:
            return entry
        if entry.errors or any(used in self._local for used in entry.references):
            return None   # an error's names are not all known: judge it here
        return entry

    def _compute(self, name: str, depth: int) -> Expansion:
        raw = self._lookup(name)
        if raw is None:
            return _UNDEFINED
        unknown = {name} if name in self._unknown or has_placeholder(raw) else set()
        extra = (self._depends(name) if self._depends and name in self._depends_names
                 else _EMPTY)
        if name in self._raw or "$" not in raw:
            height = 0 if name in self._raw or not raw else 1
            return Expansion(raw, _EMPTY, unknown or _EMPTY, _NO_ERRORS,
                             set(extra) if extra else _EMPTY, height)
        acc = _Accumulator()
        acc.unknown |= unknown
        acc.references |= extra
        self._active.append(name)
        self._active_set.add(name)
        try:
            height = self._expand_text(raw, 0, len(raw), depth, acc)
            if height > MAX_HEIGHT:
                # An error wherever it is used: fail it here, so that what
                # uses it does not also carry its names (a 20,000-name chain
                # would otherwise hold 200 million of them).
                return acc.failed(_nesting_message(raw))
            return acc.result(height, self._session)
        except MacroError as error:
            return acc.failed(str(error))
        except _Loop as loop:
            # Every name being expanded needs the loop: each one fails.
            self._memo[name] = acc.failed(_loop_message(loop.names))
            raise
        finally:
            self._active.pop()
            self._active_set.discard(name)

    # -- text ----------------------------------------------------------------

    def _expand_text(self, text: str, start: int, end: int, depth: int,
                     acc: _Accumulator) -> int:
        """Expand ``text[start:end]`` into ``acc``; return its nesting height
        (each literal run and each reference is one mac_parse callback)."""
        if depth > MAX_DEPTH:
            raise _TooDeep
        if end - start > MAX_INPUT and text.find("$", start, end) >= 0:
            raise MacroError(f"the value is longer than {MAX_INPUT:,} characters and "
                             "holds $ references (smtplint's limit): not expanded")
        height = 0
        index = start
        while index < end:
            dollar = text.find("$", index, end)
            if dollar < 0:
                acc.add(text if index == 0 and end == len(text) else text[index:end])
                return max(height, 1)
            if dollar > index:
                acc.add(text[index:dollar])
                height = max(height, 1)
            after = dollar + 1
            if after < end and text[after] == "$":
                acc.add("$")
                height = max(height, 1)
                index = after + 1
                continue
            index, used = self._reference(text, dollar, end, depth, acc)
            height = max(height, used)
        return height

    def _reference(self, text: str, dollar: int, end: int, depth: int,
                   acc: _Accumulator) -> tuple[int, int]:
        """Expand the reference at ``text[dollar]``: (next index, height)."""
        start = dollar + 1
        if start < end and text[start] in "{(":
            close = self._matching(text, start, end)
            if close < 0:
                raise MacroError(f"truncated macro reference: {near(text, dollar)}")
            if close == start + 1:
                raise MacroError(f"empty macro name: {near(text, dollar)}")
            return close + 1, 1 + self._expression(text, start + 1, close, depth, acc)
        match = NAME_CHARS.match(text, start, end)
        if match is None:
            raise MacroError(f"empty macro name: {near(text, dollar)}")
        return match.end(), 1 + self._use(match.group(), depth, acc)

    def _use(self, name: str, depth: int, acc: _Accumulator) -> int:
        """``$name``: the name's value, expanded; its height."""
        if not name:
            return 0   # ${ }: the empty name is never defined
        acc.references.add(name)
        entry = self._named(name, depth + 1)
        if entry is None:
            acc.undefined.add(name)
            return 0
        if entry.errors:
            raise MacroError(entry.errors[0])
        acc.merge(entry)
        acc.add(entry.value)
        return entry.height

    def _is_set(self, name: str, acc: _Accumulator) -> bool:
        """``${name?...}`` tests the *raw* value (mac_expand does not expand
        it first): ``$undefined`` counts as set. An undefined name is what
        the test is for, so it is not recorded as undefined."""
        if not name:
            return False   # ${ ?x}: Postfix looks up the empty name
        acc.references.add(name)
        raw = self._lookup(name)
        if raw is not None and (name in self._unknown or has_placeholder(raw)):
            acc.unknown.add(name)
        return bool(raw)

    def _expression(self, text: str, start: int, end: int, depth: int,
                    acc: _Accumulator) -> int:
        """The inside of ``${...}``: a name, a test or a relational form.
        Returns the height of what it expanded (without its own callback)."""
        index = _skip(text, start, end)
        if index < end and text[index] == "{":
            truth, index = self._relational(text, index, end, depth, acc)
            if index == end:
                if truth:
                    acc.add("true")
                    return 1
                return 0
            operator = text[index]
            if operator not in "?:":
                raise MacroError(f'"?" or ":" expected at: {near(text, index)}')
            return self._conditional(text, index + 1, end, operator, truth, depth, acc)
        name, operator, index = _name_and_operator(text, index, end)
        if operator is None:
            return self._use(name, depth, acc)
        truth = self._is_set(name, acc)
        return self._conditional(text, index, end, operator, truth, depth, acc)

    def _conditional(self, text: str, index: int, end: int, operator: str, truth: bool,
                     depth: int, acc: _Accumulator) -> int:
        """After ``?`` or ``:``: the value(s), braced or the rest of the text;
        after ``?{x}`` may come ``:`` and the other value."""
        height = 0
        if operator == "?":
            first, second, index = self._operand_or_rest(text, index, end)
            if truth:
                height = self._expand_text(text, first, second, depth + 1, acc)
            if index == end:
                return height
            if text[index] != ":":
                raise MacroError(f'":" expected at: {near(text, index)}')
            index += 1
        first, second, index = self._operand_or_rest(text, index, end)
        if not truth:
            height = self._expand_text(text, first, second, depth + 1, acc)
        if index != end:
            raise MacroError(f"unexpected input at: {near(text, index)}")
        return height

    def _operand_or_rest(self, text: str, index: int, end: int) -> tuple[int, int, int]:
        """MAC_EXP_FIND_LEFT_CURLY: a ``{payload}`` (blanks around it
        skipped) or, without ``{``, the rest of the text as it is."""
        brace = _skip(text, index, end)
        if brace < end and text[brace] == "{":
            close = self._matching(text, brace, end)
            if close < 0:
                raise MacroError(f"unbalanced {{}} in attribute expression: "
                                 f"{near(text, brace)}")
            return brace + 1, close, _skip(text, close + 1, end)
        return index, end, end

    def _relational(self, text: str, index: int, end: int, depth: int,
                    acc: _Accumulator) -> tuple[bool, int]:
        """``{left} op {right}``: its truth, and the index after it."""
        left_start, left_end, index = self._operand_or_rest(text, index, end)
        operator_end = index
        while operator_end < end and text[operator_end] in OPERATOR_CHARS:
            operator_end += 1
        operator = text[index:operator_end]
        if operator not in RELATIONAL_OPS:
            raise MacroError('relational operator "==", "!=", "<", "<=", ">=" or ">" '
                             f"expected at: {near(text, index)}")
        suffix_end = operator_end
        while suffix_end < end and text[suffix_end] in _ALNUM:
            suffix_end += 1
        suffix = text[operator_end:suffix_end]
        if suffix and suffix != "level":
            raise MacroError(f"bad operator suffix at: {near(text, operator_end)}")
        brace = _skip(text, suffix_end, end)
        if brace >= end or text[brace] != "{":
            raise MacroError(f'"{{expression}}" expected at: {near(text, suffix_end)}')
        right_start, right_end, index = self._operand_or_rest(text, brace, end)
        left = self._operand(text, left_start, left_end, depth, acc)
        right = self._operand(text, right_start, right_end, depth, acc)
        return _compare(left, operator, bool(suffix), right), index

    def _operand(self, text: str, start: int, end: int, depth: int,
                 acc: _Accumulator) -> str:
        """A relational operand: a fresh mac_expand (its own nesting level)."""
        inner = _Accumulator()
        height = self._expand_text(text, start, end, depth + 1, inner)
        acc.merge(inner)
        if height > MAX_HEIGHT:
            raise MacroError(_nesting_message(text[start:end]))
        return inner.text(self._session)

    def _matching(self, text: str, open_index: int, end: int) -> int:
        """Index of the bracket closing ``text[open_index]`` before ``end``, or -1."""
        opening = text[open_index]
        if end - open_index > _INDEX_THRESHOLD:
            close = self._session.pairs(text, opening).get(open_index, -1)
            return close if close < end else -1
        level = 0
        for match in _BRACKETS[opening].finditer(text, open_index, end):
            if match.group() == opening:
                level += 1
            else:
                level -= 1
                if level == 0:
                    return match.start()
        return -1


class _Accumulator:
    """The pieces and name sets of one expansion in progress."""

    __slots__ = ("pieces", "references", "size", "undefined", "unknown")

    def __init__(self):
        self.pieces: list[str] = []
        self.size = 0
        self.undefined: set[str] = set()
        self.unknown: set[str] = set()
        self.references: set[str] = set()

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.size += len(piece)
        if self.size > MAX_VALUE:
            raise MacroError(f"the value expands to more than {MAX_VALUE:,} characters "
                             "(smtplint's limit; Postfix would spend minutes or "
                             "gigabytes on it)")
        self.pieces.append(piece)

    def merge(self, other: Expansion | _Accumulator) -> None:
        if other.undefined:
            self.undefined |= other.undefined
        if other.unknown:
            self.unknown |= other.unknown
        if other.references:
            self.references |= other.references

    def text(self, session: Session) -> str:
        if len(self.pieces) == 1:
            return self.pieces[0]   # shared, not copied
        session.charge(self.size)
        return "".join(self.pieces)

    def result(self, height: int, session: Session) -> Expansion:
        return Expansion(self.text(session), self.undefined or _EMPTY, self.unknown or _EMPTY,
                         _NO_ERRORS, self.references or _EMPTY, height)

    def failed(self, message: str) -> Expansion:
        return Expansion("", self.undefined or _EMPTY, self.unknown or _EMPTY, [message],
                         self.references or _EMPTY, 0)


def _checked(entry: Expansion) -> Expansion:
    """A value's own nesting limit, checked where an expansion starts."""
    if entry.height > MAX_HEIGHT and not entry.errors:
        return Expansion("", entry.undefined, entry.unknown,
                         [_nesting_message(entry.value)], entry.references, entry.height)
    return entry


def _nesting_message(text: str) -> str:
    return (f"unreasonable macro call nesting (more than {MAX_NESTING} levels) "
            f"near {token(text, 24)}")


def _loop_message(names: list[str]) -> str:
    chain = " -> ".join(f"${name}" for name in names[:8])
    if len(names) > 8:
        chain += " -> ..."
    return f"unreasonable macro call nesting: {chain} refers back to itself"


def _too_deep_message() -> str:
    return (f"unreasonable macro call nesting: more than {MAX_DEPTH} nested "
            "expansions (smtplint's limit)")


def _skip(text: str, index: int, end: int) -> int:
    while index < end and text[index] in MAC_SPACE:
        index += 1
    return index


def _name_and_operator(text: str, index: int, end: int) -> tuple[str, str | None, int]:
    """mac_expand's name loop: blanks may follow the name, then the end or
    ``?``/``:``; anything else is "attribute name syntax error"."""
    start = cursor = index
    while True:
        ahead = _skip(text, cursor, end)
        if ahead == end:
            return text[start:cursor], None, end
        if text[ahead] in "?:":
            return text[start:cursor], text[ahead], ahead + 1
        if text[cursor] not in _NAME_CHARS:
            raise MacroError(f"attribute name syntax error at: {near(text, cursor)}")
        cursor += 1


def _compare(left: str, operator: str, level: bool, right: str) -> bool:
    if level:
        left_key, right_key = compatibility_level(left), compatibility_level(right)
        if left_key is None or right_key is None:
            bad = left if left_key is None else right
            raise MacroError(f"malformed compatibility level syntax: {token(bad, 24)}")
        return _ordered(left_key, operator, right_key)
    if alldig(left) and alldig(right):
        sign = compare_numbers(left, right)
        if sign is None:
            bad = left if compare_numbers(left, "0") is None else right
            raise MacroError(f"mac_exp_eval: bad conversion: {token(bad, 24)}")
        return _ordered(sign, operator, 0)
    encoded_left = left.encode("utf-8", "surrogateescape")
    encoded_right = right.encode("utf-8", "surrogateescape")
    return _ordered(encoded_left, operator, encoded_right)   # strcmp


def _ordered(left, operator: str, right) -> bool:
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if operator == "<":
        return left < right
    if operator == "<=":
        return left <= right
    if operator == ">":
        return left > right
    return left >= right


def compatibility_key(level: str) -> tuple[int, int, int] | None:
    """``3.6`` -> (3, 6, 0); Postfix compares levels as major.minor.patch."""
    return compatibility_level(level.strip(BLANKS))


REFERENCE = re.compile(r"\$(?:\$|\{\s*([A-Za-z0-9_]+)|\(\s*([A-Za-z0-9_]+)|([A-Za-z0-9_]+))")


def references(text: str) -> list[str]:
    """The parameter names a value refers to, in order, in every branch of
    every conditional (for lint rules); ``$$`` is not a reference."""
    return [next(name for name in match.groups() if name)
            for match in REFERENCE.finditer(text) if match.group() != "$$"]
