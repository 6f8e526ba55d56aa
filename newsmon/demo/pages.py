"""HTML for the demo site: article and list pages with the chrome real Chinese news sites carry.

The noise is deliberate (nav bars, breadcrumbs, 分享到/扫一扫, 【字号 大 中 小】, 责任编辑,
相关阅读 lists, ICP/公网安备 footers): it is what newsmon's extraction must see through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from newsmon.demo.seeds import Story


@dataclass(frozen=True)
class Chrome:
    """What one site wraps around every page."""

    site_name: str
    title_suffix: str
    nav: list[tuple[str, str]]
    footer: list[str]
    home_label: str = "首页"
    crumb_label: str = "当前位置："
    share: str = "分享到：微信 微博 QQ空间 扫一扫，手机阅读更方便"
    font_size: str = "【字号 <a href=\"javascript:;\">大</a> <a href=\"javascript:;\">中</a> " \
                     "<a href=\"javascript:;\">小</a>】【<a href=\"javascript:window.print()\">打印</a>】"
    editor_label: str = "责任编辑："
    related_label: str = "相关阅读"
    source_label: str = "来源："
    traditional: bool = False  # a Traditional-script site: its chrome is converted too

    def text(self, html: str) -> str:
        if not self.traditional:
            return html
        import opencc

        return str(opencc.OpenCC("s2tw").convert(html))


def date_line(published: datetime, style: str) -> str:
    if style == "cn":
        return f"发布时间：{published.year}年{published.month}月{published.day}日 {published:%H:%M}"
    if style == "slash":
        return f"时间：{published:%Y/%m/%d %H:%M}"
    return f"{published:%Y-%m-%d %H:%M}"


def head(title: str, charset_meta: str | None, extra: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">\n' if charset_meta else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
        f"{meta}<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/static/style.css">\n'
        f"{extra}"
        "<script>var _hmt = _hmt || []; /* stats */</script>\n</head>\n"
    )


def top(chrome: Chrome, today: datetime) -> str:
    weekday = "一二三四五六日"[today.weekday()]
    nav = " | ".join(f'<a href="{href}">{escape(label)}</a>' for label, href in chrome.nav)
    return chrome.text(
        f'<body>\n<div class="topbar">今天是{today.year}年{today.month}月{today.day}日 星期{weekday}'
        ' <a href="javascript:;">设为首页</a> <a href="javascript:;">加入收藏</a>'
        ' <a href="javascript:;">登录</a> <a href="javascript:;">注册</a></div>\n'
        f'<div class="header"><a href="/" class="logo">{escape(chrome.site_name)}</a>'
        '<form class="search" action="javascript:;"><input name="q" placeholder="请输入关键字">'
        '<button>搜索</button></form></div>\n'
        f'<div class="nav">{nav}</div>\n'
    )


def bottom(chrome: Chrome) -> str:
    lines = "\n".join(f"<p>{line}</p>" for line in chrome.footer)
    return chrome.text(
        '<div class="footer">\n<p><a href="javascript:;">关于我们</a> | <a href="javascript:;">联系我们</a>'
        ' | <a href="javascript:;">广告服务</a> | <a href="javascript:;">网站地图</a>'
        f' | <a href="javascript:;">法律声明</a></p>\n{lines}\n</div>\n</body>\n</html>\n'
    )


@dataclass(frozen=True)
class ArticlePage:
    story: Story
    path: str
    section: tuple[str, str]  # (label, list page href)
    published: datetime
    date_style: str = "cn"
    source_name: str = ""
    editor: str = ""
    charset_meta: str | None = "utf-8"
    keywords: str = ""


def article_html(page: ArticlePage, chrome: Chrome, related: list[tuple[str, str]]) -> str:
    story = page.story
    body: list[str] = [f"<p class=\"note\">{escape(line)}</p>" for line in story.before]
    if story.caption:
        body.append(f'<p class="pic"><img src="/static/photo.jpg" alt=""><br>'
                    f'<span class="caption">{escape(story.caption)}</span></p>')
    for paragraph in story.paragraphs:
        if paragraph in story.subheads:
            body.append(f"<p><strong>{escape(paragraph)}</strong></p>")
        else:
            body.append(f"<p>　　{escape(paragraph)}</p>")
    body.extend(f"<p class=\"after\">{escape(line)}</p>" for line in story.after)
    meta_parts = [date_line(page.published, page.date_style)]
    if page.source_name:
        meta_parts.append(f"{chrome.source_label}{escape(page.source_name)}")
    if story.author:
        meta_parts.append(chrome.text("作者：") + escape(story.author))
    kicker = f'<h3 class="kicker">{escape(story.kicker)}</h3>\n' if story.kicker else ""
    related_items = "\n".join(f'<li><a href="{href}">{escape(title)}</a></li>' for title, href in related)
    description = escape("".join(story.paragraphs)[:80])
    extra = (f'<meta name="keywords" content="{escape(page.keywords)}">\n'
             f'<meta name="description" content="{description}">\n')
    return (
        head(f"{story.title}{chrome.title_suffix}", page.charset_meta, extra)
        + top(chrome, page.published)
        + f'<div class="crumb">{chrome.crumb_label}<a href="/">{chrome.home_label}</a> &gt; '
        f'<a href="{page.section[1]}">{escape(page.section[0])}</a> &gt; {chrome.text("正文")}</div>\n'
        + '<div class="main"><div class="article">\n'
        + kicker
        + f"<h1>{escape(story.title)}</h1>\n"
        + f'<div class="info">{"　".join(meta_parts)}　{chrome.text(chrome.font_size)}</div>\n'
        + '<div class="content" id="zoom">\n' + "\n".join(body) + "\n</div>\n"
        + (f'<div class="editor">{chrome.editor_label}{escape(page.editor)}</div>\n' if page.editor else "")
        + f'<div class="share">{chrome.text(chrome.share)}</div>\n</div>\n'
        + f'<div class="related"><h3>{chrome.related_label}</h3><ul>\n{related_items}\n</ul></div>\n'
        + '</div>\n'
        + bottom(chrome)
    )


def list_html(chrome: Chrome, title: str, heading: str, items: list[ArticlePage],
              pages: list[str], current: int, today: datetime, extra_head: str = "") -> str:
    rows = "\n".join(
        f'<li><a href="{p.path}" target="_blank">{escape(p.story.title)}</a>'
        f'<span class="date">{p.published:%Y-%m-%d}</span></li>' for p in items
    )
    pager = []
    if current > 0:
        pager.append(f'<a href="{pages[0]}">首页</a> <a href="{pages[current - 1]}">上一页</a>')
    pager.extend(
        f"<span>{n + 1}</span>" if n == current else f'<a href="{href}">{n + 1}</a>'
        for n, href in enumerate(pages)
    )
    if current < len(pages) - 1:
        pager.append(f'<a href="{pages[current + 1]}">下一页</a> <a href="{pages[-1]}">尾页</a>')
    return (
        head(title, "utf-8", extra_head) + top(chrome, today)
        + f'<div class="crumb">{chrome.crumb_label}<a href="/">{chrome.home_label}</a> &gt; '
        f'{escape(heading)}</div>\n'
        + f'<div class="main"><h2>{escape(heading)}</h2>\n<ul class="list">\n{rows}\n</ul>\n'
        + f'<div class="pager">{chrome.text(" ".join(pager))}</div></div>\n'
        + bottom(chrome)
    )


STYLE_CSS = """body{font:15px/1.8 "PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:960px;color:#333}
.topbar{font-size:12px;color:#888;border-bottom:1px solid #eee}.topbar a{margin-left:8px;color:#888}
.header{display:flex;justify-content:space-between;align-items:center;padding:12px 0}
.logo{font-size:28px;font-weight:bold;color:#c00;text-decoration:none}
.nav{background:#c00;padding:6px 10px}.nav a{color:#fff;text-decoration:none}
.crumb{font-size:13px;color:#666;margin:8px 0}.info,.editor,.share{font-size:13px;color:#888}
.kicker{color:#666;margin:0}.content p{margin:0 0 1em}.caption{font-size:13px;color:#666}
.list li{display:flex;justify-content:space-between}.date{color:#999}.pager a,.pager span{margin:0 4px}
.footer{border-top:2px solid #c00;margin-top:30px;font-size:12px;color:#888;text-align:center}
"""
