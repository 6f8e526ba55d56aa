"""Classify stage: topics, relevance, regions, organisations and keywords of each article.

Settings: NEWSMON_TAXONOMY (default config/taxonomy.yaml), NEWSMON_CLASSIFIER_MODEL
(optional model file), NEWSMON_IRRELEVANT ("flag", the default, or "drop").
Classification is CPU work (jieba, term matching), so a crawl runs it in the extraction
stage's worker processes, right after extracting (pipelines/extract.py): in a reactor
thread it would hold the GIL the reactor needs. Each process loads the classifier once
(jieba's dictionary, the compiled taxonomy) and keeps it. This stage applies the result
and the drop rule; items that arrive unclassified (imports) are classified here, in a
thread, in arrival order.
"""

from __future__ import annotations

import logging
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, DeferredLock
from twisted.internet.threads import deferToThread

from classify import TaxonomyError, load_taxonomy
from crawler.items import ArticleItem, CategoryScore

if TYPE_CHECKING:
    from classify import Classification, Classifier

logger = logging.getLogger(__name__)
IRRELEVANT_MODES = ("flag", "drop")


@lru_cache(maxsize=4)
def process_classifier(taxonomy_path: str | None, model_path: str | None) -> Classifier:
    """The classifier of this process, loaded on its first article (seconds: jieba's
    dictionary), then kept for every crawl the process runs."""
    from classify import Classifier

    started = time.monotonic()
    classifier = Classifier.load(taxonomy_path, model_path)
    logger.debug("classifier loaded in %.2fs (pid %d)", time.monotonic() - started, os.getpid())
    return classifier


def classify_text(taxonomy_path: str | None, model_path: str | None, text: str,
                  title: str | None) -> Classification:
    """Runs in a worker process: pure, picklable in and out."""
    from crawler.extract.text import to_simplified

    # jieba and the term tables want punctuation, which text_normalized has lost
    return process_classifier(taxonomy_path, model_path).classify(to_simplified(text), title)


def apply_classification(result: Classification, item: Any) -> ArticleItem:
    item.categories = [CategoryScore(name, score) for name, score in result.categories]
    item.primary_category = result.primary
    item.relevance = result.relevance
    item.relevant = result.relevant
    item.regions = result.regions
    item.organizations = result.organizations
    item.keywords = result.keywords
    return item


class ClassifyPipeline:
    def __init__(self, taxonomy_path: str | None, model_path: str | None, irrelevant: str = "flag",
                 stats: Any = None):
        if irrelevant not in IRRELEVANT_MODES:
            raise NotConfigured(f"NEWSMON_IRRELEVANT must be one of {IRRELEVANT_MODES}")
        self.taxonomy_path = taxonomy_path
        self.model_path = model_path
        self.drop_irrelevant = irrelevant == "drop"
        self.stats = stats
        # unclassified items leave in arrival order: the store relies on a story's opener
        # reaching it no later than its reprints
        self.in_order = DeferredLock()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        settings = crawler.settings
        taxonomy_path = settings.get("NEWSMON_TAXONOMY") or None
        model_path = settings.get("NEWSMON_CLASSIFIER_MODEL") or None
        try:
            load_taxonomy(taxonomy_path)  # a bad taxonomy stops the crawl before it starts
        except TaxonomyError as exc:
            raise NotConfigured(str(exc)) from exc
        if model_path is not None and not Path(model_path).is_file():
            raise NotConfigured(f"NEWSMON_CLASSIFIER_MODEL: {model_path}: no such file")
        mode = str(settings.get("NEWSMON_IRRELEVANT", "flag")).lower()
        return cls(taxonomy_path, model_path, mode, crawler.stats)

    @property
    def classifier(self) -> Classifier:
        return process_classifier(self.taxonomy_path, self.model_path)

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if item.relevant is not None:  # classified by the extraction worker
            return self._decide(item)
        deferred: Deferred[ArticleItem] = self.in_order.run(deferToThread, self._classify, item)
        return self._decide(await maybe_deferred_to_future(deferred))

    def _classify(self, item: ArticleItem) -> ArticleItem:
        return apply_classification(classify_text(self.taxonomy_path, self.model_path, item.text, item.title), item)

    def _decide(self, item: ArticleItem) -> ArticleItem:
        if self.stats is not None:
            self.stats.inc_value("newsmon/classified")
        if self.drop_irrelevant and not item.relevant:
            if self.stats is not None:
                self.stats.inc_value("newsmon/dropped/irrelevant")
            raise DropItem("irrelevant")
        return item
