"""Build the bundled demo site (newsmon/demo/site/) from the seed texts in ../shared/seeds/.

    python -m newsmon.demo.build_site [--seeds DIR] [--out DIR]

Three small sites, each served by its own `LocalSite` in `newsmon demo`:

- ``gongyi/``: a national public-welfare paper (home, paginated list, RSS, sitemap,
  robots.txt, article URLs like /html/yaowen/18834.html); UTF-8 and GBK pages, the GBK
  charset declared in <meta> only, in the HTTP header only (``_headers.json``), or both.
- ``mirror/``: a Traditional-script portal that reprints mainland stories, pinyin
  artefacts and contact/licence footer included; one page in Big5.
- ``docs/``: a document-sharing site offering seed 004 as an HTML page with its banner
  and as a real .docx file.

Absolute URLs are written as ``{{site_url}}``; `newsmon demo` fills in the real address.
The output is committed, so a clean clone runs the demo without ../shared/.
"""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from newsmon.demo.pages import STYLE_CSS, ArticlePage, Chrome, article_html, list_html
from newsmon.demo.seeds import (
    Story,
    mirror_stories,
    policy_document,
    simplified_twin,
    split_stories,
    traditional_copy,
)
from newsmon.demo.sharesite import write_docs_site

SITE_URL = "{{site_url}}"
SITE_DIR = Path(__file__).resolve().parent / "site"
DEFAULT_SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PER_PAGE = 5

MAIN = Chrome(
    site_name="公益时报",
    title_suffix="_公益时报",
    nav=[("首页", "/"), ("新闻", "/news/index.html"), ("要闻", "/news/index.html"),
         ("社会组织", "/news/index.html"), ("慈善", "/news/index.html"), ("环保", "/news/index.html"),
         ("电子报", "javascript:;")],
    footer=["版权所有 公益时报社（newsmon 离线演示站点，内容取自公开报道）　未经书面授权禁止转载",
            "地址：北京市东城区演示路1号　邮编：100000　电话：010-00000000　邮箱：demo@example.com",
            '<a href="javascript:;">京ICP备00000000号-1</a>　京公网安备 11010102000000号'],
)
MIRROR = Chrome(
    site_name="商業周刊網",
    title_suffix=" - 商業周刊網",
    nav=[("首頁", "/"), ("公益", "/gongyi/index.html"), ("財經", "javascript:;"), ("產業", "javascript:;")],
    footer=[],  # filled from seed 002's own footer
    home_label="首頁", crumb_label="您的位置：", share="分享到：微信 微博 扫一扫",
    editor_label="責任編輯：", related_label="相關閱讀", source_label="來源：", traditional=True,
)
SECTIONS = {"yaowen": "要闻", "shzz": "社会组织", "cishan": "慈善", "huanbao": "环保"}

# key, section, number, published, date style, encoding, charset in (meta|header|both), editor
MAIN_PLAN = [
    ("000a", "huanbao", 18834, "2024-08-06 09:30", "cn", "utf-8", "meta", "王勇"),
    ("000b", "yaowen", 18835, "2024-08-06 09:45", "cn", "utf-8", "meta", "王勇"),
    ("000c", "cishan", 18836, "2024-08-06 10:00", "dash", "utf-8", "meta", "张雪"),
    ("000d", "yaowen", 18837, "2024-08-06 10:20", "slash", "gbk", "meta", "张雪"),
    ("001a", "shzz", 17981, "2024-04-30 08:00", "cn", "utf-8", "meta", "王勇"),
    ("001b", "shzz", 17982, "2024-04-30 08:05", "cn", "gbk", "meta", "王勇"),
    ("001c", "cishan", 17983, "2024-04-30 08:10", "dash", "gbk", "header", "张雪"),
    ("001d", "cishan", 17984, "2024-04-30 08:15", "cn", "gbk", "meta", "张雪"),
    ("001e", "yaowen", 17985, "2024-04-30 08:20", "cn", "utf-8", "meta", "王勇"),
    ("001f", "cishan", 17986, "2024-04-30 08:30", "slash", "gbk", "header", "张雪"),
    ("002s", "huanbao", 15120, "2022-08-18 09:00", "cn", "utf-8", "meta", "李明"),
    ("003s", "cishan", 15108, "2022-08-17 16:30", "dash", "gbk", "both", "李明"),
]
# key, date folder, number, published, encoding, reprinted from (for 来源)
MIRROR_PLAN = [
    ("002", "2022/0818", 41562, "2022-08-18 11:02", "utf-8", "綜合"),
    ("003", "2022/0817", 41548, "2022-08-17 18:15", "utf-8", "綜合"),
    ("t000a", "2024/0807", 52011, "2024-08-07 09:12", "utf-8", "公益時報"),
    ("t000c", "2024/0807", 52013, "2024-08-07 09:40", "utf-8", "公益時報"),
    ("t001b", "2024/0501", 50102, "2024-05-01 10:05", "utf-8", "公益時報"),
    ("t001c", "2024/0501", 50103, "2024-05-01 10:30", "big5", "公益時報"),
    ("t001d", "2024/0502", 50117, "2024-05-02 08:50", "utf-8", "公益時報"),
    ("t001f", "2024/0502", 50120, "2024-05-02 09:20", "utf-8", "公益時報"),
]


