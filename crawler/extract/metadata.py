"""Article metadata the Chinese way: publish time, 来源 origin, clean title (author: author.py).

Pure functions over strings (the page's visible text, the extracted text, the URL).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape
from zoneinfo import ZoneInfo

_D = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
_T = r"(?:\s*(?:T|\s)?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
FULL_DATE = re.compile(rf"(?<!\d){_D}{_T}")
# a label of its own (or a document's: 文章发布时间): `出生日期`, `出道日期`, `报名时间` are a
# profile's or an event's fields, not publish dates
_LABEL = (r"(?:(?<![\u4e00-\u9fff])|(?<=文章)|(?<=新闻)|(?<=信息)|(?<=稿件)|(?<=本文)|(?<=页面))"
          r"(发布时间|发表时间|发布日期|发表日期|发稿时间|更新时间|时间|日期|发布于|发表于|发布|发表|Published)")
LABELLED_DATE = re.compile(rf"{_LABEL}\s*[:：]?\s*{_D}{_T}")
# `发表时间： 06/02/2022 - 13:48` (foreign broadcasters' Chinese sites write day/month/year)
LABELLED_DMY = re.compile(
    rf"{_LABEL}\s*[:：]?\s*(\d{{1,2}})/(\d{{1,2}})/(\d{{4}})(?:\s*-?\s*(\d{{1,2}}):(\d{{2}}))?"
)
# `——《北京之春》1996年6月号`: a magazine issue, dated to the month
MONTH_DATE = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?:号|刊|期)")
SHORT_DATE = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_URL_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})[-/_]?(\d{2})(?:[-/_]?(\d{2}))?(?!\d)")


def _build(parts: tuple[str | None, ...], timezone: str) -> datetime | None:
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in parts)
    try:
        local = datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(timezone))
    except ValueError:
        return None
    if not 1990 <= year <= datetime.now(UTC).year + 1:
        return None
    return local.astimezone(UTC)


def find_publish_time(
    page_text: str, article_start: int, timezone: str, url: str | None = None,
    article_end: int | None = None,
) -> datetime | None:
    """The publish time written on the page.

    Preference: a labelled date (发布时间：…) near the article, then the full date closest
    before the article's first line (bylines sit there), then the first full date after it,
    then a magazine issue month (`1996年6月号`) at the article's head or end, then
    `8月 2日` with the year taken from the URL or another date on the page.
    """
    offset = max(0, article_start - 1500)
    window = page_text[offset : article_start + 3000]
    labelled = list(LABELLED_DATE.finditer(window))
    if labelled:
        # the label nearest above the text is the article's; below it, the first one
        above = [m for m in labelled if offset + m.start() < article_start]
        chosen = above[-1] if above else labelled[0]
        return _build(chosen.groups()[1:], timezone)
    if dmy := LABELLED_DMY.search(window):
        first, second = int(dmy.group(2)), int(dmy.group(3))
        day, month = (first, second) if second <= 12 else (second, first)
        parts = (dmy.group(4), str(month), str(day), dmy.group(5), dmy.group(6), None)
        return _build(parts, timezone)
    before = [m for m in FULL_DATE.finditer(page_text[max(0, article_start - 1500) : article_start])]
    if before:
        return _build(before[-1].groups(), timezone)
    after = FULL_DATE.search(page_text, article_start, article_start + 6000)
    if after:
        return _build(after.groups(), timezone)
    end = article_end if article_end is not None else article_start
    for lo, hi in ((article_start - 300, article_start + 200), (end - 300, end + 200)):
        if issue := MONTH_DATE.search(page_text, max(0, lo), max(0, hi)):
            return _build((issue.group(1), issue.group(2), "1", None, None, None), timezone)
    short = SHORT_DATE.search(page_text, max(0, article_start - 500), article_start + 500)
    if short:
        year = _year_from(url, page_text)
        if year:
            return _build((str(year), short.group(1), short.group(2), None, None, None), timezone)
    return None


_CLOSING_DATE = re.compile(rf"^\s*{_D}\s*$")


def closing_date(text: str, timezone: str) -> datetime | None:
    """The date a notice is signed with: a bare date as the text's last line.

    Government notices and announcements (通告, 通知) end with the issuer and the date;
    that is the document's own date, earlier than the portal's upload stamp.
    """
    last = text.rstrip().rsplit("\n", 1)[-1]
    if m := _CLOSING_DATE.match(last):
        return _build((*m.groups(), None, None, None), timezone)
    return None


def _year_from(url: str | None, page_text: str) -> int | None:
    if url and (m := _URL_YEAR.search(url)):
        return int(m.group(1))
    if m := FULL_DATE.search(page_text):
        return int(m.group(1))
    return None


_URL_DATE = re.compile(r"(?<!\d)(20\d{2}|19\d{2})([-/_]?)(\d{2})\2(\d{2})(?!\d)")


def url_date(url: str | None, timezone: str) -> datetime | None:
    """`/2024/05/20/`, `2024-05-20`, `20240520` in the URL's path."""
    if url and (m := _URL_DATE.search(url.split("?")[0])):
        return _build((m.group(1), m.group(3), m.group(4), None, None, None), timezone)
    return None


