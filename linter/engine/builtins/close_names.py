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
        self._length_filters: dict[tuple[int, float], tuple[int, int]] = {}

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
        lengths, needed = self._length_filter(len(word), cutoff)
        if not lengths:
            return []   # real_quick_ratio fails for every name
        mask = lengths & _at_least(self._shared_characters(word), needed, self._everyone)
        return [self.names[position] for position in _bits(mask)]

    def _length_filter(self, length: int, cutoff: float) -> tuple[int, int]:
        """(the names whose length can pass real_quick_ratio, the fewest
        shared characters quick_ratio needs for any of them), per length."""
        key = (length, cutoff)
        found = self._length_filters.get(key)
        if found is None:
            groups = [(other, names) for other, names in self._length_groups
                      if _real_quick_ratio(length, other) >= cutoff]
            lengths = 0
            for _other, names in groups:
                lengths |= names
            # The shortest allowed length needs the fewest (one test for all).
            needed = _fewest_matches(length + groups[0][0], cutoff) if groups else 0
            found = self._length_filters[key] = (lengths, needed)
        return found

    def _shared_characters(self, word: str) -> list[int]:
        """Bit-sliced counters: per name, the size of the multiset
        intersection of its characters with the word's (quick_ratio's M)."""
        slices: list[int] = []
        seen: dict[str, int] = {}
        at_least = self._at_least
        for char in word:
            occurrence = seen.get(char, 0)
            seen[char] = occurrence + 1
            levels = at_least.get(char)
            if levels is None or occurrence >= len(levels):
                continue
            carry = levels[occurrence]      # names with this many copies: add one
            for position, bits in enumerate(slices):
                slices[position] = bits ^ carry
                carry &= bits
                if not carry:
                    break
            else:
                slices.append(carry)
        return slices


def _real_quick_ratio(length: int, other: int) -> float:
    """difflib's bound from the lengths alone: two empty strings match (1.0)."""
    total = length + other
    return 2.0 * min(length, other) / total if total else 1.0


def _fewest_matches(total: int, cutoff: float) -> int:
    """The fewest shared characters M with quick_ratio 2.0 * M / total >=
    cutoff, in difflib's own float arithmetic (cutoff <= 1). Two empty
    strings match (difflib's ratio of nothing is 1.0)."""
    if total == 0:
        return 0
    matches = math.ceil(cutoff * total / 2.0)   # cutoff >= 0
    while matches > 0 and 2.0 * (matches - 1) / total >= cutoff:
        matches -= 1      # the float product rounded up
    while 2.0 * matches / total < cutoff:
        matches += 1      # ... or down
    return matches


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
