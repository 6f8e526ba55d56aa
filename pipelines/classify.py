"""Classify stage: topics, relevance, regions, organisations and keywords of each article.

Settings: NEWSMON_TAXONOMY (default config/taxonomy.yaml), NEWSMON_CLASSIFIER_MODEL
(optional model file), NEWSMON_IRRELEVANT ("flag", the default, or "drop").
Classification is CPU work, so it runs in the reactor's thread pool.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThread

from classify import Classifier, TaxonomyError
from crawler.items import ArticleItem, CategoryScore

logger = logging.getLogger(__name__)
IRRELEVANT_MODES = ("flag", "drop")


class ClassifyPipeline:
    def __init__(self, classifier: Classifier, irrelevant: str = "flag", stats: Any = None):
        if irrelevant not in IRRELEVANT_MODES:
            raise NotConfigured(f"NEWSMON_IRRELEVANT must be one of {IRRELEVANT_MODES}")
        self.classifier = classifier
        self.drop_irrelevant = irrelevant == "drop"
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        settings = crawler.settings
        try:
            classifier = Classifier.load(
                settings.get("NEWSMON_TAXONOMY") or None,
                settings.get("NEWSMON_CLASSIFIER_MODEL") or None,
            )
        except TaxonomyError as exc:
            raise NotConfigured(str(exc)) from exc
        mode = str(settings.get("NEWSMON_IRRELEVANT", "flag")).lower()
        return cls(classifier, mode, crawler.stats)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        deferred: Deferred[Any] = deferToThread(self._classify, item)
        deferred.addCallback(self._decide)
        return deferred

    def _classify(self, item: ArticleItem) -> ArticleItem:
        from crawler.extract.text import to_simplified

        # jieba and the term tables want punctuation, which text_normalized has lost
        result = self.classifier.classify(to_simplified(item.text), item.title)
        item.categories = [CategoryScore(name, score) for name, score in result.categories]
        item.primary_category = result.primary
        item.relevance = result.relevance
        item.relevant = result.relevant
        item.regions = result.regions
        item.organizations = result.organizations
        item.keywords = result.keywords
        return item

    def _decide(self, item: ArticleItem) -> ArticleItem:
        if self.stats is not None:
            self.stats.inc_value("newsmon/classified")
        if self.drop_irrelevant and not item.relevant:
            if self.stats is not None:
                self.stats.inc_value("newsmon/dropped/irrelevant")
            raise DropItem("irrelevant")
        return item
