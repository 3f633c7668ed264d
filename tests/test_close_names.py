"""The did-you-mean index answers exactly what difflib.get_close_matches
answers, and fast enough for hundreds of thousands of unknown names."""

from __future__ import annotations

import difflib
import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import assert_no_traceback, python_limited

from linter.engine.builtins.close_names import (
    CloseNames,
    _at_least,
    _fewest_matches,
    _real_quick_ratio,
)
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


# The index on small alphabets: names collide, lengths and counts sit on the
# cutoffs' boundaries, and an empty name or word appears. Each layer is
# checked against its own definition, not only the final answer (a filter
# that lets everything through gives difflib's answer too, only slowly).
SMALL_NAMES = st.lists(st.text("abc_é", max_size=7), max_size=10)
SMALL_WORDS = st.text("abcd_é", max_size=8)
CUTOFFS = st.sampled_from([0.0, 0.25, 0.5, 0.6, 2 / 3, 0.75, 0.8, 0.85, 1.0])


def _counter(slices: list[int], position: int) -> int:
    """The bit-sliced counter of name ``position``, as an int."""
    return sum(((bits >> position) & 1) << level for level, bits in enumerate(slices))


def _mask(names: list[str], keep) -> int:
    return sum(1 << position for position, name in enumerate(names) if keep(name))


@settings(max_examples=200, deadline=None)
@given(SMALL_NAMES, SMALL_WORDS, CUTOFFS, st.integers(1, 4))
def test_small_alphabets_same_answer_as_difflib(names, word, cutoff, n):
    unique = list(dict.fromkeys(names))
    assert CloseNames(names).close_matches(word, n, cutoff) == difflib.get_close_matches(
        word, unique, n, cutoff)


@settings(max_examples=200, deadline=None)
@given(SMALL_NAMES, SMALL_WORDS, CUTOFFS)
def test_candidates_are_what_real_quick_ratio_keeps_and_a_superset_of_quick_ratio(
        names, word, cutoff):
    """Lengths: exactly the names real_quick_ratio keeps. Shared characters:
    every name quick_ratio keeps is a candidate."""
    close = CloseNames(names)
    candidates = close._candidates(word, cutoff)
    assert len(candidates) == len(set(candidates))
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    for name in close.names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < cutoff:
            assert name not in candidates
        elif matcher.quick_ratio() >= cutoff:
            assert name in candidates


@settings(max_examples=200, deadline=None)
@given(SMALL_NAMES, SMALL_WORDS)
def test_shared_characters_count_the_multiset_intersection(names, word):
    close = CloseNames(names)
    slices = close._shared_characters(word)
    wanted = Counter(word)
    for position, name in enumerate(close.names):
        assert _counter(slices, position) == sum((Counter(name) & wanted).values()), name


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=12), st.integers(0, 70))
def test_at_least_selects_the_counters_reaching_the_threshold(counts, threshold):
    slices = [sum(((count >> level) & 1) << position for position, count in enumerate(counts))
              for level in range(max(counts).bit_length())]
    everyone = (1 << len(counts)) - 1
    assert _at_least(slices, threshold, everyone) == sum(
        1 << position for position, count in enumerate(counts) if count >= threshold)


@settings(max_examples=100, deadline=None)
@given(SMALL_NAMES, st.integers(0, 12), CUTOFFS)
def test_length_filter_keeps_exactly_the_lengths_real_quick_ratio_passes(names, length, cutoff):
    close = CloseNames(names)
    lengths, _needed = close._length_filter(length, cutoff)
    assert lengths == _mask(close.names, lambda name: difflib.SequenceMatcher(
        None, name, "x" * length).real_quick_ratio() >= cutoff)
    assert close._length_filter(length, cutoff) is close._length_filter(length, cutoff)  # cached


@settings(max_examples=100, deadline=None)
@given(SMALL_NAMES, st.lists(st.integers(0, 12), min_size=1, max_size=4), CUTOFFS)
def test_length_filter_needs_exactly_the_fewest_shared_characters(names, lengths, cutoff):
    """needed: the fewest shared characters with which quick_ratio passes
    for some allowed length, as difflib computes it; one index answers
    several lengths in turn (each is remembered under its own length)."""
    close = CloseNames(names)
    for length in lengths:
        allowed = sorted({len(name) for name in close.names
                          if _real_quick_ratio(length, len(name)) >= cutoff})
        fewest = min((next(m for m in range(total + 1) if 2.0 * m / total >= cutoff)
                      if total else 0 for total in (length + other for other in allowed)),
                     default=0)
        assert close._length_filter(length, cutoff)[1] == fewest, (length, allowed)


def test_index_of_names_records_every_name_once_in_order():
    close = CloseNames(["b", "a", "b", "ab"])
    assert close.names == ["b", "a", "ab"]
    assert close._everyone == 0b111
    assert close._at_least == {"b": [0b101], "a": [0b110]}
    assert close._length_groups == [(1, 0b011), (2, 0b100)]
    assert CloseNames(["aab"])._at_least == {"a": [1, 1], "b": [1]}


def test_defaults_are_difflibs():
    """n=3 and cutoff=0.6 when the caller gives neither, as in difflib."""
    for word in ("mynetwork", "relay_host", "smtpd_tls"):
        assert index().close_matches(word) == difflib.get_close_matches(word, KNOWN)


@pytest.mark.parametrize("total, cutoff", [
    (297, 2 / 99),                       # cutoff * total / 2 rounds up past 3: M is 3
    (3, math.nextafter(2 / 3, 1)),       # ... rounds down onto 1, which fails: M is 2
    (5, 0.6), (4, 0.5), (1, 1.0), (7, 0.0), (0, 0.6), (0, 1.0),
])
def test_fewest_matches_in_difflibs_float_arithmetic(total, cutoff):
    fewest = next(m for m in range(total + 1) if 2.0 * m / total >= cutoff) if total else 0
    assert _fewest_matches(total, cutoff) == fewest
