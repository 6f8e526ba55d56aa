"""HTML page → article fields: trafilatura, a density check, then Chinese-aware cleanup."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import trafilatura

from crawler.extract import author, metadata
from crawler.extract.cleanup import apply_rules
from crawler.extract.density import best_node, page_text, parse, render_text
from crawler.extract.encoding import decode_html
from crawler.extract.text import (
    detect_script,
    normalize_whitespace,
    normalize_width,
    repair_pinyin,
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
_SPACE = re.compile(r"\s+")


def _untable(text: str) -> str:
    """trafilatura renders tables as `| a | b |` rows; keep the cells' words only."""
    lines = []
    for line in text.split("\n"):
        if line.startswith("|"):
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


def _bigrams(text: str) -> Counter[str]:
    flat = _SPACE.sub("", text)
    return Counter(flat[i : i + 2] for i in range(len(flat) - 1))


def choose_text(primary: str, dense: str) -> str:
    """trafilatura's text, unless the density pick is the better-bounded version of it.

    When the dense container's text is (nearly) all inside trafilatura's, trafilatura added
    material around it: navigation, link lists, neighbouring items. The dense text wins
    if it still holds a fair share of trafilatura's prose; otherwise trafilatura found
    article text the dense pick missed.
    """
    if not dense:
        return primary
    if not primary:
        return dense
    d, p = _bigrams(dense), _bigrams(primary)
    if not d or not p:
        return primary if len(primary) >= len(dense) else dense
    inside = sum((d & p).values()) / sum(d.values())
    prose = _bigrams("\n".join(line for line in primary.split("\n") if _is_prose(line)))
    share = sum((d & prose).values()) / max(1, sum(prose.values()))
    if inside >= 0.9 and share >= PROSE_SHARE:
        return dense
    return primary


PROSE_SHARE = 0.6  # the dense pick must hold this share of trafilatura's prose
_CLAUSE = re.compile(r"[，。！？；,!?;]")


def _is_prose(line: str) -> bool:
    return len(line) >= 10 and _CLAUSE.search(line) is not None


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
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=False, deduplicate=False,
    )
    fields = (document.as_dict() if hasattr(document, "as_dict") else dict(document)) if document else {}
    root = parse(html)
    dense = render_text(best_node(root)) if root is not None else ""
    primary = clean_text(fields.get("text") or "")
    text = choose_text(primary, clean_text(dense))
    if len(text) < min_length:
        raise ExtractionError(f"{url or 'page'}: main text too short ({len(text)} characters)")
    visible = normalize_width(page_text(root)) if root is not None else text
    start, end = _locate(visible, text)
    header = visible[max(0, start - 600) : start]
    published = (
        metadata.closing_date(text, timezone)
        or metadata.find_publish_time(visible, start, timezone, url, end)
        or metadata.parse_iso(fields.get("date"), timezone)
    )
    site_name = fields.get("sitename") or None
    byline = author.find_author(
        header, text, author.meta_author(html),
        trailer_text=visible[end : end + 600], opening_text=visible[start : start + 300],
        structural=author.structural_author(root),
    )
    return Extraction(
        text=text,
        title=metadata.clean_title(fields.get("title"), site_name),
        author=byline,
        published_at=published,
        site_name=site_name,
        language=fields.get("language") or None,
        origin=metadata.find_origin(header + "\n" + text[:300]),
        script=detect_script(text),
        encoding=encoding,
    )
