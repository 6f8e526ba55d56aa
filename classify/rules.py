"""Rule scores: weighted taxonomy terms counted in title and body."""

from __future__ import annotations

import math
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
    length: int = 0

    def relevance(self, threshold_raw: float = 4.0) -> float:
        """0-1: how clearly the item is public-welfare news (0.5 at the decision line).

        Long texts (treatises, encyclopaedia pages) touch every topic once; their evidence
        is scaled down by the square root of the length. Topic evidence adds a little, so a
        short rural or elder-care item without charity words is not lost.
        """
        scale = max(1.0, math.sqrt(self.length / 2000))
        topic = min(0.1 * max(self.raw.values(), default=0.0), 2.0)
        margin = (self.welfare - 0.6 * self.off_topic) / scale + topic - threshold_raw
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
        hits: dict[str, float] = dict(self.index.count(body))
        if title:
            for term, found in self.index.count(title).items():
                hits[term] = hits.get(term, 0.0) + found * self.taxonomy.title_weight
        totals: dict[str, float] = {}
        for term, times in hits.items():
            # the first mention says most; repeats add slowly
            strength = 1.0 + math.log(times) if times >= 1 else times
            for group, weight in self._weights[term]:
                totals[group] = totals.get(group, 0.0) + weight * strength
        raw = {c: totals.get(c, 0.0) for c in self.taxonomy.category_ids()}
        return RuleScores(
            raw=raw,
            welfare=totals.get(RELEVANCE, 0.0),
            off_topic=totals.get(OFF_TOPIC, 0.0),
            length=len(body) + len(title),
        )
