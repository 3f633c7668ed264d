"""Variables and templates in app YAML values: the scanners answer as the
regular expressions they replaced, and take linear time on the inputs that
made those retry the rest of the text at every start."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import assert_no_traceback, python_limited

from linter.apps.values import (
    PLACEHOLDER,
    blank_placeholders,
    has_variable,
    substitute,
)

# The expressions the scanners replaced.
VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_.]*)(?:(:?[-?+=]|:)([^}]*))?\}"
                      r"|\$([A-Za-z_][A-Za-z0-9_]*)")
TEMPLATE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
PIECES = ["$", "$$", "${", "}", "{", "{{", "}}", "{%", "%}", "%", ":", ":-", "-", "?", "+",
          "=", "a", "B", "_", "1", ".", " ", "\n", "é"]


def _old_blank(text: str) -> str:
    text = TEMPLATE.sub(PLACEHOLDER, text)
    return VARIABLE.sub(lambda m: "$" if m.group(0) == "$$" else PLACEHOLDER, text)


def _old_substitute(text: str):
    unresolved = False

    def replace(match):
        nonlocal unresolved
        if match.group(0) == "$$":
            return "$"
        if match.group(2) in (":-", "-", ":"):
            return match.group(3) or ""
        unresolved = True
        return ""

    result = VARIABLE.sub(replace, text)
    return ("reference", None) if unresolved else ("value", result)


@settings(max_examples=4000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_same_answers_as_the_regular_expressions(text):
    assert blank_placeholders(text) == _old_blank(text)
    assert substitute(text) == _old_substitute(text)
    assert has_variable(text) == any(m.group(0) != "$$" for m in VARIABLE.finditer(text))


@pytest.mark.parametrize("text, blanked, substituted", [
    ("smtp://${HOST}:587", f"smtp://{PLACEHOLDER}:587", ("reference", None)),
    ("${PORT:-587}", PLACEHOLDER, ("value", "587")),
    ("${mail.port:465}", PLACEHOLDER, ("value", "465")),
    ("a$$b", "a$b", ("value", "a$b")),
    ("$HOST:25", f"{PLACEHOLDER}:25", ("reference", None)),
    ("${unclosed", "${unclosed", ("value", "${unclosed")),
    ("{{ host }}:{% port %}", f"{PLACEHOLDER}:{PLACEHOLDER}", ("value", "{{ host }}:{% port %}")),
    ("{{ a\n}}", "{{ a\n}}", ("value", "{{ a\n}}")),
])
def test_examples(text, blanked, substituted):
    assert blank_placeholders(text) == blanked
    assert substitute(text) == substituted


@pytest.mark.parametrize("unit", ["${a:", "${a", "${", "{{", "{%", "${a:-{{", "$$${a:"])
def test_long_unclosed_values_take_linear_time(unit):
    code = ("from linter.apps.values import blank_placeholders, has_variable, substitute\n"
            f"text = {unit!r} * 500_000\n"
            "blank_placeholders(text); has_variable(text); substitute(text)\n")
    result = python_limited(code, seconds=20, memory_mb=900)
    assert_no_traceback(result)
    assert result.code == 0, result.err[-2000:]