def _when(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M")


def _write(path: Path, text: str, encoding: str = "utf-8", errors: str = "strict") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.write_bytes(text.encode(encoding, errors))
    except UnicodeEncodeError as exc:
        raise SystemExit(f"{path}: text cannot be encoded as {encoding}: {exc}") from exc


def _newest_first(pages: list[ArticlePage]) -> list[ArticlePage]:
    return sorted(pages, key=lambda p: p.published, reverse=True)


def _related(pages: list[ArticlePage], page: ArticlePage, count: int = 4) -> list[tuple[str, str]]:
    others = [p for p in _newest_first(pages) if p is not page]
    return [(p.story.title, p.path) for p in others[:count]]


def _write_lists(root: Path, chrome: Chrome, pages: list[ArticlePage], folder: str,
                 heading: str, suffix: str) -> None:
    ordered = _newest_first(pages)
    chunks = [ordered[i:i + PER_PAGE] for i in range(0, len(ordered), PER_PAGE)]
    hrefs = [f"/{folder}/index.html" if n == 0 else f"/{folder}/index_{n + 1}.html"
             for n in range(len(chunks))]
    for n, chunk in enumerate(chunks):
        _write(root / hrefs[n].lstrip("/"),
               list_html(chrome, f"{heading}{suffix}", heading, chunk, hrefs, n, ordered[0].published))


def build_main(root: Path, stories: dict[str, Story]) -> list[ArticlePage]:
    pages: list[ArticlePage] = []
    encodings: dict[str, str] = {}
    headers: dict[str, dict[str, str]] = {}
    for key, section, number, when, style, encoding, declared, editor in MAIN_PLAN:
        path = f"/html/{section}/{number}.html"
        pages.append(ArticlePage(
            stories[key], path, (SECTIONS[section], "/news/index.html"), _when(when), style,
            source_name="公益时报", editor=editor,
            charset_meta=encoding if declared in ("meta", "both") else None,
            keywords=f"公益,{SECTIONS[section]}",
        ))
        encodings[path] = encoding
        content_type = f"text/html; charset={encoding}" if declared in ("header", "both") else "text/html"
        if content_type != "text/html":
            headers[path] = {"Content-Type": content_type}
    for page in pages:
        _write(root / page.path.lstrip("/"), article_html(page, MAIN, _related(pages, page)),
               encodings[page.path])
    _write_lists(root, MAIN, pages, "news", "新闻中心", "_公益时报")
    newest = _newest_first(pages)
    feed_link = '<link rel="alternate" type="application/rss+xml" title="公益时报" href="/rss.xml">\n'
    home = list_html(MAIN, "公益时报-中国公益第一媒体", "最新报道", newest[:6], ["/news/index.html"],
                     -1, newest[0].published, extra_head=feed_link)
    _write(root / "index.html", home.replace('<div class="pager">', '<div class="pager">'
                                             '<a href="/news/index.html">更多&gt;&gt;</a> '))
    _write(root / "rss.xml", _rss(newest[:8]))
    _write(root / "sitemap.xml", _sitemap(newest))
    _write(root / "robots.txt", f"User-agent: *\nAllow: /\n\nSitemap: {SITE_URL}/sitemap.xml\n")
    _write(root / "_headers.json", json.dumps(headers, ensure_ascii=False, indent=1) + "\n")
    return pages


def _rss(pages: list[ArticlePage]) -> str:
    items = []
    for n, page in enumerate(pages):
        # feeds in the wild mix absolute, root-relative and document-relative links
        link = [f"{SITE_URL}{page.path}", page.path, page.path.lstrip("/")][n % 3]
        summary = "".join(page.story.paragraphs)[:120]
        items.append(
            f"<item><title><![CDATA[{page.story.title}]]></title><link>{link}</link>"
            f"<description><![CDATA[{summary}……]]></description>"
            f"<author>{page.story.author}</author>"
            f"<pubDate>{page.published:%a, %d %b %Y %H:%M:%S} +0800</pubDate></item>"
        )
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>公益时报</title><link>{SITE_URL}/</link><description>公益时报最新报道</description>"
            "<language>zh-cn</language>\n" + "\n".join(items) + "\n</channel></rss>\n")


