"""The demo's document-sharing site: seed 004 as an HTML reading page and as a .docx file."""

from __future__ import annotations

from datetime import datetime
from html import escape
from pathlib import Path

DOC_NUMBER = 15263748
UPLOADED = datetime(2021, 11, 12, 9, 26)

FOOTER = (
    '<div class="footer"><p>冰豆网 文档分享平台　<a href="javascript:;">关于我们</a> | '
    '<a href="javascript:;">联系我们</a> | <a href="javascript:;">侵权投诉</a></p>'
    "<p>本站为文档C2C交易模式，即用户上传的文档直接被用户下载，本站只是中间服务平台，"
    "本站所有文档下载所得的收益归上传人所有。</p>"
    "<p>copyright@ 2008-2023 冰豆网网站版权所有（newsmon 离线演示）　经营许可证编号：鄂ICP备00000000号-1</p>"
    "</div>\n</body>\n</html>\n"
)


def _head(title: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{escape(title)}</title>\n"
            '<link rel="stylesheet" href="/static/style.css">\n</head>\n<body>\n'
            '<div class="header"><a href="/" class="logo">冰豆网</a>'
            '<span>海量文档 在线阅读 <a href="javascript:;">登录</a> <a href="javascript:;">注册</a>'
            ' <a href="javascript:;">上传文档</a></span></div>\n'
            '<div class="nav"><a href="/">首页</a> | <a href="/">行业资料</a> | <a href="/">党团工作</a>'
            ' | <a href="/">总结汇报</a></div>\n')


def reading_page(filename: str, banner: str, lines: list[str], docx_href: str) -> str:
    title = filename.removesuffix(".docx")
    body = "\n".join(f"<p>{escape(line)}</p>" for line in lines)
    return (
        _head(f"{filename}-冰豆网")
        + f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; 行业资料 &gt; {escape(title)}</div>\n'
        + f'<div class="main"><h1>{escape(filename)}</h1>\n'
        + f'<div class="info">上传时间：{UPLOADED:%Y-%m-%d}　页数：14　大小：35.2KB　'
        + f'<a href="{docx_href}">下载</a>　<a href="javascript:;">收藏</a>　<a href="javascript:;">举报</a></div>\n'
        + f'<div class="banner">{escape(banner)}</div>\n'
        + f'<div class="content">\n{body}\n</div>\n'
        + '<div class="share">亲，该文档总共14页，到这儿已超出免费预览范围，如果喜欢就下载吧！</div>\n'
        + '<div class="related"><h3>相关资源</h3><ul><li><a href="/">生态文明宣传教育工作方案</a></li>'
        + '<li><a href="/">公民生态环境行为规范（试行）解读</a></li></ul></div></div>\n'
        + FOOTER
    )


def write_docx(path: Path, lines: list[str]) -> None:
    import docx

    document = docx.Document()
    document.core_properties.created = UPLOADED
    document.core_properties.modified = UPLOADED
    document.core_properties.title = lines[0]
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        level = 2 if line[:2] in ("一、", "二、", "三、", "四、") else None
        if level:
            document.add_heading(line, level=level)
        else:
            document.add_paragraph(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def write_docs_site(root: Path, filename: str, banner: str, lines: list[str]) -> int:
    """Write the share site; returns the number of article-like pages (HTML + document)."""
    page = f"/docx/{DOC_NUMBER}.html"
    docx_href = f"/file/{DOC_NUMBER}.docx"
    root.mkdir(parents=True, exist_ok=True)
    (root / page.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (root / page.lstrip("/")).write_text(reading_page(filename, banner, lines, docx_href),
                                         encoding="utf-8")
    write_docx(root / docx_href.lstrip("/"), lines)
    listing = (
        _head("冰豆网 - 海量文档在线阅读")
        + '<div class="main"><h2>最新上传</h2><ul class="list">'
        + f'<li><a href="{page}">{escape(filename)}</a><span class="date">{UPLOADED:%Y-%m-%d}</span></li>'
        + f'<li><a href="{docx_href}">[下载] {escape(filename)}</a></li>'
        + "</ul></div>\n" + FOOTER
    )
    (root / "index.html").write_text(listing, encoding="utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /user/\n", encoding="utf-8")
    return 2
