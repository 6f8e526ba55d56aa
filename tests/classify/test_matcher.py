"""The Aho-Corasick term index finds what a plain scan finds."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from classify.matcher import TermIndex

_ALPHABET = "老年人儿童基金会公益"
_TERMS = st.lists(st.text(alphabet=_ALPHABET, min_size=1, max_size=4), max_size=12)
_TEXT = st.text(alphabet=_ALPHABET + "，。a", max_size=80)


def _all(terms: list[str], text: str) -> list[tuple[int, str]]:
    """Every occurrence by brute force, position ascending, longest first at a position."""
    found = {(i, t) for t in set(terms) for i in range(len(text)) if text.startswith(t, i)}
    return sorted(found, key=lambda hit: (hit[0], -len(hit[1])))


def _longest(terms: list[str], text: str) -> list[tuple[int, str]]:
    """Left to right: at each position the longest term starting there, then skip past it."""
    out, pos = [], 0
    while pos < len(text):
        here = [t for t in set(terms) if text.startswith(t, pos)]
        if here:
            term = max(here, key=len)
            out.append((pos, term))
            pos += len(term)
        else:
            pos += 1
    return out


@given(_TERMS, _TEXT)
def test_term_index_matches_brute_force(terms: list[str], text: str) -> None:
    index = TermIndex(terms)
    assert index.occurrences(text) == _all(terms, text)
    assert index.count(text) == Counter(term for _, term in _all(terms, text))
    assert index.longest(text) == _longest(terms, text)


def test_longest_prefers_the_longer_name() -> None:
    index = TermIndex(["老年", "老年人", "年人"])
    assert index.longest("关爱老年人和老年") == [(2, "老年人"), (6, "老年")]
