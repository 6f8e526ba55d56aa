"""Validate stage: an article needs an http(s) URL, a source and enough text."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.exceptions import DropItem

from crawler.items import ArticleItem


class ValidatePipeline:
    def __init__(self, crawler: Any, min_length: int) -> None:
        self.crawler = crawler
        self.min_length = min_length

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidatePipeline:
        return cls(crawler, crawler.settings.getint("NEWSMON_MIN_TEXT_LENGTH", 50))

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        problem = None
        if not item.url.startswith(("http://", "https://")):
            problem = "bad_url"
        elif not item.source_id:
            problem = "no_source"
        elif len(item.text.strip()) < self.min_length:
            problem = "too_short"
        if problem:
            self.crawler.stats.inc_value(f"newsmon/dropped/{problem}")
            raise DropItem(f"{problem}: {item.url}")
        return item
