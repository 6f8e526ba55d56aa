"""Topic classification for newsmon: categories, relevance, regions, organisations, keywords.

    from classify import Classifier
    result = Classifier.load().classify(text, title=title)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from classify.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

if TYPE_CHECKING:
    from classify.classifier import Classification, Classifier

__all__ = ["Classification", "Classifier", "Taxonomy", "TaxonomyError", "load_taxonomy"]


def __getattr__(name: str) -> Any:
    # the classifier imports jieba (a second of start-up); a crawl's main process only
    # validates the taxonomy, and its worker processes load the classifier
    if name in ("Classification", "Classifier"):
        from classify import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module 'classify' has no attribute {name!r}")
