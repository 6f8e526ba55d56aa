"""The optional supervised model: TF-IDF over jieba tokens plus the rule scores as
features, a linear classifier over the primary label (categories and not_welfare).

The model is trained on a few hundred labelled articles at most, so it is trusted only
where it is confident: below `confidence` the rules decide (they are the fallback), above
it the model's label wins. It reads the tokens the classifier has already cut for the
keywords, so using it costs one sparse dot product, not a second segmentation.

Saved with joblib; `Classifier.load(model_path=…)` uses it.
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
from classify.taxonomy import Taxonomy

if TYPE_CHECKING:
    from classify.classifier import Classifier

logger = logging.getLogger(__name__)
FORMAT = "newsmon-classifier-2"
CONFIDENCE = 0.7  # model probability above which its label overrides the rules
NEVER = 1.01  # a confidence no probability reaches: the rules always decide
CANDIDATES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
INNER_FOLDS = 3


class ModelError(ValueError):
    """The model file is missing, unreadable or of another format."""


def _pretokenised(tokens: list[str]) -> list[str]:
    """The vectoriser's analyzer: documents arrive as jieba tokens already."""
    return [t for t in tokens if len(t) >= 2 or not t.isascii()]


class ArticleModel:
    def __init__(
        self,
        vectorizer: TfidfVectorizer,
        clf: LogisticRegression,
        categories: list[str],
        confidence: float = CONFIDENCE,
    ) -> None:
        self.vectorizer = vectorizer
        self.clf = clf
        self.categories = categories  # rule feature order
        self.confidence = confidence

    def features(
        self, tokens: Sequence[list[str]], scores: Sequence[RuleScores], taxonomy: Taxonomy
    ) -> Any:
        rule_rows = [rule_features(s, self.categories, taxonomy) for s in scores]
        return hstack([self.vectorizer.transform(tokens), csr_matrix(np.array(rule_rows))]).tocsr()

    def probabilities(
        self, tokens: list[str], scores: RuleScores, taxonomy: Taxonomy
    ) -> dict[str, float]:
        """The classifier's probabilities, computed directly from its coefficients: the
        same numbers as `clf.predict_proba` on `features`, without sklearn's per-call
        validation, which costs more than the arithmetic for one short article."""
        vocabulary, idf = self.vectorizer.vocabulary_, self.vectorizer.idf_
        counts: dict[int, int] = {}
        for token in _pretokenised(tokens):
            column = vocabulary.get(token)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts, dtype=np.int64, count=len(counts))
        weights = np.array([(1.0 + math.log(n)) * idf[c] for c, n in counts.items()])
        norm = float(np.sqrt(weights @ weights)) if len(weights) else 1.0
        rules = np.array(rule_features(scores, self.categories, taxonomy))
        coef = self.clf.coef_
        logits = coef[:, len(idf):] @ rules + self.clf.intercept_
        if len(columns):
            logits = logits + coef[:, columns] @ (weights / norm)
        if len(self.clf.classes_) == 2:  # binary: one logit, for the second class
            p = 1.0 / (1.0 + math.exp(-float(logits[0])))
            row = np.array([1.0 - p, p])
        else:
            row = np.exp(logits - logits.max())
            row = row / row.sum()
        return {str(c): float(p) for c, p in zip(self.clf.classes_, row, strict=True)}

    def combine(
        self,
        tokens: list[str],
        scores: RuleScores,
        taxonomy: Taxonomy,
        primary: str | None,
        relevance: float,
    ) -> tuple[str | None, float, float]:
        """(primary, relevance, the model's probability for its label): the model's label
        when it is confident, else the rules' decision unchanged."""
        proba = self.probabilities(tokens, scores, taxonomy)
        label = max(proba, key=lambda c: proba[c])
        p = proba[label]
        if p < self.confidence:
            return primary, relevance, p
        if label == NOT_WELFARE:
            return primary, min(relevance, 1.0 - p), p
        return label, max(relevance, p), p

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        joblib.dump({"format": FORMAT, "model": self}, path)


