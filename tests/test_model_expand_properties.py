"""Properties of ``$name`` expansion that hold for any text (hypothesis).

This is the expansion fuzz test (it used to live in test_expand.py and
asserted only that the value is a string): every example now checks what
the value is. Each property was checked against postconf on examples
(``postconf -c DIR -x -h name``): ``$$`` is ``$``, an undefined name is
empty, the three reference forms are one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from linter.postfix.expand import Expander, references

# Values without "$": a flat table, so what a text refers to is what it says.
FLAT = {"a": "alpha", "b": "bravo", "empty": "", "num": "10", "sp": "x y", "ten": "10"}
# With references between names, loops and a raw parameter.
TABLE = {**FLAT, "nested": "[$a]", "ref_undef": "$nope", "loop1": "$loop2",
         "loop2": "$loop1", "self": "x $self", "raw_one": "$a", "deep": "${a?{$nested}}"}
RAW = frozenset({"raw_one"})
UNDEFINED = ["nope", "zz", "a_b", "A", "x1"]
NAMES = sorted(TABLE) + UNDEFINED

EXAMPLES = settings(max_examples=200, deadline=None)
NO_DOLLAR = st.text(alphabet=st.characters(blacklist_characters="$"), max_size=60)
ANY_TEXT = st.text(alphabet="${}():?=<>!ab _01\n", max_size=40)
NAME = st.sampled_from(NAMES)
# A character that cannot continue a name.
AFTER_NAME = st.sampled_from(["", " ", ",", ".", "-", "/", "}", ")", ":", "\n"])


def expand(text: str, table: dict = TABLE):
    return Expander(table.get, RAW).expand(text)


def literal():
    return st.text(alphabet="ab ,.{}():?=-x\n", max_size=6)


def piece():
    """One well-formed piece of a value: text, $$, or a reference."""
    simple = st.one_of(
        literal().filter(lambda t: "$" not in t),
        st.just("$$"),
        NAME.map(lambda n: f"${{{n}}}"),
        NAME.map(lambda n: f"$({n})"),
    )
    braced = st.text(alphabet="ab ,.-x", max_size=5)
    conditional = st.one_of(
        st.tuples(NAME, braced).map(lambda p: f"${{{p[0]}?{{{p[1]}}}}}"),
        st.tuples(NAME, braced).map(lambda p: f"${{{p[0]}:{{{p[1]}}}}}"),
        st.tuples(NAME, braced, braced).map(lambda p: f"${{{p[0]}?{{{p[1]}}}:{{{p[2]}}}}}"),
    )
    return st.one_of(simple, conditional)


WELL_FORMED = st.lists(piece(), max_size=8).map("".join)


@EXAMPLES
@given(ANY_TEXT)
def test_any_text_expands_without_raising_and_a_failure_is_empty(text):
    result = expand(text)
    assert isinstance(result.value, str)
    if result.errors:
        assert result.value == "" and not result.known
    if "$" not in text:
        assert (result.value, list(result.errors)) == (text, [])


@EXAMPLES
@given(NO_DOLLAR)
def test_text_without_dollar_expands_to_itself(text):
    result = expand(text)
    assert result.value == text
    assert not result.errors and not result.references and not result.undefined
    assert result.known


@EXAMPLES
@given(st.text(max_size=60))
def test_doubled_dollars_expand_to_single_dollars(text):
    """Escaping every "$" as "$$" gives back the text: "$$" is "$", and
    nothing after it is a reference."""
    result = expand(text.replace("$", "$$"))
    assert (result.value, list(result.errors)) == (text, [])
    assert not result.references


@EXAMPLES
@given(st.integers(min_value=1, max_value=6), NAME)
def test_runs_of_dollars(count, name):
    """An even run is that many halved; an odd run ends in a reference."""
    value = Expander(FLAT.get).expand("$" * (2 * count) + name).value
    assert value == "$" * count + name
    odd = Expander(FLAT.get).expand("$" * (2 * count + 1) + name)
    assert odd.value == "$" * count + FLAT.get(name, "")


@EXAMPLES
@given(ANY_TEXT | WELL_FORMED)
def test_expanding_a_fully_expanded_value_changes_nothing(text):
    first = expand(text)
    if first.errors or "$" in first.value:
        return
    again = expand(first.value)
    assert (again.value, list(again.errors), again.references) == (first.value, [], set())


@EXAMPLES
@given(NAME, AFTER_NAME)
def test_the_three_reference_forms_expand_alike(name, after):
    results = [expand(f"<{form}{after}") for form in (f"${name}", f"${{{name}}}", f"$({name})")]
    seen = {(r.value, frozenset(r.undefined), tuple(r.errors), frozenset(r.references))
            for r in results}
    assert len(seen) == 1, results
    (value, undefined, errors, refs), = seen
    assert name in refs
    if not errors:
        assert value.startswith("<") and value.endswith(after)


@EXAMPLES
@given(st.sampled_from(UNDEFINED), literal().filter(lambda t: "$" not in t), AFTER_NAME)
def test_an_undefined_name_expands_to_empty_and_is_recorded(name, before, after):
    for form in (f"${name}", f"${{{name}}}", f"$({name})"):
        result = expand(before + form + after)
        assert result.value == before + after and not result.errors
        assert result.undefined == {name} and result.references == {name}


@EXAMPLES
@given(st.sampled_from(sorted(FLAT)), AFTER_NAME)
def test_a_defined_name_expands_to_its_value(name, after):
    result = expand(f"${name}{after}", FLAT)
    assert result.value == FLAT[name] + after
    assert result.undefined == set() and result.references == {name}


@EXAMPLES
@given(st.lists(piece(), max_size=8))
def test_well_formed_pieces_expand_piece_by_piece(pieces):
    """A value of well-formed pieces expands to the concatenation of its
    pieces' expansions, and refers to no name it does not mention."""
    whole = Expander(FLAT.get).expand("".join(pieces))
    parts = [Expander(FLAT.get).expand(p) for p in pieces]
    assert not whole.errors and not any(p.errors for p in parts)
    assert whole.value == "".join(p.value for p in parts)
    assert whole.references <= set(references("".join(pieces)))
    assert whole.undefined == {n for n in whole.references
                               if n not in FLAT} - _tested_only(pieces)


