"""The rule condition language (linter.engine.conditions): every operator,
the three-valued combinators, and which parameter names a finding."""

from __future__ import annotations

import pytest

from linter.engine.conditions import (
    Subject,
    evaluate,
    referenced_parameters,
    tokens,
)


class Fake(Subject):
    """Parameters and attributes from dicts; a missing name is unknown."""

    def __init__(self, values: dict | None = None, attributes: dict | None = None):
        self.values = values or {}
        self.attributes = attributes or {}

    def value(self, name):
        return self.values.get(name)

    def attribute(self, name):
        return self.attributes.get(name)


def judge(op: str, value: str, arg) -> bool | None:
    return evaluate({"param": "p", op: arg}, Fake({"p": value}))


def test_tokens_split_on_blanks_and_commas():
    assert tokens("  a, b\tc,,d\n") == ["a", "b", "c", "d"]
    assert tokens(" , ") == []


@pytest.mark.parametrize("op, value, arg, expected", [
    ("equals", " Yes ", "yes", True),            # blanks around and case do not count
    ("equals", "yes", "YES", True),
    ("equals", "yesno", "yes", False),
    ("equals", "2", 2, True),                    # a number argument compares as text
    ("not_equals", " Yes ", "yes", False),
    ("not_equals", "no", "yes", True),
    ("in", " Encrypt ", ["may", "encrypt"], True),
    ("in", "none", ["may", "encrypt"], False),
    ("not_in", " Encrypt ", ["may", "encrypt"], False),
    ("not_in", "none", ["may", "encrypt"], True),
    ("matches", "TLSv1.2", r"v1\.[01]", False),
    ("matches", "xx TLSv1.1 yy", r"v1\.[01]", True),   # search, not a whole-value match
    ("matches", "ABC", "abc", False),                  # case-sensitive regex
    ("is_empty", "  \t", True, True),
    ("is_empty", "x", True, False),
    ("is_empty", "  ", False, False),
    ("is_empty", "x", False, True),
    ("has_token", "a, noanonymous b", "noanonymous", True),
    ("has_token", "a,nonanonymous", "noanonymous", False),   # whole tokens only
    ("lacks_token", "a, noanonymous b", "noanonymous", False),
    ("lacks_token", "a,nonanonymous", "noanonymous", True),
    ("ends_with_token", "a, b, c ", "c", True),
    ("ends_with_token", "c, b", "c", False),
    ("ends_with_token", "  ", "c", False),
    ("ends_with_token", "", "", False),                 # no token at all
    ("token_before", "x a b", ["a", "b"], True),
    ("token_before", "b a", ["a", "b"], False),         # a later one comes first
    ("token_before", "x b", ["a", "b"], False),         # the first one is missing
    ("token_before", "a", ["a", "b", "c"], True),       # the others may be absent
    ("token_before", "c a b", ["a", "b", "c"], False),  # any of the others counts
    ("token_before", "a, c", ["a", "b", "c"], True),    # only those before a count
])
def test_operators(op, value, arg, expected):
    assert judge(op, value, arg) is expected


def test_a_parameter_leaf_reads_value_and_a_service_leaf_reads_attribute():
    subject = Fake({"tls": "yes"}, {"tls": "none"})
    assert evaluate({"param": "tls", "equals": "yes"}, subject) is True
    assert evaluate({"service": "tls", "equals": "yes"}, subject) is False
    assert evaluate({"service": "tls", "equals": "none"}, subject) is True


def test_an_unknown_value_is_unknown_for_every_operator():
    for op, arg in [("equals", "x"), ("not_equals", "x"), ("is_empty", True),
                    ("lacks_token", "x"), ("not_in", ["x"])]:
        assert evaluate({"param": "missing", op: arg}, Fake()) is None
        assert evaluate({"service": "missing", op: arg}, Fake()) is None


def test_a_leaf_without_an_operator_is_an_error():
    with pytest.raises(ValueError, match="without an operator"):
        evaluate({"param": "p", "subject": "p"}, Fake({"p": "x"}))


def test_the_first_operator_in_the_language_order_decides():
    # Only reachable through a hand-built dict; loaded rules have one operator.
    assert evaluate({"param": "p", "has_token": "b", "equals": "a"}, Fake({"p": "a"})) is True


TRUE = {"param": "t", "equals": "1"}
FALSE = {"param": "t", "equals": "0"}
UNKNOWN = {"param": "u", "equals": "1"}
SUBJECT = Fake({"t": "1"})


