"""Counting many literal terms in a text in one pass (no per-term scan)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable


class TermIndex:
    """Literal terms indexed by first character, longest first.

    Scanning once and probing only the terms that start with the current character keeps
    the cost proportional to the text, not to text x terms (a taxonomy has ~700 terms).
    """

    def __init__(self, terms: Iterable[str]) -> None:
        by_first: dict[str, set[str]] = {}
        for term in terms:
            if term:
                by_first.setdefault(term[0], set()).add(term)
        self._by_first = {
            first: sorted(group, key=len, reverse=True) for first, group in by_first.items()
        }
        # jump straight to characters that can start a term; the regex scan runs in C
        chars = "".join(sorted(by_first)) or "\x00"
        self._starts = re.compile("[" + re.escape(chars) + "]")

    def count(self, text: str) -> Counter[str]:
        """Every occurrence of every term, overlaps included."""
        found: Counter[str] = Counter()
        index = self._by_first
        for match in self._starts.finditer(text):
            pos = match.start()
            for term in index[match.group()]:
                if text.startswith(term, pos):
                    found[term] += 1
        return found

    def occurrences(self, text: str) -> list[tuple[int, str]]:
        """Every (position, term), overlaps included; at one position longest term first."""
        found: list[tuple[int, str]] = []
        index = self._by_first
        for match in self._starts.finditer(text):
            pos = match.start()
            found.extend((pos, term) for term in index[match.group()] if text.startswith(term, pos))
        return found

    def longest(self, text: str) -> list[tuple[int, str]]:
        """Non-overlapping matches, longest term at each position, left to right."""
        matches: list[tuple[int, str]] = []
        index = self._by_first
        search = self._starts.search
        match = search(text)
        while match is not None:
            pos = match.start()
            for term in index[match.group()]:
                if text.startswith(term, pos):
                    matches.append((pos, term))
                    pos += len(term) - 1
                    break
            match = search(text, pos + 1)
        return matches
