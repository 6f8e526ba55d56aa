"""The pipeline stages run outside a crawl: `extract`, `reprocess`, `import`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from crawler.extract import Extraction, extract_article
from crawler.items import ArticleItem
from crawler.urls import canonical_url
from pipelines.classify import apply_classification
from pipelines.normalize import normalize_article


@lru_cache(maxsize=1)
def _classifier() -> Any:
    from classify import Classifier

    return Classifier.load()


def classify_article(item: ArticleItem) -> ArticleItem:
    return apply_classification(_classifier().classify(item.text, title=item.title), item)


def article_from_extraction(extraction: Extraction, url: str, source_id: str,
                            fetched_at: datetime | None = None, raw_html: bytes | None = None) -> ArticleItem:
    return ArticleItem(
        source_id=source_id,
        url=url,
        canonical_url=canonical_url(url),
        fetched_at=fetched_at or datetime.now(UTC),
        text=extraction.text,
        title=extraction.title,
        author=extraction.author,
        published_at=extraction.published_at,
        site_name=extraction.site_name,
        language=extraction.language,
        origin=extraction.origin,
        script=extraction.script,
        raw_html=raw_html,
        encoding=extraction.encoding,
    )


def process_page(body: bytes, url: str, source_id: str = "manual",
                 http_encoding: str | None = None) -> ArticleItem:
    """Extract, normalise and classify one page, as a crawl would (minus dedup and store)."""
    extraction = extract_article(body, url, http_encoding=http_encoding)
    item = article_from_extraction(extraction, url, source_id)
    normalize_article(item)
    return classify_article(item)
