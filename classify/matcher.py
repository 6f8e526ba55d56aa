"""Counting many literal terms in a text in one pass (no per-term scan)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import ahocorasick


class TermIndex:
    """Literal terms in an Aho-Corasick automaton (pyahocorasick, C).

    One pass over the text finds every occurrence of every term, however many terms there
    are (a taxonomy has ~1,100, the gazetteer ~800 spellings).
    """

    def __init__(self, terms: Iterable[str]) -> None:
        self._automaton = ahocorasick.Automaton()
        for term in terms:
            if term:
                self._automaton.add_word(term, term)
        self._empty = len(self._automaton) == 0
        if not self._empty:
            self._automaton.make_automaton()

    def count(self, text: str) -> Counter[str]:
        """Every occurrence of every term, overlaps included."""
        if self._empty:
            return Counter()
        return Counter(term for _, term in self._automaton.iter(text))

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """Every (position, term), overlaps included; at one position longest term first."""
        if self._empty:
            return []
        found = [(end - len(term) + 1, term) for end, term in self._automaton.iter(text)]
        found.sort(key=lambda hit: (hit[0], -len(hit[1])))
        return found

    def longest(self, text: str) -> list[tuple[int, str]]:
        """Non-overlapping matches, longest term at each position, left to right."""
        matches: list[tuple[int, str]] = []
        taken = 0
        for pos, term in self.occurrences(text):
            if pos >= taken:  # the first hit at a free position is its longest term
                matches.append((pos, term))
                taken = pos + len(term)
        return matches
