"""The optional model: trusted only above its confidence, and fast-path probabilities
equal to scikit-learn's."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from classify.labels import NOT_WELFARE, LabelledArticle
from classify.model import NEVER, ArticleModel, load_model, train

EXAMPLES = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "classify_examples.yaml").read_text("utf-8")
)
ARTICLES = [
    LabelledArticle(id=str(i), text=e["text"], title=e["title"], primary=e["primary"])
    for i, e in enumerate(EXAMPLES)
]


@pytest.fixture(scope="module")
def model(classifier) -> ArticleModel:
    return train(ARTICLES, classifier)


def test_fast_probabilities_equal_scikit_learn(model, classifier):
    for article in ARTICLES:
        scores, tokens = classifier.analyse(article.text, article.title)
        fast = model.probabilities(tokens, scores, classifier.taxonomy)
        slow = model.clf.predict_proba(model.features([tokens], [scores], classifier.taxonomy))[0]
        assert fast == pytest.approx(dict(zip(map(str, model.clf.classes_), slow, strict=True)))


class _Fixed(ArticleModel):
    """A model whose probabilities are given, to show how the combination uses them."""

    def __init__(self, proba: dict[str, float], confidence: float) -> None:
        self.proba, self.confidence = proba, confidence

    def probabilities(self, tokens, scores, taxonomy):
        return self.proba


def test_rules_decide_unless_the_model_is_confident(classifier):
    text, title = EXAMPLES[0]["text"], EXAMPLES[0]["title"]  # environment
    scores, tokens = classifier.analyse(text, title)
    unsure = _Fixed({"animal": 0.55, "environment": 0.45}, confidence=0.7)
    assert classifier.label(scores, tokens, unsure) == "environment"
    sure = _Fixed({"animal": 0.9, "environment": 0.1}, confidence=0.7)
    assert classifier.label(scores, tokens, sure) == "animal"
    not_welfare = _Fixed({NOT_WELFARE: 0.95, "environment": 0.05}, confidence=0.7)
    assert classifier.label(scores, tokens, not_welfare) == NOT_WELFARE
    never = _Fixed({"animal": 1.0}, confidence=NEVER)
    assert classifier.label(scores, tokens, never) == "environment"


def test_saved_model_round_trips_and_old_files_are_refused(model, tmp_path: Path, classifier):
    from classify import Classifier
    from classify.model import ModelError

    path = tmp_path / "m.joblib"
    model.save(path)
    loaded = load_model(path)
    assert loaded.confidence == model.confidence
    with_model = Classifier.load(model_path=path)
    assert with_model.classify(EXAMPLES[0]["text"], EXAMPLES[0]["title"]).relevant
    other = tmp_path / "other.joblib"
    import joblib

    joblib.dump({"format": "newsmon-classifier-1", "model": None}, other)
    with pytest.raises(ModelError, match="retrain it"):
        load_model(other)
