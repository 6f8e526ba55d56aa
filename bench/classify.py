"""Classification speed: ms per article over the labelled set, rules-only vs with the model.

    .venv/bin/python bench/classify.py [LABELS.jsonl]

Baseline in the same run: plain jieba segmentation of the same texts (what any
token-based classifier pays at least).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from classify import Classifier  # noqa: E402
from classify.labels import load_labels  # noqa: E402
from classify.model import train  # noqa: E402


def per_article_ms(fn: Callable[[str, str | None], object],
                   items: list[tuple[str, str | None]], rounds: int = 5) -> float:
    """Fastest of `rounds` passes over all items (as timeit does: slower passes measure
    the machine's other load, not the code)."""
    fn(*items[0])
    passes = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text, title in items:
            fn(text, title)
        passes.append(time.perf_counter() - start)
    return min(passes) * 1000 / len(items)


def main() -> None:
    labels = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "labels.jsonl"
    articles = load_labels(labels)
    items = [(a.text, a.title) for a in articles]
    chars = sum(len(t) for t, _ in items) / len(items)
    classifier = Classifier.load()
    jieba_ms = per_article_ms(lambda t, h: classifier.segmenter.cut(t), items)
    rules_ms = per_article_ms(classifier.classify, items)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.joblib"
        model = train(articles, classifier)
        # time the model path even if training chose never to trust it: the cost is paid
        # either way, and a retrained model may trust itself
        model.save(path)
        with_model = Classifier.load(model_path=path)
        model_ms = per_article_ms(with_model.classify, items)
    print(f"{len(items)} articles, {chars:.0f} characters on average")
    print(f"jieba segmentation only (baseline): {jieba_ms:.2f} ms/article")
    print(f"classify, rules:                    {rules_ms:.2f} ms/article "
          f"({rules_ms / jieba_ms:.2f}x baseline)")
    print(f"classify, rules + model:            {model_ms:.2f} ms/article "
          f"({model_ms / jieba_ms:.2f}x baseline; model trusted above p="
          f"{model.confidence:.2f})")


if __name__ == "__main__":
    main()
