"""difflib's get_close_matches over a fixed set of names, indexed.

``difflib.get_close_matches(word, names, n, cutoff)`` tries every name
(about 0.4 ms per word against Postfix's 830 parameters: 200,000 unknown
names took 85 s). It accepts a name only when three bounds hold, each
weaker than the next: real_quick_ratio (lengths), quick_ratio (shared
characters, as a multiset) and ratio. The index here evaluates the first
two for *all* names at once with bit-parallel counters (one Python
integer per bit of the count, one bit per name), leaving a handful of
candidates for difflib's own checks. The candidates are a superset of
what difflib would accept, so the answer is the same, name for name.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable


class CloseNames:
    """Answers get_close_matches(word, names, n, cutoff) for many words."""

    def __init__(self, names: Iterable[str]):
        self.names = list(dict.fromkeys(names))
        self._everyone = (1 << len(self.names)) - 1
        # _at_least[char][j - 1]: the names with at least j copies of char.
        self._at_least: dict[str, list[int]] = {}
        self._by_length: dict[int, int] = {}
        for position, name in enumerate(self.names):
            bit = 1 << position
            self._by_length[len(name)] = self._by_length.get(len(name), 0) | bit
            for char, count in Counter(name).items():
                levels = self._at_least.setdefault(char, [])
                while len(levels) < count:
                    levels.append(0)
                for level in range(count):
                    levels[level] |= bit
        self._length_groups = sorted(self._by_length.items())
        self._sorted_lengths = [length for length, _names in self._length_groups]

    def close_matches(self, word: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """Exactly ``difflib.get_close_matches(word, self.names, n, cutoff)``."""
        if not n > 0:
            raise ValueError(f"n must be > 0: {n!r}")
        if not 0.0 <= cutoff <= 1.0:
            raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")
        candidates = self._candidates(word, cutoff)
        if not candidates:
            return []
        import difflib  # only now: it is not on the start-up path

        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        result = []
        for name in candidates:
            matcher.set_seq1(name)
            if (matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff
                    and matcher.ratio() >= cutoff):
                result.append((matcher.ratio(), name))
        return [name for _score, name in heapq.nlargest(n, result)]

    def _candidates(self, word: str, cutoff: float) -> list[str]:
        length = len(word)
        groups = [(other, names) for other, names in self._lengths_near(length, cutoff)
                  if (length + other) and 2.0 * min(length, other) / (length + other) >= cutoff]
        if not groups:
            return []   # real_quick_ratio fails for every name
        # quick_ratio needs at least this many shared characters; the
        # shortest allowed length needs the fewest (one test for all).
        needed = max(0, math.ceil(cutoff * (length + groups[0][0]) / 2.0 - 1e-9) - 1)
        lengths = 0
        for _other, names in groups:
            lengths |= names
        mask = lengths & _at_least(self._shared_characters(word), needed, self._everyone)
        return [self.names[position] for position in _bits(mask)]

    def _lengths_near(self, length: int, cutoff: float) -> list[tuple[int, int]]:
        """Name lengths that can pass real_quick_ratio (a superset: the
        exact test follows)."""
        if cutoff <= 0:
            return self._length_groups
        low = math.floor(length * cutoff / (2.0 - cutoff)) - 1
        high = math.ceil(length * (2.0 - cutoff) / cutoff) + 1
        start = bisect_left(self._sorted_lengths, low)
        end = bisect_right(self._sorted_lengths, high)
        return self._length_groups[start:end]

    def _shared_characters(self, word: str) -> list[int]:
        """Bit-sliced counters: per name, the size of the multiset
        intersection of its characters with the word's (quick_ratio's M)."""
        slices: list[int] = []
        for char, count in Counter(word).items():
            levels = self._at_least.get(char, ())
            for level in levels[:count]:
                _add(slices, level)
        return slices


def _add(slices: list[int], mask: int) -> None:
    """Add one to the counter of every name in ``mask`` (ripple carry)."""
    carry = mask
    for position, bits in enumerate(slices):
        slices[position] = bits ^ carry
        carry &= bits
        if not carry:
            return
    slices.append(carry)


def _at_least(slices: list[int], threshold: int, everyone: int) -> int:
    """The names whose counter is at least ``threshold`` (MSB first)."""
    greater = 0
    equal = everyone
    for position in reversed(range(max(len(slices), threshold.bit_length()))):
        bits = slices[position] if position < len(slices) else 0
        if threshold >> position & 1:
            equal &= bits
        else:
            greater |= equal & bits
            equal &= ~bits
    return greater | equal


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
