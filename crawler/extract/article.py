"""HTML page → article fields: trafilatura, a density check, then Chinese-aware cleanup.

The text: trafilatura's extraction, the page-wide text-density pick and the density pick
inside the title's own container are cleaned alike (`clean_text`) and `choice.choose_text`
keeps the one that best bounds the article. Metadata is read from the page's visible text
around the chosen text (`metadata`, `author`), with trafilatura's fields as fallbacks.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

import trafilatura
from lxml import etree

from crawler.extract import author, metadata
from crawler.extract.choice import Candidates, candidates_agree, choose_text
from crawler.extract.cleanup import apply_rules
from crawler.extract.density import best_node, measure, page_text, parse, render_text, title_scope
from crawler.extract.encoding import decode_html
from crawler.extract.text import (
    detect_script,
    normalize_whitespace,
    normalize_width,
    remove_pinyin_artefacts,
    repair_pinyin,
    shows_pinyin_artefacts,
)

logger = logging.getLogger(__name__)


class ExtractionError(Exception):
    """A page that holds no article text newsmon can use."""


@dataclass
class Extraction:
    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None
    language: str | None = None
    origin: str | None = None
    script: str | None = None
    encoding: str | None = None
    kind: str = "article"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")


def _untable(text: str) -> str:
    """trafilatura renders tables as `| a | b |` rows; keep the cells' words only."""
    lines = []
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            if _TABLE_RULE.match(line):
                continue
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            line = " ".join(c for c in cells if c)
        lines.append(line)
    return "\n".join(lines)


def clean_text(text: str) -> str:
    """The cleaning chain every extracted text goes through, in order."""
    text = normalize_whitespace(normalize_width(_untable(text)))
    return apply_rules(repair_pinyin(text))


def _candidates(root: etree._Element | None, primary: str, title: str | None) -> Candidates:
    """trafilatura's text plus the density picks of the page and of the title's container."""
    if root is None:
        return Candidates(primary, "")
    # one pass over the page's text lengths serves both density picks and their rendering
    lengths = measure(root.getroottree().getroot())
    dense_raw = render_text(best_node(root, lengths), lengths)
    dense = clean_text(dense_raw)
    scope = title_scope(root, title)
    scoped_raw = render_text(best_node(scope, lengths), lengths) if scope is not None else ""
    # the title's container usually holds the page-wide pick: clean it once
    scoped = dense if scoped_raw == dense_raw else clean_text(scoped_raw)
    link_text = " ".join(a.text_content() for a in root.iter("a"))
    return Candidates(primary, dense, scoped, link_text)


def _trafilatura_text(html: str, url: str | None, *, fast: bool) -> str:
    # trafilatura's own metadata pass (htmldate and friends) costs more than its text
    # extraction; newsmon reads dates, bylines and titles from the page itself
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=False, include_comments=False, include_tables=True,
        favor_precision=False, deduplicate=False, fast=fast,
    )
    if not document:
        return ""
    return (document.text if hasattr(document, "text") else document.get("text")) or ""


def _headings(root: etree._Element | None) -> list[str]:
    if root is None:
        return []
    texts = (" ".join(el.text_content().split()) for el in root.iter("h1", "h2", "h3"))
    return [text for text in texts if 2 <= len(text) <= 100]


def _locate(visible: str, text: str) -> tuple[int, int]:
    """Where the extracted text starts and ends in the page's visible text (best effort)."""
    lines = [line for line in text.split("\n") if len(line) >= 4] or [text]
    first = lines[0][:12]
    start = visible.find(first) if first else -1
    start = max(start, 0)
    last = lines[-1][-12:]
    end = visible.find(last, start)
    end = end + len(last) if end >= 0 else min(len(visible), start + len(text))
    return start, end


def extract_article(
    body: bytes | str,
    url: str | None = None,
    *,
    http_encoding: str | None = None,
    timezone: str = "Asia/Shanghai",
    min_length: int = 20,
) -> Extraction:
    """Extract the main article of one HTML page.

    Raises :class:`ExtractionError` when the page holds no usable text.
    """
    if isinstance(body, bytes):
        html, encoding = decode_html(body, http_encoding)
    else:
        html, encoding = body, None
    root = parse(html)
    tags = metadata.meta_tags(html)
    document_title = metadata.page_title(html)
    site_name = metadata.first_meta(tags, metadata.META_SITE) or metadata.site_from_title(document_title)
    headings = _headings(root)
    fallback = metadata.first_meta(tags, metadata.META_TITLE) or (headings[0] if headings else None)
    title = metadata.choose_title(fallback, document_title, headings, site_name)
    candidates = _candidates(root, clean_text(_trafilatura_text(html, url, fast=True)), title)
    if not candidates_agree(candidates):
        # trafilatura's fast pass and the density pick disagree: a hard page, worth
        # trafilatura's full run (its readability and jusText fallbacks) before choosing
        candidates = replace(candidates, primary=clean_text(_trafilatura_text(html, url, fast=False)))
    text = choose_text(candidates)
    if len(text) < min_length:
        raise ExtractionError(f"{url or 'page'}: main text too short ({len(text)} characters)")
    visible = normalize_width(page_text(root)) if root is not None else text
    if title and shows_pinyin_artefacts(visible):
        title = remove_pinyin_artefacts(title)
    start, end = _locate(visible, text)
    header = visible[max(0, start - 600) : start]
    published = (
        metadata.closing_date(text, timezone)
        or metadata.find_publish_time(visible, start, timezone, url, end)
        or metadata.parse_iso(metadata.first_meta(tags, metadata.META_DATE), timezone)
        or metadata.url_date(url, timezone)
    )
    byline = author.find_author(
        header, text, author.meta_author(html, tags),
        trailer_text=visible[end : end + 600], opening_text=visible[start : start + 300],
        structural=author.structural_author(root), title=title,
    )
    return Extraction(
        text=text,
        title=title,
        author=byline,
        published_at=published,
        site_name=site_name,
        language=metadata.page_language(html, tags, text),
        origin=metadata.find_origin(header + "\n" + text[:300]),
        script=detect_script(text),
        encoding=encoding,
    )
