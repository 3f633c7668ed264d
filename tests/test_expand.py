"""``$name`` expansion as Postfix's mac_expand does it (the same forms are
checked against postconf in fixtures/model/expand-*)."""

from __future__ import annotations

import pytest

from linter.postfix.expand import Expander, compatibility_key, references

TABLE = {"a": "alpha", "empty": "", "num": "10", "nested": "[$a]", "ref_undef": "$nope",
         "loop1": "$loop2", "loop2": "$loop1", "self": "x $self", "raw_one": "$a",
         "level": "3.6"}


def expand(text: str, table: dict | None = None, raw=frozenset({"raw_one"})):
    table = TABLE if table is None else table
    return Expander(table.get, raw).expand(text)


@pytest.mark.parametrize("text, value", [
    ("$a", "alpha"), ("${a}", "alpha"), ("$(a)", "alpha"),
    ("$a_b", ""), ("$a-b", "alpha-b"), ("$a.b", "alpha.b"), ("x$a,y", "xalpha,y"),
    ("$$a", "$a"), ("$$$a", "$alpha"), ("$nested", "[alpha]"),
    ("$raw_one", "$a"),            # a raw parameter is never expanded
    ("${a?set}", "set"), ("${empty?set}", ""), ("${nope?set}", ""),
    ("${a:unset}", ""), ("${empty:unset}", "unset"), ("${nope:unset}", "unset"),
    ("${a?{yes}:{no}}", "yes"), ("${empty?{yes}:{no}}", "no"), ("${a?{only}}", "only"),
    ("${a?$num}", "10"), ("${a?{$nested}}", "[alpha]"),
    # The test is on the raw value: "$nope" is set even though it expands empty.
    ("${ref_undef?set}", "set"),
])
def test_forms(text, value):
    result = expand(text)
    assert result.value == value and not result.errors


@pytest.mark.parametrize("text, value", [
    ("${{$num} == {10} ? {eq} : {ne}}", "eq"),
    ("${{$num} != {10} ? {ne} : {eq}}", "eq"),
    ("${{$num} < {9} ? {lt} : {ge}}", "ge"),     # numeric: both sides all digits
    ("${{$num} <= {010} ? {le} : {gt}}", "le"),
    ("${{2} > {10} ? {gt} : {le}}", "le"),
    ("${{abc} < {abd} ? {lt} : {ge}}", "lt"),    # otherwise text order
    ("${{10} < {9x} ? {lt} : {ge}}", "lt"),      # "10" < "9x" as text
    ("${{b} >= {a} ? {ge} : {lt}}", "ge"),
    ("${{$a} == {alpha} ? {yes}}", "yes"),
    ("${{$a} != {alpha} ? {yes}}", ""),
    ("${{$level} <level {3.10} ? {old} : {new}}", "old"),
    ("${{3.10} >level {3.6} ? {gt} : {le}}", "gt"),
    ("${{3.6} ==level {3.6.0} ? {eq} : {ne}}", "eq"),
    ("${{2} >=level {1} ? {ge} : {lt}}", "ge"),
])
def test_relational(text, value):
    result = expand(text)
    assert (result.value, list(result.errors)) == (value, [])


@pytest.mark.parametrize("text, value", [
    ("${{2} == {1}}", ""), ("${{1} <= {2}}", "true"), ("${{2} <= {1}}", ""),
    ("${{a} >= {a}}", "true"), ("${{a} >= {b}}", ""), ("${{a} > {a}}", ""),
    ("${{b} > {a}}", "true"),
])
def test_each_operator_is_its_own_comparison(text, value):
    """Equal, smaller and larger operands tell every operator from its
    neighbours (== from >=, <= from >=, > from >=)."""
    result = expand(text)
    assert (result.value, list(result.errors)) == (value, [])


def test_undecodable_bytes_compare_as_bytes_like_strcmp():
    """A value read with surrogateescape compares by its bytes: b"\\xff"
    is above b"\\xef\\xbf\\xbf" (U+FFFF), though the code points order the
    other way; comparing never raises."""
    table = {"raw": "\udcff", "high": "\uffff"}
    assert expand("${{$raw} > {$high} ? {above}}", table).value == "above"
    assert expand("${{$high} < {$raw} ? {below}}", table).value == "below"
    assert expand("${{$raw} == {$raw}}", table).value == "true"


