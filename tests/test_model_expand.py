"""Expansion at its limits: the shared budget, long texts (indexed brace
matching), Postfix's nesting limit, smtplint's depth limit, loops, and a
service table that shares (or does not share) its parent's expansions.
Where Postfix has the same limit, the expected error is what postconf
3.7 reports (``postconf -c DIR -xh smtpd_banner``)."""

from __future__ import annotations

import pytest

from linter.postfix import expand as expand_module
from linter.postfix.expand import (
    MAX_DEPTH,
    MAX_HEIGHT,
    MAX_INPUT,
    MAX_VALUE,
    MAX_NESTING,
    Expander,
    Expansion,
    Session,
    references,
)

LONG = 3000   # beyond the 2048 characters from which brackets are indexed


def expand(text: str, table: dict | None = None, **kwargs):
    return Expander((table or {"a": "alpha", "empty": ""}).get, **kwargs).expand(text)


def nested(levels: int, inner: str = "x") -> str:
    """``${a?{${a?{...x...}}}}``: each level one mac_parse callback deeper."""
    return "${a?{" * levels + inner + "}}" * levels


# -- the budget ----------------------------------------------------------------

def test_brace_index_is_built_once_per_text_and_bracket():
    """A long text's index is charged to the budget once, however often it
    is used; a different text (or bracket) gets its own index."""
    session = Session(budget=10 * LONG)
    first = "{" + "x" * LONG + "}"
    assert session.pairs(first, "{") == {0: LONG + 1}
    charged = session.remaining
    assert charged == 10 * LONG - len(first)
    assert session.pairs(first, "{") == {0: LONG + 1}
    assert session.remaining == charged
    second = "(" + "{" + "x" * LONG + "})"
    assert session.pairs(second, "{") == {1: LONG + 2}
    assert session.pairs(second, "(") == {0: LONG + 3}
    assert session.remaining == charged - 2 * len(second)


def test_session_budget_is_charged_and_exhausted():
    session = Session(budget=10)
    session.charge(10)
    assert session.remaining == 0
    with pytest.raises(expand_module.MacroError, match="in total"):
        session.charge(1)


def test_a_configuration_over_its_budget_fails_with_a_located_error():
    table = {"a": "x" * 40}
    small = Expander(table.get, session=Session(budget=100))
    ok = small.expand("$a-$a")
    assert (ok.value, list(ok.errors)) == ("x" * 40 + "-" + "x" * 40, [])
    over = small.expand("$a $a")   # another 81 characters: over the 100
    assert over.value == "" and over.errors == [
        "the configuration expands to more than 100 characters in total "
        "(smtplint's limit): this value was not expanded"]
    assert not over.known
    assert Session().budget == 64 * 1024 * 1024   # the message names 67,108,864


# -- long texts ------------------------------------------------------------------

def test_long_braced_values_are_matched_through_the_index():
    payload = "y" * LONG
    result = expand("${a?{" + payload + "}}${a?{z}}-${empty?{" + payload + "}:{no}}")
    assert (result.value, list(result.errors)) == (payload + "z-no", [])


def test_long_text_with_an_unmatched_closing_brace_first():
    payload = "x" * LONG
    result = expand("}${a?{" + payload + "}}")
    assert (result.value, list(result.errors)) == ("}" + payload, [])


def test_long_parenthesis_closing_beyond_the_braces_is_truncated():
    """$(b inside {...} cannot close after the "}": Postfix expands the
    payload as its own string ("truncated macro reference: "$(b")."""
    result = expand("${a?{$(b" + "x" * LONG + "})}")
    assert result.value == "" and result.errors[0].startswith("truncated macro reference")
    short = expand("${a?{$(bx})}")
    assert short.errors[0].startswith("truncated macro reference")


def test_long_unmatched_reference_is_truncated():
    result = expand("${a?{" + "x" * LONG)
    assert result.errors[0].startswith("truncated macro reference")


def test_text_longer_than_the_input_limit_with_a_reference_is_not_expanded():
    text = "x" * MAX_INPUT + "$a"
    result = expand(text)
    assert result.value == "" and "longer than" in result.errors[0]
    plain = "x" * (MAX_INPUT + 5)          # no "$": nothing to expand, kept
    assert expand(plain).value == plain
    at_limit = "x" * (MAX_INPUT - 2) + "$a"
    assert expand(at_limit).value == "x" * (MAX_INPUT - 2) + "alpha"