def parse_iso(value: str | None, timezone: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(timezone))
    return parsed.astimezone(UTC)


# --- origin ---------------------------------------------------------------------------
ORIGIN = re.compile(r"(?:来源|來源|稿源|出处|转自|转载自)\s*[:：]\s*([^\s|丨()（）]{2,30})")


def find_origin(text: str) -> str | None:
    """The original publisher of a reprint, from a `来源：` line."""
    if m := ORIGIN.search(text):
        value = m.group(1).strip("　 ,，。;；")
        return value or None
    return None


# --- title ------------------------------------------------------------------------------
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s|--|-(?=[^-]{2,12}$))\s*")
# `多维博客 » 标题`, `世艺网>艺术教育`: breadcrumb-style separators also put the site first
_PREFIX_SEPARATOR = re.compile(r"^(?P<site>[^»›>\d][^»›>]{1,11}?)\s*[»›>]\s*(?P<rest>.+)$")
_SOFTWARE_SUFFIX = re.compile(r"powered by|archiver|discuz|phpwind", re.I)
SUFFIX_MAX = 20  # a site-name part is at most this long (`宏观频道首页`, `CAIJING.COM.CN`)


def clean_title(title: str | None, site_name: str | None = None) -> str | None:
    """Drop site-name suffixes (`…_公益时报`, `… - 新浪公益`, `…_经济_财经网 - CAIJING.COM.CN`).

    Parts are dropped from the right while they are short (a site or channel name), name
    the site or the forum software; a short site name before `»`/`>` goes too. None when
    nothing but a site name is left (`-铜雀历史网`).
    """
    if not title:
        return None
    title = title.strip()
    while True:
        cuts = list(_TITLE_SEPARATORS.finditer(title))
        if not cuts:
            break
        last = cuts[-1]
        head, tail = title[: last.start()].strip(), title[last.end() :].strip()
        short = (len(tail) <= SUFFIX_MAX or bool(site_name and site_name.lower() in tail.lower())
                 or bool(_SOFTWARE_SUFFIX.search(tail)))
        if not short:
            break
        if len(head) < 2:
            return None if not head.strip("-_|｜»›> ") else title
        title = head
    if (m := _PREFIX_SEPARATOR.match(title)) and len(m.group("rest")) >= 2 * len(m.group("site")):
        title = m.group("rest").strip()
    return title


def site_from_title(document_title: str | None) -> str | None:
    """The site name a `<title>` ends with (`…_公益时报` → 公益时报), when it has one."""
    if not document_title:
        return None
    cuts = list(_TITLE_SEPARATORS.finditer(document_title))
    if not cuts:
        return None
    tail = document_title[cuts[-1].end() :].strip()
    return tail if 2 <= len(tail) <= SUFFIX_MAX and not _SOFTWARE_SUFFIX.search(tail) else None