@pytest.mark.parametrize("text, error", [
    ("${{3.6} <level {bad}}", "malformed compatibility level syntax: 'bad'"),
    ("${{worse} <level {3.6}}", "malformed compatibility level syntax: 'worse'"),
    ("${{3.6} <level {" + "v" * 30 + "}}",
     "malformed compatibility level syntax: '" + "v" * 24 + "...'"),
    ("${{99999999999999999999} < {1}}", "mac_exp_eval: bad conversion: '99999999999999999999'"),
    ("${{1} < {88888888888888888888}}", "mac_exp_eval: bad conversion: '88888888888888888888'"),
    ("${{" + "9" * 30 + "} == {0}}", "mac_exp_eval: bad conversion: '" + "9" * 24 + "...'"),
    ("${{a} = {b} ? {x}}",
     'relational operator "==", "!=", "<", "<=", ">=" or ">" expected at: \'= {b} ? {x}}\''),
    ("${{a} ==lvl {b}}", "bad operator suffix at: 'lvl {b}}'"),
    ("${{a} == b ? {t}}", '"{expression}" expected at: \' b ? {t}}\''),
    ("${{a} ==}", '"{expression}" expected at: \'}\''),
])
def test_relational_error_messages(text, error):
    """The exact message, quoting the offending operand (cut to 24
    characters) or the text from the error on."""
    assert expand(text).errors == [error]


@pytest.mark.parametrize("text, value", [
    ("${{a} == {a}}", "true"), ("${{a} == {b}}", ""),
    ("${{a} == {a}?t}", "t"),                 # the value right after "?"
    ("${ ?x}", ""),                          # the empty name is never set
    ("${aXb}", "v"),                         # "X" is a name character, not an operator
    ("${{$a.$a} == {alpha.alpha}}", "true"),  # an operand of several pieces
])
def test_relational_and_test_edge_forms(text, value):
    result = expand(text, {**TABLE, "aXb": "v"})
    assert (result.value, list(result.errors)) == (value, [])


def test_a_test_records_the_name_it_tests():
    assert expand("${a?x}${nope:y}").references == {"a", "nope"}


@pytest.mark.parametrize("text, error", [
    ("${a?{x}y}", '":" expected at: \'y}\''),
    ("${{a} == {a} X}", '"?" or ":" expected at: \'X}\''),
])
def test_conditional_error_messages(text, error):
    assert expand(text).errors == [error]


def test_undefined_names_expand_empty_and_are_recorded():
    result = expand("[$nope] [${also}] [$ref_undef]")
    assert result.value == "[] [] []"
    assert result.undefined == {"nope", "also"}
    assert {"nope", "also", "ref_undef"} <= result.references


def test_conditional_on_an_undefined_name_is_not_an_undefined_reference():
    assert expand("${nope?x}${nope:y}").undefined == set()


@pytest.mark.parametrize("text, error", [
    ("$loop1", "nesting"), ("$self", "nesting"), ("${a", "truncated"), ("$(a", "truncated"),
    ("$", "empty macro name"), ("${}", "empty macro name"), ("$ x", "empty macro name"),
    ("${a!x}", "syntax"), ("${{a} = {b} ? {x}}", "relational operator"),
    ("${{a} == {b} x}", '"?" or ":" expected'), ("${a?{x}:{y}}extra${a:{x}:{y}}", "unexpected"),
    ("${{x} <level {y} ? {a}}", "compatibility level"),
])
def test_errors_are_returned_never_raised(text, error):
    result = expand(text)
    assert result.errors and error in result.errors[0]
    assert not result.known


def test_unknown_names_make_the_value_unknown():
    expander = Expander({"host": "", "x": "$host.example"}.get, frozenset(),
                        frozenset({"host"}))
    result = expander.expand("$x")
    assert result.unknown == {"host"} and not result.known


def test_template_placeholders_make_the_value_unknown():
    result = Expander({"t": "{{ domain }}"}.get).expand("mail.$t")
    assert not result.known and result.value == "mail.{{ domain }}"


def test_expand_name_keeps_raw_parameters_raw():
    expander = Expander({"mailbox_command": "procmail -a $EXTENSION"}.get,
                        frozenset({"mailbox_command"}))
    assert expander.expand_name("mailbox_command").value == "procmail -a $EXTENSION"
    assert expander.expand_name("missing").undefined == {"missing"}


def test_references_in_order():
    assert references("$a ${b} $(c) $$d ${e?$f}") == ["a", "b", "c", "e", "f"]


def test_compatibility_key():
    assert compatibility_key("3.6") == (3, 6, 0)
    assert compatibility_key("2") == (2, 0, 0)
    assert compatibility_key("3.10.1") == (3, 10, 1)
    assert compatibility_key("x") is None and compatibility_key("1.2.3.4") is None
    # Trimmed of C blanks only: a no-break space is not one.
    assert compatibility_key(" 3.6\t") == (3, 6, 0) and compatibility_key("\xa03.6") is None


# The expansion fuzz test, with properties of the value: test_model_expand_properties.py.