def test_value_over_the_size_limit_is_an_error_not_gigabytes():
    table = {"b0": "x" * 1024}
    for level in range(1, 13):
        table[f"b{level}"] = f"$b{level - 1}$b{level - 1}"   # b12: 4 MiB
    expander = Expander(table.get)
    assert len(expander.expand_name("b12").value) == MAX_VALUE
    over = expander.expand("$b12.")
    assert over.value == "" and over.errors == [
        "the value expands to more than 4,194,304 characters (smtplint's limit; Postfix "
        "would spend minutes or gigabytes on it)"]
    assert expander.expand_name("b11").value == "x" * (MAX_VALUE // 2)


# -- nesting: Postfix's limit and smtplint's depth -------------------------------

def test_nesting_height_limit_is_exact():
    """Postfix: a callback entered at level > 100 is an error; the value
    ``nested(100)`` has height 101 and expands, one more level does not."""
    assert expand(nested(MAX_HEIGHT - 1)).value == "x"
    too_high = expand(nested(MAX_HEIGHT))
    assert too_high.value == "" and "unreasonable macro call nesting" in too_high.errors[0]
    assert "more than 100 levels" in too_high.errors[0]


def test_nesting_height_limit_inside_a_relational_operand():
    ok = expand("${{" + nested(MAX_HEIGHT - 1) + "} == {x} ? {eq} : {ne}}")
    assert (ok.value, list(ok.errors)) == ("eq", [])
    over = expand("${{" + nested(MAX_HEIGHT) + "} == {x} ? {eq} : {ne}}")
    assert over.value == "" and "more than 100 levels" in over.errors[0]


def test_nesting_height_limit_through_names():
    table = {"n0": "x"}
    for level in range(1, 110):
        table[f"n{level}"] = f"$n{level - 1}"
    expander = Expander(table.get)
    assert expander.expand_name("n100").value == "x"          # height 101
    deep = expander.expand_name("n101")
    assert deep.value == "" and "more than 100 levels" in deep.errors[0]
    assert "more than 100 levels" in expander.expand("$n105").errors[0]


def test_text_nested_beyond_smtplint_depth_is_an_error():
    result = expand(nested(MAX_DEPTH + 5))
    assert result.value == "" and f"more than {MAX_DEPTH} nested" in result.errors[0]


def test_nesting_messages_are_exact_and_quote_a_bounded_token():
    """Postfix's limit names the value, cut to 24 characters; smtplint's
    own depth limit is reached from MAX_DEPTH + 1 levels of text, not one
    level earlier (the outermost text is at depth 0)."""
    inner = "y" * 30
    (error,) = expand(nested(MAX_HEIGHT, inner)).errors
    assert error == (f"unreasonable macro call nesting (more than {MAX_NESTING} levels) "
                     f"near '{'y' * 24}...'")
    (error,) = expand(nested(MAX_DEPTH)).errors
    assert error == "unreasonable macro call nesting (more than 100 levels) near 'x'"
    (error,) = expand(nested(MAX_DEPTH + 1)).errors
    assert error == ("unreasonable macro call nesting: more than 150 nested "
                     "expansions (smtplint's limit)")


def test_name_chain_beyond_smtplint_depth_is_an_error():
    table = {f"n{level}": f"$n{level + 1}" for level in range(MAX_DEPTH + 10)}
    expander = Expander(table.get)
    result = expander.expand_name("n0")
    assert result.value == "" and f"more than {MAX_DEPTH} nested" in result.errors[0]
    assert result.references == {"n0"}
    # Expanded from the far end first, no expansion is deep: what remains
    # is Postfix's own nesting limit (the chain is 160 levels high).
    staged = Expander(table.get)
    for level in range(MAX_DEPTH + 9, -1, -1):
        staged.expand_name(f"n{level}")
    assert staged.expand_name(f"n{MAX_DEPTH + 9}").undefined == {f"n{MAX_DEPTH + 10}"}
    assert "more than 100 levels" in staged.expand_name("n0").errors[0]


# -- loops ------------------------------------------------------------------------

def test_loop_message_names_the_chain():
    expander = Expander({"a": "$b", "b": "$c", "c": "$a"}.get)
    (error,) = expander.expand_name("a").errors
    assert error == ("unreasonable macro call nesting: $a -> $b -> $c -> $a "
                     "refers back to itself")
    # Every name in the loop fails with the loop's message.
    assert expander.expand("x$b").errors == [error]
    fresh = Expander({"a": "$b", "b": "$c", "c": "$a"}.get)
    assert fresh.expand("x$b").errors[0].startswith(
        "unreasonable macro call nesting: $b -> $c -> $a -> $b")


def test_long_loop_message_is_cut_after_eight_names():
    table = {f"l{i}": f"$l{(i + 1) % 12}" for i in range(12)}
    (error,) = Expander(table.get).expand_name("l0").errors
    assert error == ("unreasonable macro call nesting: $l0 -> $l1 -> $l2 -> $l3 -> $l4 -> "
                     "$l5 -> $l6 -> $l7 -> ... refers back to itself")
    seven = {f"s{i}": f"$s{i + 1}" for i in range(6)} | {"s6": "$s0"}   # 8 in the chain
    (error,) = Expander(seven.get).expand_name("s0").errors
    assert error.endswith("$s5 -> $s6 -> $s0 refers back to itself") and "..." not in error
    eight = {f"e{i}": f"$e{(i + 1) % 8}" for i in range(8)}   # 9 in the chain
    (error,) = Expander(eight.get).expand_name("e0").errors
    assert error == ("unreasonable macro call nesting: $e0 -> $e1 -> $e2 -> $e3 -> $e4 -> "
                     "$e5 -> $e6 -> $e7 -> ... refers back to itself")


# -- a service table and its parent ------------------------------------------------

def test_a_local_value_breaks_a_loop_of_the_parent():
    parent_table = {"a": "$b", "b": "$a"}
    parent = Expander(parent_table.get)
    child_table = {**parent_table, "b": "fixed"}
    child = Expander(child_table.get, parent=parent, local_names={"b"})
    result = child.expand_name("a")
    assert (result.value, list(result.errors)) == ("fixed", [])
    assert parent.expand_name("a").errors         # the parent still loops


def test_a_parent_loop_is_judged_again_by_the_child():
    table = {"a": "$b", "b": "$a", "c": "x"}
    parent = Expander(table.get)
    assert parent.expand_name("a").errors
    child = Expander(table.get, parent=parent, local_names={"c"})
    assert "refers back to itself" in child.expand_name("a").errors[0]


def test_child_shares_what_uses_no_local_name_and_recomputes_the_rest():
    parent_table = {"x": "[$y]", "y": "main", "z": "$w", "w": "1"}
    parent = Expander(parent_table.get)
    child = Expander({**parent_table, "w": "2"}.get, parent=parent, local_names={"w"})
    shared = parent.expand_name("x")
    assert child.expand_name("x") is shared
    assert (parent.expand_name("z").value, child.expand_name("z").value) == ("1", "2")
    assert child.expand_name("nothing").undefined == {"nothing"}


def test_undefined_names_are_shared_as_undefined():
    parent = Expander({}.get)
    child = Expander({}.get, parent=parent, local_names={"l"})
    assert child.expand("$u").undefined == {"u"}
    assert parent.expand_name("u").undefined == {"u"}


# -- unknown names in tests -----------------------------------------------------------

def test_a_conditional_on_an_unknown_name_is_unknown():
    expander = Expander({"host": "h", "other": "o"}.get, unknown_names={"host"})
    result = expander.expand("${host?{set}}")
    assert result.value == "set" and result.unknown == {"host"} and not result.known
    assert expander.expand("${other?{set}}").known
    assert expander.expand("${missing?{set}:{unset}}").value == "unset"


def test_unknown_names_from_a_test_and_a_value_add_up():
    expander = Expander({"host": "h", "t": "{{ v }}"}.get, unknown_names={"host"})
    assert expander.expand("${host?x}$t").unknown == {"host", "t"}
    assert expander.expand_name("t").unknown == {"t"}   # the memo is not changed


def test_a_conditional_on_a_template_value_is_unknown():
    result = Expander({"t": "{{ var }}"}.get).expand("${t:{empty}}")
    assert result.value == "" and result.unknown == {"t"}


def test_every_nested_branch_and_operand_counts_one_level_of_depth():
    """The depth limit is the same through ``${x?{...}}``, ``${x:{...}}``
    and a relational operand: MAX_DEPTH levels expand (or hit Postfix's
    own limit), one more is smtplint's error."""
    def otherwise(levels: int) -> str:
        return "${empty:{" * levels + "x" + "}}" * levels

    def operand(levels: int) -> str:
        text = "x"
        for _ in range(levels):
            text = "${{" + text + "} == {x}}"
        return text

    too_deep = ("unreasonable macro call nesting: more than 150 nested "
                "expansions (smtplint's limit)")
    assert expand(otherwise(MAX_DEPTH)).errors == [
        "unreasonable macro call nesting (more than 100 levels) near 'x'"]
    assert expand(otherwise(MAX_DEPTH + 1)).errors == [too_deep]
    assert list(expand(operand(MAX_DEPTH)).errors) == []
    assert expand(operand(MAX_DEPTH + 1)).errors == [too_deep]


def test_nesting_height_of_tests_and_relational_forms():
    """A reference is one callback; a taken branch or a "true" adds the
    height of what it expands, an empty result adds nothing."""
    heights = {text: expand(text).height for text in (
        "${empty?{x}}", "${a?{x}}", "${{a} == {a}}", "${{a} == {b}}", "${ ?x}")}
    assert heights == {"${empty?{x}}": 1, "${a?{x}}": 2, "${{a} == {a}}": 2,
                       "${{a} == {b}}": 1, "${ ?x}": 1}
    # An undefined name (or the empty one) is its reference's callback only.
    assert (expand("$nope").height, expand("${ }").height) == (1, 1)


def test_short_texts_are_matched_without_an_index():
    """Up to 2048 characters after the bracket, matching is a scan: only the
    joined value is charged to the budget, not an index of the text."""
    for text, value in (("x" * LONG + "${a}", "x" * LONG + "alpha"),
                        ("${a}" + "x" * 2045, "alpha" + "x" * 2045)):
        session = Session(budget=10**6)
        assert Expander({"a": "alpha"}.get, session=session).expand(text).value == value
        assert 10**6 - session.remaining == len(value)


def test_a_failed_expansion_keeps_the_names_it_met():
    """An error discards the value, not what was found before it: the
    undefined, unknown and referenced names (for the rules) and height 0."""
    expander = Expander({"host": "h"}.get, unknown_names={"host"})
    result = expander.expand("$nothing ${host?{x}} ${broken")
    assert result == Expansion("", {"nothing"}, {"host"},
                               ["truncated macro reference: '${broken'"],
                               {"nothing", "host"}, 0)
    clean = Expander({}.get).expand("${")
    assert clean == Expansion("", set(), set(), ["truncated macro reference: '${'"], set(), 0)


def test_error_messages_quote_twenty_characters_near_the_error():
    """Postfix quotes a value from the error on, cut after 20 characters
    ("..." only when something was cut)."""
    exact = "${" + "b" * 18   # 20 characters: shown whole
    assert expand(exact).errors == [f"truncated macro reference: '{exact}'"]
    longer = "${" + "b" * 30
    assert expand(longer).errors == [f"truncated macro reference: '${{{'b' * 18}...'"]
    assert expand("x $" + "!" * 30).errors == [f"empty macro name: '${'!' * 19}...'"]


def test_quoted_text_escapes_only_what_is_not_printable():
    """Printable text is quoted as it is (accents included); text with a
    control or bidirectional character is quoted all in ASCII escapes."""
    assert expand("${é").errors == ["truncated macro reference: '${é'"]
    assert expand("${é\x00").errors == ["truncated macro reference: '${\\xe9\\x00'"]
    assert expand("${a\u202e").errors == ["truncated macro reference: '${a\\u202e'"]


def test_unbalanced_braces_in_a_parenthesised_test():
    """postconf: "unbalanced {} in attribute expression: "{x"" and fatal."""
    result = expand("$(a?{x)}")
    assert result.value == "" and result.errors[0].startswith(
        "unbalanced {} in attribute expression")


def test_references_skip_doubled_dollars_but_not_what_follows():
    assert references("$$a $$$b ${ c } $( d ) $$") == ["b", "c", "d"]
    assert references("no refs") == []


def test_the_input_limit_message_and_a_reference_at_the_start():
    """A "$" at index 0 counts as a reference (find() >= 0), and the error
    names the limit exactly."""
    assert expand("$a" + "x" * MAX_INPUT).errors == [
        "the value is longer than 1,048,576 characters and holds $ references "
        "(smtplint's limit): not expanded"]


def test_the_input_limit_measures_the_region_not_its_end_offset():
    """A short region deep in a long text is within the limit: its length
    is end - start, however far into the text it starts."""
    result = expand("x" * (MAX_INPUT - 10) + "${a?{$a}}")
    assert (result.value, result.errors) == ("x" * (MAX_INPUT - 10) + "alpha", ())


def test_an_empty_text_has_no_height():
    """Nothing to parse is no mac_parse callback: height 0, and an empty
    branch adds nothing to its reference's height."""
    assert expand("").height == 0
    assert expand("${a?{}}").height == 1


def test_a_name_starting_with_x_is_a_plain_reference():
    """Only "{" and "(" open a bracketed reference."""
    assert expand("$X ${X}", {"X": "y"}).value == "y y"
