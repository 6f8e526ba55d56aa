"""Extraction quality and speed: newsmon's extractor against bare trafilatura, same run.

Usage: python bench/extraction.py [DIR] [--pages]   (DIR defaults to ../shared/data/extraction)

DIR holds pairs `<id>.html` (original bytes) + `<id>.json` (ground truth: `text`, `title`,
`author`, `publish_time`, `gt_type`, optional `must_contain`/`must_not_contain`).

Text score: for every page whose `gt_type` is `full_text`, both texts are NFKC-normalised,
stripped of all whitespace, and cut into character bigrams; precision/recall/F1 are those of
the two bigram *multisets* (min-count overlap). The figure printed is the mean over pages.
Title: on pages that label one, equal after stripping surrounding whitespace and a
site-name suffix from *both* sides (`蔡健雅_百度百科` and `蔡健雅` are the same title: the
issue asks for titles without the site suffix, and some labels keep it). A suffix is the
part after the last `_`, `|`, `｜` or ` - ` when it is at most 20 characters long; the
rule is deliberately simpler than the extractor's own `clean_title`, so the scorer does
not grade the extractor by its own code.
Publish day: on pages that label a date, the extracted date (in the page's time zone,
Asia/Shanghai) must agree at the precision of the label — day for `2024-04-25 10:00`,
month for `1998-3`, year for `2018`.
Author: on pages that label one, the names must be equal once whitespace and separators
(、，,;/ and brackets) are removed.
Speed: median and mean wall time per page for each extractor (bytes in, fields out), the
ratio of the means, and the median and 90th percentile of the per-page ratios.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.extract import ExtractionError, extract_article  # noqa: E402

DEFAULT_DIR = ROOT / ".." / "shared" / "data" / "extraction"
TZ = ZoneInfo("Asia/Shanghai")
_SPACE = re.compile(r"\s+")
_NAME_SEP = re.compile(r"[\s、，,;；/|()（）\[\]【】]+")
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s)[^_|｜]{1,20}$")
_DATE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?")


def bigrams(text: str) -> Counter[str]:
    flat = _SPACE.sub("", unicodedata.normalize("NFKC", text))
    return Counter(flat[i : i + 2] for i in range(len(flat) - 1))


def text_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    pred, gold = bigrams(predicted), bigrams(truth)
    overlap = sum((pred & gold).values())
    if not pred or not gold or not overlap:
        return 0.0, 0.0, 0.0
    p, r = overlap / sum(pred.values()), overlap / sum(gold.values())
    return p, r, 2 * p * r / (p + r)


def date_right(predicted: datetime | None, label: str) -> bool:
    match = _DATE.match(label.strip())
    if predicted is None or match is None:
        return False
    local = predicted.astimezone(TZ) if predicted.tzinfo else predicted
    got = (local.year, local.month, local.day)
    want = tuple(int(g) for g in match.groups() if g)
    return got[: len(want)] == want


def title_right(predicted: str | None, label: str) -> bool:
    def key(title: str) -> str:
        title = unicodedata.normalize("NFKC", title).strip()
        return _SITE_SUFFIX.sub("", title).strip() or title

    return predicted is not None and key(predicted) == key(label)


def author_right(predicted: str | None, label: str) -> bool:
    if not predicted:
        return False
    norm = lambda s: _NAME_SEP.sub("", unicodedata.normalize("NFKC", s)).lower()  # noqa: E731
    return norm(predicted) == norm(label)


@dataclass
class Fields:
    text: str = ""
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    seconds: float = 0.0


def run_bare(body: bytes, url: str | None) -> Fields:
    started = time.perf_counter()
    # trafilatura decodes the bytes itself, as a bare install would
    doc = trafilatura.bare_extraction(body, url=url, with_metadata=True)
    seconds = time.perf_counter() - started
    if doc is None:
        return Fields(seconds=seconds)
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    published = None
    if d.get("date"):
        try:
            published = datetime.fromisoformat(d["date"]).replace(tzinfo=TZ)
        except ValueError:
            published = None
    return Fields(d.get("text") or "", d.get("title"), d.get("author"), published, seconds)


def run_newsmon(body: bytes, url: str | None) -> Fields:
    started = time.perf_counter()
    try:
        ex = extract_article(body, url)
    except ExtractionError:
        return Fields(seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Fields(ex.text, ex.title, ex.author, ex.published_at, seconds)


@dataclass
class Score:
    f1: list[float] = field(default_factory=list)
    p: list[float] = field(default_factory=list)
    r: list[float] = field(default_factory=list)
    title: list[bool] = field(default_factory=list)
    day: list[bool] = field(default_factory=list)
    author: list[bool] = field(default_factory=list)
    snippets: list[bool] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def add(self, got: Fields, truth: dict[str, Any]) -> tuple[float, float, float] | None:
        self.seconds.append(got.seconds)
        prf = None
        if truth.get("gt_type") == "full_text" and truth.get("text"):
            prf = text_prf(got.text, truth["text"])
            self.p.append(prf[0])
            self.r.append(prf[1])
            self.f1.append(prf[2])
        if truth.get("must_contain") or truth.get("must_not_contain"):
            ok = all(s in got.text for s in truth.get("must_contain") or []) and not any(
                s in got.text for s in truth.get("must_not_contain") or []
            )
            self.snippets.append(ok)
        if truth.get("title"):
            self.title.append(title_right(got.title, truth["title"]))
        if truth.get("publish_time"):
            self.day.append(date_right(got.published, truth["publish_time"]))
        if truth.get("author"):
            self.author.append(author_right(got.author, truth["author"]))
        return prf


def _rate(values: list[bool]) -> str:
    return f"{sum(values) / len(values):.3f} ({sum(values)}/{len(values)})" if values else "n/a"


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--pages", action="store_true", help="print per-page figures")
    args = parser.parse_args(argv)
    pages = sorted(args.directory.glob("*.json"))
    pages = [p for p in pages if p.with_suffix(".html").exists()]
    if not pages:
        print(f"{args.directory}: no <id>.html + <id>.json pairs found", file=sys.stderr)
        return 2
    bare, ours = Score(), Score()
    for page in pages:
        truth = json.loads(page.read_text(encoding="utf-8"))
        body = page.with_suffix(".html").read_bytes()
        url = truth.get("url")
        b = bare.add(run_bare(body, url), truth)
        o = ours.add(run_newsmon(body, url), truth)
        if args.pages and b and o:
            print(f"{page.stem:40s} bare P {b[0]:.2f} R {b[1]:.2f} F1 {b[2]:.2f}   "
                  f"newsmon P {o[0]:.2f} R {o[1]:.2f} F1 {o[2]:.2f}")
    print(f"pages: {len(pages)} in {args.directory}  (text scored on {len(ours.f1)} full-text pages)")
    print(f"{'':24s}{'bare trafilatura':>22s}{'newsmon':>22s}")
    rows = [
        ("text precision", f"{_mean(bare.p):.3f}", f"{_mean(ours.p):.3f}"),
        ("text recall", f"{_mean(bare.r):.3f}", f"{_mean(ours.r):.3f}"),
        ("text F1 (mean)", f"{_mean(bare.f1):.3f}", f"{_mean(ours.f1):.3f}"),
        ("title (suffix-free)", _rate(bare.title), _rate(ours.title)),
        ("publish day", _rate(bare.day), _rate(ours.day)),
        ("author", _rate(bare.author), _rate(ours.author)),
        ("snippet pages ok", _rate(bare.snippets), _rate(ours.snippets)),
        ("ms/page (median)", f"{1000 * statistics.median(bare.seconds):.1f}",
         f"{1000 * statistics.median(ours.seconds):.1f}"),
        ("ms/page (mean)", f"{1000 * _mean(bare.seconds):.1f}", f"{1000 * _mean(ours.seconds):.1f}"),
    ]
    for name, left, right in rows:
        print(f"{name:24s}{left:>22s}{right:>22s}")
    print(f"speed ratio newsmon/bare (mean): {_mean(ours.seconds) / _mean(bare.seconds):.2f}x")
    per_page = sorted(o / b for o, b in zip(ours.seconds, bare.seconds, strict=True) if b > 0)
    if per_page:
        print(f"speed ratio per page: median {statistics.median(per_page):.2f}x, "
              f"90th percentile {per_page[int(0.9 * (len(per_page) - 1))]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
