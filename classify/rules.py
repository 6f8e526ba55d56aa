"""Rule scores: weighted taxonomy terms counted in title and body."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from classify.matcher import TermIndex
from classify.taxonomy import Taxonomy, Term

RELEVANCE = "\x00relevance"
OFF_TOPIC = "\x00off_topic"
# A news item states its subject in the title and the first paragraphs; the rest of a very
# long text (a treatise, a policy document) adds noise and time, not evidence.
BODY_SPAN = 5000
RELEVANCE_SPREAD = 3.0  # evidence units from the line to relevance 0.73 (or 0.27)


@dataclass(frozen=True)
class RuleScores:
    raw: dict[str, float]  # category id -> raw score
    welfare: float
    off_topic: float
    length: int = 0

    def relevance(self, taxonomy: Taxonomy) -> float:
        """0-1: how clearly the item is public-welfare news (0.5 at the decision line).

        Evidence is a density: divided by the square root of the length in thousands of
        characters, so a feed snippet is judged by its few words and a long treatise that
        touches every topic once is not taken for welfare news (see taxonomy.yaml).
        """
        scale = math.sqrt(max(self.length, taxonomy.min_length) / 1000.0)
        evidence = (self.welfare - taxonomy.off_topic_factor * self.off_topic) / scale
        margin = evidence - taxonomy.relevance_evidence
        margin = max(-100.0, min(100.0, margin))  # math.exp overflows past ~700
        return 1.0 / (1.0 + math.exp(-margin / RELEVANCE_SPREAD))


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
        self._weight = {(g, t): w for t, gw in self._weights.items() for g, w in gw}

    def hits(self, text: str) -> Counter[tuple[str, str]]:
        """(group, term) -> occurrences; within one group a position counts once, for the
        longest term there ("老年人" is not also "老人" and "老年")."""
        found: Counter[tuple[str, str]] = Counter()
        covered: dict[str, int] = {}
        for pos, term in self.index.occurrences(text):
            for group, _ in self._weights[term]:
                if pos >= covered.get(group, 0):
                    found[group, term] += 1
                    covered[group] = pos + len(term)
        return found

    def score(self, body: str, title: str = "") -> RuleScores:
        totals = self._group_scores(body[:BODY_SPAN])
        if title:
            # scored on its own, so title terms are not absorbed by the body's repeats
            for group, value in self._group_scores(title).items():
                totals[group] = totals.get(group, 0.0) + value * self.taxonomy.title_weight
        # negative terms can cancel a category's evidence, not make it negative
        raw = {
            c.id: max(0.0, totals.get(c.id, 0.0)) * c.primary_weight
            for c in self.taxonomy.categories
        }
        return RuleScores(
            raw=raw,
            welfare=totals.get(RELEVANCE, 0.0),
            off_topic=totals.get(OFF_TOPIC, 0.0),
            length=min(len(body), BODY_SPAN) + len(title),
        )

    def _group_scores(self, text: str) -> dict[str, float]:
        totals: dict[str, float] = {}
        for (group, term), times in self.hits(text).items():
            # the first mention says most; repeats add slowly
            value = self._weight[group, term] * (1.0 + math.log(times))
            totals[group] = totals.get(group, 0.0) + value
        return totals
