"""One e-paper page (PDF text) → its articles, each re-flowed, with byline and headline.

A newspaper page comes out of a PDF as hard-wrapped column lines: several stories one after
the other, each closed by a bracketed byline `（皮磊）`, the headline of a story often printed
right after its byline, and the remaining headlines and captions gathered at the end. The
split here uses only those layout signals:

- a line ending in `（name）` closes a story (the name is its author);
- lines right after it that carry no sentence punctuation are that story's headline;
- short punctuation-free lines around the text left after the last byline are headlines
  and captions that no story claims; they are returned apart so that they never run
  into article text.

Stories without a byline stay joined with their neighbour: the layout does not say where
one ends. A column fragment without punctuation at the very start or end of the text left
after the last byline cannot be told from a headline and lands in the headline list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from crawler.extract.text import reflow

_BYLINE = re.compile(r"[（(]\s*([\u4e00-\u9fff·]{2,4}(?:[ 、][\u4e00-\u9fff·]{2,4}){0,2})\s*[)）]\s*$")
# a headline or caption line: short, no sentence punctuation
_SENTENCE_MARK = re.compile(r"[，。；！？：,;!?]")
HEADLINE_MAX = 30
HEADLINE_LINES = 2  # a headline and its sub-headline; more lines are the gathered list


@dataclass(frozen=True)
class EpaperArticle:
    text: str
    author: str | None = None
    headline: str | None = None


@dataclass(frozen=True)
class EpaperPage:
    articles: list[EpaperArticle] = field(default_factory=list)
    headlines: list[str] = field(default_factory=list)  # headlines and captions no story claims


def _is_headline(line: str) -> bool:
    return len(line) <= HEADLINE_MAX and not _SENTENCE_MARK.search(line)


def _article(body: list[str], author: str | None, headline: list[str]) -> EpaperArticle:
    text = reflow("\n".join(body), min_lines=1)
    return EpaperArticle(text=text, author=author, headline=" ".join(headline) or None)


def split_epaper(text: str) -> EpaperPage:
    """Split an e-paper page's text into re-flowed articles (see the module docstring)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    articles: list[EpaperArticle] = []
    body: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        byline = _BYLINE.search(line)
        if not byline:
            body.append(line)
            continue
        body.append(line[: byline.start()].rstrip())
        headline: list[str] = []
        while index < len(lines) and len(headline) < HEADLINE_LINES and _is_headline(lines[index]):
            headline.append(lines[index])
            index += 1
        articles.append(_article(body, byline.group(1), headline))
        body = []
    # after the last byline: headlines and captions gathered around any story left over
    start, end = 0, len(body)
    while start < end and _is_headline(body[start]):
        start += 1
    while end > start and _is_headline(body[end - 1]):
        end -= 1
    if start < end:
        articles.append(_article(body[start:end], None, []))
    gathered = body[:start] + body[end:]
    return EpaperPage(articles=[a for a in articles if a.text], headlines=gathered)
