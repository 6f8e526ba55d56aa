"""Scoring the classifier against labelled articles: per-category P/R/F1 and macro-F1
of the primary label (not_welfare counts as a label), for rules, model and combination.

Figures come in two sets, so none is judged by something fitted on it:
- all articles: the rules as they are; the model and the combination by k-fold
  cross-validation (or the loaded model, if one is given — then they are training figures);
- the fixed held-out split (`labels.is_holdout`): rules, and a model trained on the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from classify.classifier import Classifier
from classify.labels import NOT_WELFARE, LabelledArticle, is_holdout
from classify.rules import RuleScores


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
    """Per-label figures over the labels present in `gold` (a label only predicted counts
    against precision of nothing: macro-F1 averages the gold labels)."""
    labels = sorted(set(gold))
    pairs = list(zip(gold, predicted, strict=True))
    per: dict[str, tuple[float, float, float, int]] = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == p == label)
        fp = sum(1 for g, p in pairs if p == label and g != label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[label] = (precision, recall, f1, tp + fn)
    macro = sum(v[2] for v in per.values()) / len(per) if per else 0.0
    accuracy = sum(1 for g, p in pairs if g == p) / max(len(gold), 1)
    nw = per.get(NOT_WELFARE)
    return Report(system, per, macro, nw[1] if nw else None, accuracy)


def _model_label(model: Any, classifier: Classifier, scores: RuleScores, tokens: list[str]) -> str:
    proba = model.probabilities(tokens, scores, classifier.taxonomy)
    return str(max(proba, key=lambda c: proba[c]))


def evaluate(
    classifier: Classifier, articles: Sequence[LabelledArticle], folds: int = 5,
    model: Any = None,
) -> list[Report]:
    from classify.model import train

    analysed = [classifier.analyse(a.text, a.title) for a in articles]
    gold = [a.primary for a in articles]
    rules = [classifier.label(s, t) for s, t in analysed]
    model_only = [NOT_WELFARE] * len(articles)
    combined = [NOT_WELFARE] * len(articles)
    if model is not None:
        splits = [(list(range(len(articles))), model)]
        how = "loaded model, training figures if it was trained on these"
    else:
        splits = []
        for k in range(folds):
            test = [i for i in range(len(articles)) if i % folds == k]
            rest = [a for i, a in enumerate(articles) if i % folds != k]
            splits.append((test, train(rest, classifier)))
        how = f"{folds}-fold cross-validation"
    for test, fitted in splits:
        for i in test:
            scores, tokens = analysed[i]
            model_only[i] = _model_label(fitted, classifier, scores, tokens)
            combined[i] = classifier.label(scores, tokens, fitted)
    reports = [
        score(f"rules (all {len(articles)})", gold, rules),
        score(f"model ({how})", gold, model_only),
        score(f"rules+model ({how})", gold, combined),
    ]
    held = [i for i, a in enumerate(articles) if is_holdout(a.id)]
    dev = [a for a in articles if not is_holdout(a.id)]
    if held and len({a.primary for a in dev}) >= 2:
        fitted = train(dev, classifier)
        gold_h = [gold[i] for i in held]
        reports += [
            score(f"rules (held-out split, {len(held)})", gold_h, [rules[i] for i in held]),
            score("model (held-out split, trained on the rest)", gold_h,
                  [_model_label(fitted, classifier, *analysed[i]) for i in held]),
            score("rules+model (held-out split, trained on the rest)", gold_h,
                  [classifier.label(*analysed[i], fitted) for i in held]),
        ]
    return reports
