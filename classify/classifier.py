"""The classifier: categories, relevance, regions, organisations and keywords of an article."""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classify.labels import NOT_WELFARE
from classify.orgs import OrgRules, load_org_rules
from classify.regions import Gazetteer, load_gazetteer
from classify.rules import RuleScorer, RuleScores
from classify.taxonomy import Taxonomy, load_taxonomy
from classify.text import prepare
from classify.tokens import Segmenter, segmenter

logger = logging.getLogger(__name__)

# keywords and the model read the title + lead, where news states its subject; one
# segmentation of this span serves both (jieba is the slowest step)
TOKEN_SPAN = 600
MAX_CATEGORIES = 5
MIN_LISTED = 0.15  # categories scoring below this are not listed


@dataclass
class Classification:
    categories: list[tuple[str, float]] = field(default_factory=list)
    primary: str | None = None
    relevance: float = 0.0
    relevant: bool = False
    regions: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["categories"] = [{"name": n, "score": round(s, 3)} for n, s in self.categories]
        data["relevance"] = round(self.relevance, 3)
        return data


class Classifier:
    """Load once (dictionaries, taxonomy, optional model), then classify many texts."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        gazetteer: Gazetteer,
        org_rules: OrgRules,
        segmenter_: Segmenter,
        model: Any = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.rules = RuleScorer(taxonomy)
        self.gazetteer = gazetteer
        self.org_rules = org_rules
        self.segmenter = segmenter_
        self.model = model
        self._places = frozenset(gazetteer.alias_to_region)
        _ = segmenter_.tags  # load now, not inside the first classify call

    @classmethod
    def load(
        cls, taxonomy_path: str | Path | None = None, model_path: str | Path | None = None
    ) -> Classifier:
        taxonomy = load_taxonomy(taxonomy_path)
        words = tuple(sorted({t.text for c in taxonomy.categories for t in c.terms}))
        classifier = cls(taxonomy, load_gazetteer(), load_org_rules(), segmenter(words))
        if model_path is not None:
            from classify.model import load_model

            classifier.model = load_model(model_path)
        return classifier

    def rule_scores(self, text: str, title: str | None = None) -> RuleScores:
        return self.rules.score(prepare(text), prepare(title or ""))

    def analyse(self, text: str, title: str | None = None) -> tuple[RuleScores, list[str]]:
        """Rule scores and the lead's tokens: what the model's features are made of."""
        body, head = prepare(text), prepare(title or "")
        return self.rules.score(body, head), self.segmenter.cut(_lead(head, body))

    def decide(
        self, scores: RuleScores, tokens: list[str], model: Any = None
    ) -> tuple[str | None, float, dict[str, float]]:
        """Primary category, relevance and 0-1 category scores from the rule scores, with
        `model` (if any) overriding where it is confident."""
        category_scores = _squash(scores.raw)
        relevance = scores.relevance(self.taxonomy)
        primary = _best(scores.raw, self.taxonomy.min_score)
        if primary is None and relevance >= self.taxonomy.relevance_threshold:
            # welfare news whose topic words are few still has a best topic
            primary = _best(scores.raw, 1e-9)
        if model is not None:
            primary, relevance, confidence = model.combine(
                tokens, scores, self.taxonomy, primary, relevance
            )
            if primary is not None:  # keep the primary first in the listed categories
                category_scores[primary] = max(category_scores.get(primary, 0.0), confidence)
        return primary, relevance, category_scores

    def label(self, scores: RuleScores, tokens: list[str], model: Any = None) -> str:
        """The single label evaluation compares: the primary category, or not_welfare."""
        primary, relevance, _ = self.decide(scores, tokens, model)
        relevant = relevance >= self.taxonomy.relevance_threshold
        return primary if relevant and primary else NOT_WELFARE

    def classify(self, text: str, title: str | None = None) -> Classification:
        body, head = prepare(text), prepare(title or "")
        scores = self.rules.score(body, head)
        tokens = self.segmenter.cut(_lead(head, body))
        primary, relevance, category_scores = self.decide(scores, tokens, self.model)
        ranked = sorted(category_scores.items(), key=lambda kv: -kv[1])
        listed = [(c, s) for c, s in ranked if s >= MIN_LISTED][:MAX_CATEGORIES]
        both = f"{head}。{body}" if head else body
        return Classification(
            categories=listed,
            primary=primary,
            relevance=relevance,
            relevant=relevance >= self.taxonomy.relevance_threshold,
            regions=self.gazetteer.find(both),
            organizations=self.org_rules.find(both, self.segmenter, self._places),
            keywords=self.segmenter.keywords_of(tokens),
        )


def _lead(head: str, body: str) -> str:
    return (f"{head}。{body}" if head else body)[:TOKEN_SPAN]


def _squash(raw: dict[str, float]) -> dict[str, float]:
    """Raw rule scores to 0-1: about 0.5 at two strong terms, saturating above."""
    return {c: 1.0 - math.exp(-r / 8.0) for c, r in raw.items()}


def _best(raw: dict[str, float], min_score: float) -> str | None:
    if not raw:
        return None
    best = max(raw, key=lambda c: raw[c])
    return best if raw[best] >= min_score else None
