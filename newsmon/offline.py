"""The pipeline stages run outside a crawl: `extract`, `reprocess`, `import`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from crawler.extract import extract_article
from crawler.items import ArticleItem, article_from_extraction
from crawler.urls import canonical_url
from pipelines.classify import apply_classification
from pipelines.normalize import normalize_article


@lru_cache(maxsize=1)
def _classifier() -> Any:
    from classify import Classifier

    return Classifier.load()


def classify_article(item: ArticleItem) -> ArticleItem:
    return apply_classification(_classifier().classify(item.text, title=item.title), item)


def process_page(body: bytes, url: str, source_id: str = "manual",
                 http_encoding: str | None = None) -> ArticleItem:
    """Extract, normalise and classify one page, as a crawl would (minus dedup and store)."""
    extraction = extract_article(body, url, http_encoding=http_encoding)
    item = article_from_extraction(extraction, source_id=source_id, url=url,
                                   canonical_url=canonical_url(url), fetched_at=datetime.now(UTC))
    normalize_article(item)
    return classify_article(item)
