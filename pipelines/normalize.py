"""Normalise stage: the simplified matching text, its exact hash and its MinHash signature.

The crawl computes these in the extraction worker processes (they are CPU work); this
stage fills them in for items that arrive without them (imports, reprocessing).
"""

from __future__ import annotations

from typing import Any

from scrapy import Spider

from crawler.extract.text import content_hash
from crawler.items import ArticleItem
from dedup import DedupParams, compute_signature, matching_text

DEFAULT_PARAMS = DedupParams()


def normalized_fields(text: str, params: DedupParams = DEFAULT_PARAMS) -> tuple[str, str, bytes]:
    """(matching text, its SHA-256, its MinHash signature bytes): pure, process-pool safe."""
    matching = matching_text(text)
    return matching, content_hash(matching), compute_signature(matching, params).to_bytes()


def normalize_article(item: ArticleItem) -> ArticleItem:
    if not item.content_hash or item.minhash is None:
        item.text_normalized, item.content_hash, item.minhash = normalized_fields(item.text)
    return item


class NormalizePipeline:
    @classmethod
    def from_crawler(cls, crawler: Any) -> NormalizePipeline:
        return cls()

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if isinstance(item, ArticleItem):
            normalize_article(item)
        return item
