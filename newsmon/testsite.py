"""Generate a large static news site for scale-out tests, load tests and benchmarks.

Pages are built from real Chinese texts (sentences are drawn from a pool and mixed, so
every article is distinct), wrapped in the chrome a portal page has, with list pages,
pagination, an RSS feed and a sitemap. The output is deterministic for a given seed.
"""

from __future__ import annotations

import html
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_SENTENCE = re.compile(r"[^。！？\n]{8,200}[。！？]")


def sentence_pool(texts: Iterable[str]) -> list[str]:
    pool: list[str] = []
    for text in texts:
        pool.extend(s.strip() for s in _SENTENCE.findall(text))
    return list(dict.fromkeys(s for s in pool if len(s) >= 12))


def texts_from_shared(shared: Path) -> list[str]:
    """Ground-truth article texts and seed texts from the shared data folder."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((shared / "seeds").glob("*.txt"))]
    for path in sorted((shared / "data" / "extraction").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record.get("gt_type") == "full_text" and record.get("text"):
            texts.append(record["text"])
    return texts


@dataclass(frozen=True)
class GeneratedSite:
    root: Path
    article_paths: list[str]
    list_paths: list[str]


_CHROME_TOP = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}_公益测试网</title><meta name="keywords" content="公益,慈善,社会组织">
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>
<div class="top"><a href="/">首页</a> | <a href="/list/index.html">公益要闻</a> | <a href="/about.html">关于我们</a>
| 登录 | 注册 | 网站地图</div><div class="nav">{nav}</div>
<div class="crumb">您的位置：<a href="/">首页</a> &gt; <a href="/list/index.html">公益要闻</a> &gt; 正文</div>"""

_CHROME_BOTTOM = """<div class="share">分享到：微信 微博 QQ空间 【字号 大 中 小】 打印本页 关闭窗口</div>
<div class="related"><h3>相关阅读</h3><ul>{related}</ul></div>
<div class="footer"><p>版权所有 © 2026 公益测试网 京ICP备12345678号 京公网安备11010502030000号</p>
<p>地址：北京市东城区测试路1号 邮编：100010 电话：010-12345678 传真：010-12345679</p>
<p>{filler}</p></div></body></html>"""


def _article_html(number: int, title: str, paragraphs: list[str], related: list[str], nav: str,
                  filler: str, day: int) -> str:
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    related_links = "".join(f'<li><a href="{r}">相关报道 {r.rsplit("/", 1)[-1]}</a></li>' for r in related)
    return (
        _CHROME_TOP.format(title=html.escape(title), nav=nav)
        + f'<div class="article"><h1>{html.escape(title)}</h1>'
        + f'<div class="info">发布时间：2026年{1 + day // 28}月{1 + day % 28}日 10:{number % 60:02d}'
        + f"　来源：公益测试网　作者：记者{number % 97}号</div>{body}"
        + f"<p>（责任编辑：编辑{number % 13}）</p></div>"
        + _CHROME_BOTTOM.format(related=related_links, filler=filler)
    )


def generate_site(root: Path, pages: int, texts: Iterable[str], *, per_list: int = 50,
                  page_kb: tuple[int, int] = (4, 12), seed: int = 7) -> GeneratedSite:
    """Write `pages` article pages under root/news/, list pages under root/list/,
    plus index.html, rss.xml (the newest 100) and sitemap.xml. `page_kb` bounds the
    size of each page (article text plus the page's chrome)."""
    rng = random.Random(seed)
    pool = sentence_pool(texts)
    if len(pool) < 50:
        raise ValueError("not enough sentences to build distinct articles")
    (root / "news").mkdir(parents=True, exist_ok=True)
    (root / "list").mkdir(parents=True, exist_ok=True)
    nav = " | ".join(f'<a href="/list/index_{i}.html">栏目{i}</a>' for i in range(2, 12))
    article_paths = [f"/news/{100000 + n}.html" for n in range(pages)]
    for n, path in enumerate(article_paths):
        target = rng.randint(*page_kb) * 1024
        paragraphs: list[str] = []
        size = 3000
        while size < target * 0.6 or len(paragraphs) < 3:
            paragraph = "".join(rng.sample(pool, k=rng.randint(2, 5)))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8")) + 7
        title = paragraphs[0][:24].rstrip("，。、；：") + f"（{n}）"
        filler_size = max(0, target - size)
        filler = "友情链接：" + "　".join(f"合作网站{i}" for i in range(filler_size // 40))
        related = rng.sample(article_paths, k=3)
        (root / path.lstrip("/")).write_text(
            _article_html(n, title, paragraphs, related, nav, filler, n % 300), encoding="utf-8")
    list_paths = []
    chunks = [article_paths[i:i + per_list] for i in range(0, len(article_paths), per_list)]
    for index, chunk in enumerate(chunks):
        name = "index.html" if index == 0 else f"index_{index + 1}.html"
        list_paths.append(f"/list/{name}")
        links = "".join(f'<li><a href="{p}">文章 {p.rsplit("/", 1)[-1]}</a></li>' for p in chunk)
        pager = " ".join(
            f'<a href="/list/{"index.html" if i == 0 else f"index_{i + 1}.html"}">{i + 1}</a>'
            for i in range(len(chunks))
        )
        (root / "list" / name).write_text(
            f"<html><head><meta charset='utf-8'><title>公益要闻</title></head><body>"
            f"<ul>{links}</ul><div class='pager'>{pager}</div></body></html>", encoding="utf-8")
    (root / "index.html").write_text(
        "<html><head><meta charset='utf-8'><title>公益测试网</title>"
        "<link rel='alternate' type='application/rss+xml' href='/rss.xml'></head><body>"
        "<a href='/list/index.html'>公益要闻</a></body></html>", encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    return GeneratedSite(root, article_paths, list_paths)


def write_feed_and_sitemap(site: GeneratedSite, base_url: str) -> None:
    """Feed and sitemap need absolute URLs, known once the server has its port."""
    items = "".join(
        f"<item><title>文章 {p}</title><link>{base_url}{p}</link></item>"
        for p in site.article_paths[:100]
    )
    (site.root / "rss.xml").write_text(
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>公益测试网</title>'
        f"<link>{base_url}/</link>{items}</channel></rss>", encoding="utf-8")
    urls = "".join(f"<url><loc>{base_url}{p}</loc></url>" for p in site.article_paths)
    (site.root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', encoding="utf-8")