_PAGE_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_META = re.compile(r"<meta\s[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
_HTML_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z-]{2,10})", re.I)
META_TITLE = ("og:title", "twitter:title", "title", "articletitle", "headline")
META_SITE = ("og:site_name", "application-name", "sitename", "site_name")
META_DATE = ("article:published_time", "pubdate", "publishdate", "publish_date", "og:release_date",
             "dc.date.issued", "dc.date", "date", "datepublished", "firstpublishedtime",
             # an update stamp is the best a page without a publish date offers
             "article:modified_time", "datemodified", "dateupdate", "lastmodified", "last-modified")


def meta_tags(html: str) -> dict[str, str]:
    """`name`/`property` → `content` of the head's meta tags (first value wins, keys lower-cased)."""
    end = html.lower().find("</head>")
    head = html[: end if end >= 0 else 50000]
    tags: dict[str, str] = {}
    for tag in _META.findall(head):
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
                 for m in _ATTR.finditer(tag)}
        key = (attrs.get("name") or attrs.get("property") or attrs.get("itemprop") or "").lower()
        content = unescape(attrs.get("content", "")).strip()
        if key and content and key not in tags:
            tags[key] = content
    return tags


def first_meta(tags: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((tags[key] for key in keys if tags.get(key)), None)


_HAN_CHAR = re.compile(r"[\u3400-\u9fff]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


def page_language(html: str, tags: dict[str, str], text: str = "") -> str | None:
    """"zh" for Chinese text whatever the page declares (templates often say `lang="en"`),
    else the declared language."""
    sample = text[:3000]
    han, latin = len(_HAN_CHAR.findall(sample)), len(_LATIN_LETTER.findall(sample))
    if han >= 20 and han >= 0.3 * (han + latin):
        return "zh"
    if m := _HTML_LANG.search(html[:5000]):
        return m.group(1).lower()
    value = tags.get("content-language") or tags.get("language")
    return value.lower() if value else None
_SEPARATOR_CHARS = re.compile(r"[\s_|｜\-–—:：·•]+")


def page_title(html: str) -> str | None:
    """The document's `<title>`, entity-decoded, whitespace collapsed."""
    if m := _PAGE_TITLE.search(html[:50000]):
        value = re.sub(r"\s+", " ", unescape(m.group(1))).strip()
        return value or None
    return None


def choose_title(
    fallback: str | None, document_title: str | None, headings: list[str], site_name: str | None = None
) -> str | None:
    """The article's title: the heading the `<title>` is built from, else the cleaned title.

    `<title>` is "article title + site name" (either order); a page's headings include the
    site logo, channel names and other stories. The longest heading that `<title>` contains,
    with no more than a site name's worth of text left over, is the article's title as the
    page shows it. When no heading fits, a heading that starts with the cleaned `<title>`
    (a heading with a button label glued on) confirms the cleaned `<title>`; otherwise the
    cleaned `fallback` (trafilatura's title) stands.
    """
    # `<title>` first: og:title and the first heading are only guesses when it is missing
    cleaned_fallback = clean_title(document_title or fallback, site_name)
    if document_title:
        flat_title = _SPACE_RE.sub("", document_title)
        fits = []
        for heading in headings:
            flat = _SPACE_RE.sub("", heading)
            if len(flat) < 2 or flat not in flat_title or (site_name and heading == site_name):
                continue
            # what is left is a site name: short, and not the larger part of <title>
            rest = _SEPARATOR_CHARS.sub("", flat_title.replace(flat, "", 1))
            if len(rest) <= min(SUFFIX_MAX, len(flat)):
                fits.append(heading)
        if fits:
            best = max(fits, key=len)
            # the same words as trafilatura's title: keep its spacing (a <br> joins nothing)
            same = cleaned_fallback and _SPACE_RE.sub("", cleaned_fallback) == _SPACE_RE.sub("", best)
            return cleaned_fallback if same else best
        cleaned = clean_title(document_title, site_name)
        if cleaned is None:  # <title> names only the site
            cleaned_fallback = clean_title(fallback, site_name)
        elif len(cleaned) >= 2:
            flat_cleaned = _SPACE_RE.sub("", cleaned)
            if any(_SPACE_RE.sub("", h).startswith(flat_cleaned) for h in headings):
                return cleaned
    return cleaned_fallback


_SPACE_RE = re.compile(r"\s+")