def _sitemap(pages: list[ArticlePage]) -> str:
    urls = "\n".join(f"<url><loc>{SITE_URL}{p.path}</loc><lastmod>{p.published:%Y-%m-%d}</lastmod></url>"
                     for p in pages)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')


def build_mirror(root: Path, stories: dict[str, Story], footer: list[str]) -> list[ArticlePage]:
    chrome = replace(MIRROR, footer=[*footer, "Copyright © 商業周刊網 版權所有"])
    pages = []
    for key, folder, number, when, encoding, origin in MIRROR_PLAN:
        pages.append(ArticlePage(
            stories[key], f"/gongyi/{folder}/content_{number}.html", ("公益", "/gongyi/index.html"),
            _when(when), "dash", source_name=origin, editor="陳靜", charset_meta=encoding,
        ))
    for page, plan in zip(pages, MIRROR_PLAN, strict=True):
        # as browsers' form posts do, characters Big5 lacks (the footer's pinyin) become &#NNN;
        _write(root / page.path.lstrip("/"), article_html(page, chrome, _related(pages, page, 3)),
               plan[4], errors="xmlcharrefreplace")
    _write_lists(root, chrome, pages, "gongyi", "公益頻道", " - 商業周刊網")
    newest = _newest_first(pages)
    home = list_html(chrome, "商業周刊網 - 財經 產業 公益", "頭條", newest[:3], ["/gongyi/index.html"],
                     -1, newest[0].published)
    _write(root / "index.html", home)
    _write(root / "robots.txt", "User-agent: *\nDisallow: /admin/\n")
    return pages


def build(seeds: Path, out: Path) -> dict[str, int]:
    if not seeds.is_dir():
        raise SystemExit(f"seeds folder not found: {seeds} (pass --seeds DIR)")
    stories = {s.key: s for s in split_stories(seeds)}
    mirrored, mirror_footer = mirror_stories(seeds)
    for story in mirrored:
        stories[story.key] = story
        stories[f"{story.key}s"] = simplified_twin(story, f"{story.key}s")
    for key in ("000a", "000c", "001b", "001c", "001d", "001f"):
        stories[f"t{key}"] = traditional_copy(stories[key], f"t{key}")
    if out.exists():
        shutil.rmtree(out)
    counts = {}
    for name, builder in (("gongyi", lambda r: build_main(r, stories)),
                          ("mirror", lambda r: build_mirror(r, stories, mirror_footer))):
        root = out / name
        counts[name] = len(builder(root))
        _write(root / "static" / "style.css", STYLE_CSS)
    counts["docs"] = write_docs_site(out / "docs", *policy_document(seeds))
    _write(out / "docs" / "static" / "style.css", STYLE_CSS)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--out", type=Path, default=SITE_DIR)
    args = parser.parse_args(argv)
    counts = build(args.seeds, args.out)
    print(f"built {args.out}: " + ", ".join(f"{name} {n} article pages" for name, n in counts.items()))


if __name__ == "__main__":
    main()
