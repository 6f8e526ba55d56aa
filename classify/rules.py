"""Rule scores: weighted taxonomy terms counted in title and body."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from classify.matcher import TermIndex
from classify.taxonomy import Taxonomy, Term

RELEVANCE = "\x00relevance"
OFF_TOPIC = "\x00off_topic"


@dataclass(frozen=True)
class RuleScores:
    raw: dict[str, float]  # category id -> raw score
    welfare: float
    off_topic: float

    def relevance(self, threshold_raw: float = 4.0) -> float:
        """0-1: how clearly the item is public-welfare news (0.5 at the decision line)."""
        margin = self.welfare - 0.6 * self.off_topic - threshold_raw
        return 1.0 / (1.0 + math.exp(-margin / 2.0))


class RuleScorer:
    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._weights: dict[str, list[tuple[str, float]]] = {}
        groups: list[tuple[str, tuple[Term, ...]]] = [
            (c.id, c.terms) for c in taxonomy.categories
        ]
        groups += [(RELEVANCE, taxonomy.relevance_terms), (OFF_TOPIC, taxonomy.off_topic_terms)]
        for group, terms in groups:
            for term in terms:
                self._weights.setdefault(term.text, []).append((group, term.weight))
        self.index = TermIndex(self._weights)

    def score(self, body: str, title: str = "") -> RuleScores:
        hits: Counter[str] = self.index.count(body)
        if title:
            for term, n in self.index.count(title).items():
                hits[term] += n * self.taxonomy.title_weight
        totals: dict[str, float] = {}
        for term, n in hits.items():
            # the first mention says most; repeats add slowly
            strength = 1.0 + math.log(n) if n >= 1 else n
            for group, weight in self._weights[term]:
                totals[group] = totals.get(group, 0.0) + weight * strength
        raw = {c: totals.get(c, 0.0) for c in self.taxonomy.category_ids()}
        return RuleScores(
            raw=raw, welfare=totals.get(RELEVANCE, 0.0), off_topic=totals.get(OFF_TOPIC, 0.0)
        )
