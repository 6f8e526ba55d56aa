"""The optional supervised model: TF-IDF over jieba tokens plus the rule scores as
features, a linear classifier over the primary label (categories and not_welfare).

Saved with joblib; `Classifier.load(model_path=…)` uses it, the rules stay the fallback.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from classify.labels import NOT_WELFARE, LabelledArticle
from classify.rules import RuleScores

if TYPE_CHECKING:
    from classify.classifier import Classifier

logger = logging.getLogger(__name__)
FORMAT = "newsmon-classifier-1"
MODEL_WEIGHT = 0.5  # share of the model in the combined category scores and relevance


class ModelError(ValueError):
    """The model file is missing, unreadable or of another format."""


class ArticleModel:
    def __init__(self, vectorizer: TfidfVectorizer, clf: LogisticRegression, categories: list[str]):
        self.vectorizer = vectorizer
        self.clf = clf
        self.categories = categories  # rule feature order
        self.segment: Any = None  # set by attach(); not pickled

    def attach(self, classifier: Classifier) -> ArticleModel:
        self.segment = classifier.segmenter.cut
        return self

    def features(self, prepared_texts: Sequence[str], scores: Sequence[RuleScores]) -> Any:
        docs = [" ".join(self.segment(t)) for t in prepared_texts]
        rule_rows = [_rule_row(s, self.categories) for s in scores]
        return hstack([self.vectorizer.transform(docs), csr_matrix(np.array(rule_rows))]).tocsr()

    def probabilities(self, prepared_text: str, scores: RuleScores) -> dict[str, float]:
        row = self.clf.predict_proba(self.features([prepared_text], [scores]))[0]
        return {str(c): float(p) for c, p in zip(self.clf.classes_, row, strict=True)}

    def combine(
        self,
        prepared_text: str,
        scores: RuleScores,
        category_scores: dict[str, float],
        primary: str | None,
        relevance: float,
    ) -> tuple[dict[str, float], str | None, float]:
        proba = self.probabilities(prepared_text, scores)
        combined = {
            c: (1 - MODEL_WEIGHT) * s + MODEL_WEIGHT * proba.get(c, 0.0)
            for c, s in category_scores.items()
        }
        if NOT_WELFARE in proba:
            relevance = (1 - MODEL_WEIGHT) * relevance + MODEL_WEIGHT * (1 - proba[NOT_WELFARE])
        best = max(combined, key=lambda c: combined[c]) if combined else None
        return combined, best if best is not None and combined[best] > 0 else primary, relevance

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        segment, self.segment = self.segment, None
        try:
            joblib.dump({"format": FORMAT, "model": self}, path)
        finally:
            self.segment = segment


def _rule_row(scores: RuleScores, categories: list[str]) -> list[float]:
    return [math.log1p(scores.raw.get(c, 0.0)) for c in categories] + [
        math.log1p(scores.welfare),
        math.log1p(scores.off_topic),
    ]


def train(articles: Sequence[LabelledArticle], classifier: Classifier) -> ArticleModel:
    from classify.text import prepare

    if len({a.primary for a in articles}) < 2:
        raise ModelError("training needs at least two different labels")
    texts = [prepare(f"{a.title or ''}。{a.text}") for a in articles]
    scores = [classifier.rule_scores(a.text, a.title) for a in articles]
    categories = classifier.taxonomy.category_ids()
    vectorizer = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, min_df=1, max_features=50000)
    docs = [" ".join(classifier.segmenter.cut(t)) for t in texts]
    tfidf = vectorizer.fit_transform(docs)
    rule_rows = csr_matrix(np.array([_rule_row(s, categories) for s in scores]))
    clf = LogisticRegression(max_iter=2000, C=5.0, class_weight="balanced")
    clf.fit(hstack([tfidf, rule_rows]).tocsr(), [a.primary for a in articles])
    return ArticleModel(vectorizer, clf, categories).attach(classifier)


def load_model(path: str | Path) -> ArticleModel:
    try:
        data = joblib.load(path)
    except (OSError, EOFError, ValueError) as exc:
        raise ModelError(f"{path}: cannot load classifier model ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{path}: not a newsmon classifier model (format {FORMAT})")
    model = data["model"]
    if not isinstance(model, ArticleModel):
        raise ModelError(f"{path}: not a newsmon classifier model")
    return model