@pytest.mark.parametrize("parts, expected", [
    ([TRUE], True), ([FALSE], False), ([UNKNOWN], None),
    ([TRUE, TRUE], True), ([TRUE, FALSE], False), ([FALSE, TRUE], False),
    ([TRUE, UNKNOWN], None), ([UNKNOWN, TRUE], None),
    ([UNKNOWN, FALSE], False), ([FALSE, UNKNOWN], False),   # a known False decides
    ([UNKNOWN, UNKNOWN], None),
])
def test_all_is_three_valued(parts, expected):
    assert evaluate({"all": parts}, SUBJECT) is expected


@pytest.mark.parametrize("parts, expected", [
    ([TRUE], True), ([FALSE], False), ([UNKNOWN], None),
    ([FALSE, FALSE], False), ([TRUE, FALSE], True), ([FALSE, TRUE], True),
    ([FALSE, UNKNOWN], None), ([UNKNOWN, FALSE], None),
    ([UNKNOWN, TRUE], True), ([TRUE, UNKNOWN], True),       # a known True decides
    ([UNKNOWN, UNKNOWN], None),
])
def test_any_is_three_valued(parts, expected):
    assert evaluate({"any": parts}, SUBJECT) is expected


def test_not_keeps_unknown_unknown():
    assert evaluate({"not": TRUE}, SUBJECT) is False
    assert evaluate({"not": FALSE}, SUBJECT) is True
    assert evaluate({"not": UNKNOWN}, SUBJECT) is None
    assert evaluate({"not": {"not": UNKNOWN}}, SUBJECT) is None


def test_all_and_any_stop_at_the_decisive_part():
    """An unknown attribute after the decision is never read."""
    read = []

    class Recording(Fake):
        def value(self, name):
            read.append(name)
            return super().value(name)

    subject = Recording({"a": "1", "b": "1"})
    assert evaluate({"all": [{"param": "a", "equals": "0"},
                             {"param": "b", "equals": "1"}]}, subject) is False
    assert read == ["a"]
    read.clear()
    assert evaluate({"any": [{"param": "a", "equals": "1"},
                             {"param": "b", "equals": "1"}]}, subject) is True
    assert read == ["a"]


def test_nested_combinators():
    condition = {"all": [TRUE, {"any": [FALSE, {"not": FALSE}]}]}
    assert evaluate(condition, SUBJECT) is True
    assert evaluate({"all": [TRUE, {"any": [FALSE, {"not": TRUE}]}]}, SUBJECT) is False


def test_referenced_parameters_in_order_through_every_combinator():
    condition = {"all": [
        {"service": "role", "equals": "mx"},
        {"param": "a", "equals": "1"},
        {"any": [{"param": "b", "equals": "1"}, {"not": {"param": "c", "equals": "1"}}]},
        {"not": {"all": [{"param": "d", "equals": "1"}]}},
    ]}
    assert referenced_parameters(condition) == ["a", "b", "c", "d"]
    assert referenced_parameters({"not": {"param": "x", "equals": "1"}}) == ["x"]
    assert referenced_parameters({"any": [{"param": "y", "equals": "1"}],
                                  "all": [{"param": "x", "equals": "1"}]}) == ["x", "y"]
    assert referenced_parameters({"service": "tls", "equals": "none"}) == []


def test_the_subject_base_class_answers_nothing():
    with pytest.raises(NotImplementedError):
        Subject().value("x")
    with pytest.raises(NotImplementedError):
        Subject().attribute("x")


def test_problem_finds_what_evaluate_could_not_use():
    from linter.engine.conditions import problem

    leaf = {"param": "p", "equals": "x"}
    assert problem(leaf) is None
    assert problem({"service": "tls", "in": ["none"], "subject": "p"}) is None
    assert problem({"all": [leaf, {"any": [leaf, {"not": leaf}]}]}) is None
    assert problem({"param": "p"}) == ((), "a condition needs one operator, not 0: none")
    assert problem({"param": "p", "equals": "x", "in": ["x"]}) == (
        (), "a condition needs one operator, not 2: equals, in")
    assert problem({"param": "p", "Equals": "x"}) == (("Equals",), "unknown operator 'Equals'")
    assert problem({"all": [leaf, {"any": [leaf, {"not": {"param": "p"}}]}]}) == (
        ("all", 1, "any", 1, "not"), "a condition needs one operator, not 0: none")
    assert problem({"any": [{"param": "p", "matches": "a["}]})[0] == ("any", 0, "matches")
    assert problem({"param": "p", "matches": "a[b]"}) is None
