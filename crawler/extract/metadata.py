"""Article metadata the Chinese way: publish time, 来源 origin, clean title (author: author.py).

Pure functions over strings (the page's visible text, the extracted text, the URL).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_D = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
_T = r"(?:\s*(?:T|\s)?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
FULL_DATE = re.compile(rf"(?<!\d){_D}{_T}")
# a label of its own: `出生日期` or `出道日期` (a profile's fields) are not publish dates
_LABEL = (r"(?<![\u4e00-\u9fff])(发布时间|发表时间|发布日期|发表日期|发稿时间|更新时间|时间|日期|发布于|发表于|"
          r"发布|发表|Published)")
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
    window = page_text[max(0, article_start - 1500) : article_start + 3000]
    labelled = [m for m in LABELLED_DATE.finditer(window)]
    if labelled:
        return _build(labelled[0].groups()[1:], timezone)
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
        if month := MONTH_DATE.search(page_text, max(0, lo), max(0, hi)):
            return _build((month.group(1), month.group(2), "1", None, None, None), timezone)
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


def clean_title(title: str | None, site_name: str | None = None) -> str | None:
    """Drop a site-name suffix (`…_公益时报`, `… - 新浪公益`, `…|中国网`)."""
    if not title:
        return None
    title = title.strip()
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        head = parts[0].strip()
        tail = "".join(parts[1:])
        # the suffix must be short (a site name), and the head still a title
        if len(head) >= 4 and (len(tail) <= 20 or (site_name and site_name in tail)):
            return head
    return title