def _tested_only(pieces: list[str]) -> set[str]:
    """Names only tested by ${name?...}/${name:...}: not undefined references."""
    used = set()
    tested = set()
    for p in pieces:
        names = references(p)
        if p.startswith("${") and ("?" in p or ":" in p) and names:
            tested.add(names[0])
        else:
            used.update(names)
    return tested - used


@EXAMPLES
@given(NAME, st.text(alphabet="ab ,.-x", max_size=5), st.text(alphabet="ab ,.-x", max_size=5))
def test_conditionals_pick_by_the_raw_value(name, yes, no):
    raw = TABLE.get(name)
    chosen = expand(f"${{{name}?{{{yes}}}:{{{no}}}}}").value
    assert chosen == (yes if raw else no)
    assert expand(f"${{{name}?{{{yes}}}}}").value == (yes if raw else "")
    assert expand(f"${{{name}:{{{no}}}}}").value == ("" if raw else no)
    assert expand(f"${{{name}?{{{yes}}}}}").undefined == set()


@EXAMPLES
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_relational_numbers_compare_as_numbers(left, right):
    for op, truth in (("==", left == right), ("!=", left != right), ("<", left < right),
                      ("<=", left <= right), (">", left > right), (">=", left >= right)):
        result = expand(f"${{{{{left}}} {op} {{0{right}}} ? {{T}} : {{F}}}}")
        assert result.value == ("T" if truth else "F"), (left, op, right)
        bare = expand(f"${{{{{left}}} {op} {{{right}}}}}")
        assert bare.value == ("true" if truth else "")


@EXAMPLES
@given(st.text(alphabet="abAB0_ ", min_size=0, max_size=4),
       st.text(alphabet="abAB0_ ", min_size=0, max_size=4))
def test_relational_text_compares_like_strcmp(left, right):
    if left.isdigit() and right.isdigit() and left and right:
        return
    expected = {"==": left == right, "!=": left != right, "<": left < right,
                "<=": left <= right, ">": left > right, ">=": left >= right}
    for op, truth in expected.items():
        result = expand(f"${{{{{left}}}{op}{{{right}}}?{{T}}:{{F}}}}")
        assert result.value == ("T" if truth else "F"), (left, op, right)
