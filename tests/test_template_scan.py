"""The placeholder scanner means what the regular expression it replaced
meant, and takes linear time on the inputs that made that one backtrack."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import assert_no_traceback, python_limited

from linter.postfix.template import has_placeholder, is_control_line

# The expression the scanner replaced (quadratic on repeated "{{", "{%", "<%").
REFERENCE = re.compile(
    r"(?<!\$)\{\{(?:(?!\}\})[^=])*\}\}"
    r"|\{%.*?%\}|<%.*?%>"
    r"|%\{[A-Za-z_][\w.]*\}"
    r"|\bPH_[A-Z][A-Z0-9_]*\b")
PIECES = ["{", "}", "%", "<", ">", "$", "=", "\n", "a", "P", "H", "_", "A", " ", "{{", "}}",
          "{%", "%}", "<%", "%>", "PH_", "é", "%{", "${{"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=16).map("".join))
def test_same_answers_as_the_regular_expression(text):
    assert has_placeholder(text) == (REFERENCE.search(text) is not None)


@pytest.mark.parametrize("text, expected", [
    ("{{ domain }}", True), ("inline:{{a=b}}", False), ("${{$a} < {1} ? {x}}", False),
    ("{% if x %}", True), ("{%\n%}", False), ("<% y %>", True), ("%{var}", True),
    ("PH_HOSTNAME", True), ("xPH_HOSTNAME", False), ("{{ a }} = {{ b }}", True),
])
def test_examples(text, expected):
    assert has_placeholder(text) is expected


@pytest.mark.parametrize("unit", ["{{", "{%", "<%", "${{", "{{=", "{{=}}", "%{a", "PH_A"])
def test_repeated_openers_take_linear_time(unit):
    result = python_limited(
        "from linter.postfix.template import has_placeholder\n"
        f"for size in (10_000, 100_000, 1_000_000): has_placeholder({unit!r} * size)\n",
        seconds=15, memory_mb=400)
    assert_no_traceback(result)
    assert result.code == 0, result.err


def test_a_placeholder_line_is_control_only_when_nothing_follows_its_first_end():
    """``{{ a }} b }}``: the placeholder ends at the first "}}"; the words
    after it are an entry the template fills in, not template text."""
    assert is_control_line("{{ a }}") and is_control_line("  %{x}  ")
    assert not is_control_line("{{ a }} b }}")
    assert not is_control_line("%{x} inet n - y - - smtpd {y}")
    assert is_control_line("{{ unterminated")
