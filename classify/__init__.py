"""Topic classification for newsmon: categories, relevance, regions, organisations, keywords.

    from classify import Classifier
    result = Classifier.load().classify(text, title=title)
"""

from classify.classifier import Classification, Classifier
from classify.taxonomy import Taxonomy, TaxonomyError, load_taxonomy

__all__ = ["Classification", "Classifier", "Taxonomy", "TaxonomyError", "load_taxonomy"]
