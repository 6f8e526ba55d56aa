"""Scoring the classifier against labelled articles: per-category P/R/F1 and macro-F1
of the primary label (not_welfare counts as a label), for rules, model and combination."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from classify.classifier import Classifier
from classify.labels import NOT_WELFARE, LabelledArticle


@dataclass
class Report:
    system: str
    per_label: dict[str, tuple[float, float, float, int]]  # P, R, F1, support
    macro_f1: float
    not_welfare_recall: float | None
    accuracy: float

    def lines(self) -> list[str]:
        out = [f"== {self.system}", f"{'label':24} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}"]
        for label, (p, r, f, n) in sorted(self.per_label.items()):
            out.append(f"{label:24} {p:6.3f} {r:6.3f} {f:6.3f} {n:4d}")
        out.append(f"macro-F1 {self.macro_f1:.3f}  accuracy {self.accuracy:.3f}")
        if self.not_welfare_recall is not None:
            out.append(f"not_welfare recall {self.not_welfare_recall:.3f}")
        return out


def score(system: str, gold: Sequence[str], predicted: Sequence[str]) -> Report:
    labels = sorted(set(gold))
    per: dict[str, tuple[float, float, float, int]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = (precision, recall, f1, tp + fn)
    macro = sum(v[2] for v in per.values()) / len(per) if per else 0.0
    accuracy = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p) / max(len(gold), 1)
    nw = per.get(NOT_WELFARE)
    return Report(system, per, macro, nw[1] if nw else None, accuracy)


def predicted_label(classifier: Classifier, article: LabelledArticle) -> str:
    result = classifier.classify(article.text, article.title)
    return result.primary if result.relevant and result.primary else NOT_WELFARE


def evaluate(
    classifier: Classifier, articles: Sequence[LabelledArticle], folds: int = 5
) -> list[Report]:
    """Rules as loaded; model and combination from the loaded model, or (without one)
    from `folds`-fold cross-validation so no article is judged by a model trained on it."""
    from classify.model import train

    gold = [a.primary for a in articles]
    saved_model = classifier.model
    classifier.model = None
    rules = [predicted_label(classifier, a) for a in articles]
    model_only: list[str] = [NOT_WELFARE] * len(articles)
    combined: list[str] = [NOT_WELFARE] * len(articles)
    if saved_model is not None:
        splits = [(list(range(len(articles))), saved_model)]
    else:
        splits = []
        for k in range(folds):
            test = [i for i in range(len(articles)) if i % folds == k]
            train_set = [a for i, a in enumerate(articles) if i % folds != k]
            splits.append((test, train(train_set, classifier)))
    for test, model in splits:
        for i in test:
            article = articles[i]
            classifier.model = None
            scores = classifier.rule_scores(article.text, article.title)
            from classify.text import prepare

            proba = model.probabilities(prepare(f"{article.title or ''}。{article.text}"), scores)
            model_only[i] = max(proba, key=lambda c: proba[c])
            classifier.model = model
            combined[i] = predicted_label(classifier, article)
    classifier.model = saved_model
    return [score("rules", gold, rules), score("model", gold, model_only),
            score("rules+model", gold, combined)]
