"""Normalise stage: the simplified, punctuation-free text and its exact hash."""

from __future__ import annotations

from typing import Any

from scrapy import Spider

from crawler.extract.text import content_hash, normalize_for_matching
from crawler.items import ArticleItem


class NormalizePipeline:
    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        return cls()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, ArticleItem):
            normalize_article(item)
        return item


def normalize_article(item: ArticleItem) -> ArticleItem:
    item.text_normalized = normalize_for_matching(item.text)
    item.content_hash = content_hash(item.text_normalized)
    return item
