"""Article metadata the Chinese way: publish time, byline author, 来源 origin, clean title.

Pure functions over strings (the page's visible text, the extracted text, the URL).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_D = r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?"
_T = r"(?:\s*(?:T|\s)?\s*(\d{1,2})[:：时](\d{2})(?:[:：分](\d{2}))?)?"
FULL_DATE = re.compile(rf"(?<!\d){_D}{_T}")
LABELLED_DATE = re.compile(
    rf"(发布时间|发表时间|发布日期|发表日期|发稿时间|更新时间|时间|日期|发布于|发表于|发布|发表|Published)"
    rf"\s*[:：]?\s*{_D}{_T}"
)
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
    page_text: str, article_start: int, timezone: str, url: str | None = None
) -> datetime | None:
    """The publish time written on the page.

    Preference: a labelled date (发布时间：…) near the article, then the full date closest
    before the article's first line (bylines sit there), then the first full date after it,
    then `8月 2日` with the year taken from the URL or another date on the page.
    """
    window = page_text[max(0, article_start - 1500) : article_start + 3000]
    labelled = [m for m in LABELLED_DATE.finditer(window)]
    if labelled:
        return _build(labelled[0].groups()[1:], timezone)
    before = [m for m in FULL_DATE.finditer(page_text[max(0, article_start - 1500) : article_start])]
    if before:
        return _build(before[-1].groups(), timezone)
    after = FULL_DATE.search(page_text, article_start, article_start + 6000)
    if after:
        return _build(after.groups(), timezone)
    short = SHORT_DATE.search(page_text, max(0, article_start - 500), article_start + 500)
    if short:
        year = _year_from(url, page_text)
        if year:
            return _build((str(year), short.group(1), short.group(2), None, None, None), timezone)
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


# --- author ---------------------------------------------------------------------------
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_NAMES = rf"({_NAME}(?:[ 、，,\u3000]{{1,2}}{_NAME}){{0,5}})"
BYLINES = (
    # 本报讯（记者 赵莹莹）/ 据新华社拉萨电（记者 格桑边觉）
    re.compile(rf"[（(]\s*(?:本报|新华社|中新社)?(?:记者|通讯员)\s*{_NAMES}\s*[)）]"),
    # ■ 本报记者 高文兴 / 光明日报记者 王建宏 张文攀
    re.compile(rf"^\s*[■□●◆]?\s*\S{{0,8}}?(?:本报|日报|晚报|新华社|中新社|人民网)?记者\s*{_NAMES}\s*$", re.M),
    # 作者：宋怡 杨志华 / 文/张三 / 撰文：
    re.compile(rf"(?:作者|撰文|撰稿|文\s*[/丨|])\s*[:：]?\s*{_NAMES}(?=$|[\s|丨)）]|来源|发布)", re.M),
)
TRAILING_NAME = re.compile(rf"[（(]\s*({_NAME}(?:[ 、]{_NAME}){{0,2}})\s*[)）]\s*$")
_NOT_NAMES = frozenset({"来源", "记者", "编辑", "责任编辑", "资料图", "资料图片", "图片", "完", "本报", "通讯员", "未完待续"})


def find_author(header_text: str, article_text: str, meta_author: str | None) -> str | None:
    """A byline from the article's head, a `（皮磊）` at its end, or the page's meta author."""
    for source in (article_text[:300], header_text):
        for pattern in BYLINES:
            if m := pattern.search(source):
                name = _clean_names(m.group(1))
                if name:
                    return name
    last = article_text.rstrip().rsplit("\n", 1)[-1]
    if m := TRAILING_NAME.search(last):
        name = _clean_names(m.group(1))
        if name:
            return name
    if meta_author and not re.search(r"https?://|www\.", meta_author):
        return meta_author.strip()
    return None


def _clean_names(raw: str) -> str | None:
    names = [n for n in re.split(r"[ 、，,\u3000]+", raw.strip()) if n and n not in _NOT_NAMES]
    return " ".join(names) or None


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
