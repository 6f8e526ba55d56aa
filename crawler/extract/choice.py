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

import operator
import re
from collections import Counter
from dataclasses import dataclass

_SPACE = re.compile(r"\s+")

NESTED = 0.9  # share of a text's bigrams found in another: "it is inside that one"
AGREE = 0.9  # F1 between two candidates above which they tell the same story
DISAGREE = 0.9  # ... below which trafilatura and the density pick found different things
LINKED_EXTRA = 0.2  # share of trafilatura's surplus that is link text: it is navigation
SCOPE_APART = 0.5  # F1 below which the density pick is not the story under the title


def bigrams(text: str) -> Counter[str]:
    flat = _SPACE.sub("", text)
    return Counter(map(operator.add, flat, flat[1:]))


def _size(counts: Counter[str]) -> int:
    return sum(counts.values())


def inside(part: Counter[str], whole: Counter[str]) -> float:
    """Share of `part`'s bigrams that `whole` also holds."""
    return _size(part & whole) / max(1, _size(part))


def agreement(a: Counter[str], b: Counter[str]) -> float:
    overlap = _size(a & b)
    if not overlap:
        return 0.0
    p, r = overlap / _size(a), overlap / _size(b)
    return 2 * p * r / (p + r)


@dataclass(frozen=True)
class Candidates:
    primary: str
    dense: str
    scoped: str = ""
    link_text: str = ""  # all anchor text of the page, to tell navigation from prose


def choose_text(c: Candidates) -> str:
    """The candidate that best bounds the article (see the module docstring for the cases)."""
    if not c.dense:
        return c.primary
    if not c.primary:
        return c.dense
    p, d = bigrams(c.primary), bigrams(c.dense)
    s = bigrams(c.scoped) if c.scoped else Counter()
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
        surplus = p - d
        linked = inside(surplus, bigrams(c.link_text)) if surplus else 1.0
        return c.dense if linked >= LINKED_EXTRA or scope_backs_dense else c.primary
    if scope_backs_dense and inside(s, p) < NESTED:
        # the two disagree and the title's own container sides with the density pick
        return c.dense
    return c.primary