def rule_features(scores: RuleScores, categories: list[str], taxonomy: Taxonomy) -> list[float]:
    return [math.log1p(scores.raw.get(c, 0.0)) for c in categories] + [
        scores.relevance(taxonomy),
        math.log1p(max(0.0, scores.welfare)),
        math.log1p(max(0.0, scores.off_topic)),
    ]


def train(articles: Sequence[LabelledArticle], classifier: Classifier) -> ArticleModel:
    """Fit the model, then choose how far to trust it: the confidence above which its label
    overrides the rules is the one that did best in an inner cross-validation on these
    articles, and "never" unless the combination beat the rules there."""
    if len({a.primary for a in articles}) < 2:
        raise ModelError("training needs at least two different labels")
    analysed = [classifier.analyse(a.text, a.title) for a in articles]
    gold = [a.primary for a in articles]
    model = _fit(analysed, gold, classifier)
    model.confidence = _choose_confidence(analysed, gold, classifier)
    logger.info("model trusts its label above probability %.2f", model.confidence)
    return model


def _fit(
    analysed: Sequence[tuple[RuleScores, list[str]]], gold: Sequence[str], classifier: Classifier
) -> ArticleModel:
    categories = classifier.taxonomy.category_ids()
    vectorizer = TfidfVectorizer(
        analyzer=_pretokenised, sublinear_tf=True, min_df=2, max_features=5000
    )
    tfidf = vectorizer.fit_transform([tokens for _, tokens in analysed])
    rules = csr_matrix(
        np.array([rule_features(s, categories, classifier.taxonomy) for s, _ in analysed])
    )
    # newton-cg: L-BFGS is several times slower on these few wide rows
    clf = LogisticRegression(max_iter=500, C=5.0, class_weight="balanced", solver="newton-cg")
    clf.fit(hstack([tfidf, rules]).tocsr(), list(gold))
    return ArticleModel(vectorizer, clf, categories)


def _choose_confidence(
    analysed: Sequence[tuple[RuleScores, list[str]]], gold: Sequence[str], classifier: Classifier
) -> float:
    from classify.evaluate import score

    if len(gold) < 2 * INNER_FOLDS:
        return NEVER
    held_out: list[ArticleModel | None] = [None] * len(gold)
    for k in range(INNER_FOLDS):
        rest = [i for i in range(len(gold)) if i % INNER_FOLDS != k]
        if len({gold[i] for i in rest}) < 2:
            return NEVER
        fitted = _fit([analysed[i] for i in rest], [gold[i] for i in rest], classifier)
        for i in range(k, len(gold), INNER_FOLDS):
            held_out[i] = fitted
    rules = [classifier.label(s, t) for s, t in analysed]
    best, best_f1 = NEVER, score("rules", gold, rules).macro_f1
    for threshold in sorted(CANDIDATES, reverse=True):  # ties go to the more cautious
        labels = []
        for (s, t), judge in zip(analysed, held_out, strict=True):
            assert judge is not None  # every index falls in one fold
            judge.confidence = threshold
            labels.append(classifier.label(s, t, judge))
        f1 = score("combined", gold, labels).macro_f1
        if f1 > best_f1 + 1e-9:
            best, best_f1 = threshold, f1
    return best


def load_model(path: str | Path) -> ArticleModel:
    try:
        data = joblib.load(path)
    except (OSError, EOFError, ValueError, AttributeError, ImportError) as exc:
        raise ModelError(f"{path}: cannot load classifier model ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{path}: not a newsmon classifier model (format {FORMAT}); "
                         "retrain it with `newsmon classify train LABELS.jsonl`")
    model = data["model"]
    if not isinstance(model, ArticleModel):
        raise ModelError(f"{path}: not a newsmon classifier model")
    return model
