"""Which extraction to trust: trafilatura's text, the density pick, or the pick under the title.

Three candidates reach :func:`choose_text`, all cleaned the same way:

- `primary`: trafilatura's text. Usually right; on listing-heavy pages it also takes the
  navigation, the list of other stories, or (on feed pages) the next articles.
- `dense`: the best text-density container of the page (`density.best_node`).
- `scoped`: the best density container inside the element that holds the page's title
  heading and no other story (`density.title_scope`); empty when the page has no such
  heading.

Texts are compared as character-bigram multisets (the measure the bench scores with), so
the comparison ignores line breaks and formatting differences between the extractors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_SPACE = re.compile(r"\s+")

NESTED = 0.9  # share of a text's bigrams found in another: "it is inside that one"
AGREE = 0.9  # F1 between two candidates above which they tell the same story
DISAGREE = 0.9  # ... below which trafilatura and the density pick found different things
LINKED_EXTRA = 0.2  # share of trafilatura's surplus that is link text: it is navigation
SCOPE_APART = 0.5  # F1 below which the density pick is not the story under the title


class Bigrams:
    """A text's character-bigram multiset as sorted distinct keys and their counts.

    numpy instead of `collections.Counter`: a 20,000-character page has as many bigrams,
    and Counter's `&` and `-` walk them in Python, which cost more than trafilatura's whole
    extraction did."""

    __slots__ = ("counts", "keys")

    def __init__(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self.keys, self.counts = keys, counts

    @classmethod
    def of(cls, text: str) -> Bigrams:
        flat = _SPACE.sub("", text)
        codes = np.frombuffer(flat.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
        keys, counts = np.unique((codes[:-1] << 21) | codes[1:], return_counts=True)
        return cls(keys, counts)

    @property
    def size(self) -> int:
        return int(self.counts.sum())

    def __bool__(self) -> bool:
        return bool(len(self.keys))

    def overlap(self, other: Bigrams) -> int:
        """Size of the multiset intersection."""
        _, mine, theirs = np.intersect1d(self.keys, other.keys, assume_unique=True, return_indices=True)
        return int(np.minimum(self.counts[mine], other.counts[theirs]).sum())

    def minus(self, other: Bigrams) -> Bigrams:
        """The multiset difference: what is left of this one after taking `other` away."""
        _, mine, theirs = np.intersect1d(self.keys, other.keys, assume_unique=True, return_indices=True)
        counts = self.counts.copy()
        counts[mine] = np.maximum(counts[mine] - other.counts[theirs], 0)
        kept = counts > 0
        return Bigrams(self.keys[kept], counts[kept])


@lru_cache(maxsize=8)
def bigrams(text: str) -> Bigrams:
    """Cached: the agreement check and the choice compare the same few texts of one page."""
    return Bigrams.of(text)


def inside(part: Bigrams, whole: Bigrams) -> float:
    """Share of `part`'s bigrams that `whole` also holds."""
    return part.overlap(whole) / max(1, part.size)


def agreement(a: Bigrams, b: Bigrams) -> float:
    overlap = a.overlap(b)
    if not overlap:
        return 0.0
    p, r = overlap / a.size, overlap / b.size
    return 2 * p * r / (p + r)


@dataclass(frozen=True)
class Candidates:
    primary: str
    dense: str
    scoped: str = ""
    link_text: str = ""  # all anchor text of the page, to tell navigation from prose


def candidates_agree(c: Candidates) -> bool:
    """Whether trafilatura's text and the density pick tell the same story (an easy page)."""
    return bool(c.primary and c.dense) and agreement(bigrams(c.primary), bigrams(c.dense)) >= AGREE


def choose_text(c: Candidates) -> str:
    """The candidate that best bounds the article (see the module docstring for the cases)."""
    if not c.dense:
        return c.primary
    if not c.primary:
        return c.dense
    p, d = bigrams(c.primary), bigrams(c.dense)
    s = bigrams(c.scoped)
    scope_backs_dense = bool(s) and agreement(s, d) >= AGREE
    # feed pages: trafilatura runs on into the next stories, the density pick is one of
    # them; the story under the title heading is the part of trafilatura's text to keep
    if (s and agreement(p, d) < DISAGREE and inside(s, p) >= NESTED
            and agreement(s, d) < SCOPE_APART):
        return c.scoped
    if inside(d, p) >= NESTED:
        # trafilatura added material around the dense block: navigation and story lists
        # are mostly link text; a table, a lead paragraph or a caption is not. When the
        # title's own container picks the same block as the page-wide density, trust it.
        surplus = p.minus(d)
        linked = inside(surplus, bigrams(c.link_text)) if surplus else 1.0
        return c.dense if linked >= LINKED_EXTRA or scope_backs_dense else c.primary
    if scope_backs_dense and inside(s, p) < NESTED:
        # the two disagree and the title's own container sides with the density pick
        return c.dense
    return c.primary
