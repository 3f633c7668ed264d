"""The did-you-mean index answers exactly what difflib.get_close_matches
answers, and fast enough for hundreds of thousands of unknown names."""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import assert_no_traceback, python_limited

from linter.engine.builtins.close_names import CloseNames
from linter.postfix.params import parameter_data

KNOWN = list(parameter_data().defaults)


def index() -> CloseNames:
    """Built in each test, not at import: under scripts/mutate a module-level
    index would be built once, unmutated, before a mutant is switched on."""
    return CloseNames(KNOWN)


def _typo(name: str, data) -> str:
    chars = list(name)
    for _ in range(data.draw(st.integers(0, 4))):
        position = data.draw(st.integers(0, len(chars)))
        action = data.draw(st.sampled_from(["drop", "add", "swap"]))
        if action == "drop" and chars:
            del chars[min(position, len(chars) - 1)]
        elif action == "add":
            chars.insert(position, data.draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz_1é")))
        elif chars:
            chars[min(position, len(chars) - 1)] = data.draw(st.sampled_from("aeiost_"))
    return "".join(chars)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_same_suggestions_as_difflib(data):
    word = _typo(data.draw(st.sampled_from(KNOWN)), data)
    for cutoff in (0.85, 0.6):
        assert index().close_matches(word, n=1, cutoff=cutoff) == difflib.get_close_matches(
            word, KNOWN, n=1, cutoff=cutoff)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.integers(1, 4))
def test_same_answers_for_any_text(word, n):
    assert index().close_matches(word, n=n, cutoff=0.85) == difflib.get_close_matches(
        word, KNOWN, n=n, cutoff=0.85)


@pytest.mark.parametrize("word, suggestion", [
    ("smtpd_tls_securty_level", "smtpd_tls_security_level"),
    ("smtpd_sasl_auth_enabled", "smtpd_sasl_auth_enable"),
    ("mynetwork", "mynetworks"), ("custom_1234", None),
])
def test_typos(word, suggestion):
    assert index().close_matches(word, n=1, cutoff=0.85) == ([suggestion] if suggestion else [])


def test_many_unknown_names_are_fast():
    result = python_limited(
        "from linter.engine.builtins.close_names import CloseNames\n"
        "from linter.postfix.params import parameter_data\n"
        "index = CloseNames(parameter_data().defaults)\n"
        "for i in range(50_000): index.close_matches(f'my_unknown_parameter_{i}', 1, 0.85)\n",
        seconds=20, memory_mb=400)
    assert_no_traceback(result)
    assert result.code == 0, result.err


@pytest.mark.parametrize("n, cutoff", [(0, 0.6), (-1, 0.6), (1, -0.01), (1, 1.01)])
def test_bad_arguments_raise_what_difflib_raises(n, cutoff):
    """The index promises difflib's answer, so it refuses what difflib
    refuses, with the same message (n=0 would otherwise quietly give [])."""
    with pytest.raises(ValueError) as expected:
        difflib.get_close_matches("mynetwork", KNOWN, n=n, cutoff=cutoff)
    with pytest.raises(ValueError) as raised:
        index().close_matches("mynetwork", n=n, cutoff=cutoff)
    assert str(raised.value) == str(expected.value)


@pytest.mark.parametrize("cutoff", [0.0, 1.0])
def test_cutoff_bounds_are_inclusive_as_in_difflib(cutoff):
    """0.0 and 1.0 are valid cutoffs: the range check must not exclude them."""
    assert index().close_matches("mynetworks", n=2, cutoff=cutoff) == difflib.get_close_matches(
        "mynetworks", KNOWN, n=2, cutoff=cutoff)
