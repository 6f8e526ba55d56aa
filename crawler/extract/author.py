"""Who wrote the article: bylines, forum/blog posters, meta tags, signatures, editors.

Chinese pages name the author in many ways and rarely in a meta tag: `作者：宋怡 杨志华`,
`本报讯（记者 赵莹莹）`, `本报记者罗科苏盈发自北京`, a bare `胡平` line under the title,
`（皮磊）` closing the text, `本贴由大卫于2005年8月12日…`, `ggjjzhzz 发表于 2005-9-15`, a
link to the poster's profile. The finder collects candidates from the strongest signal to
the weakest and returns the first; every pattern is general, none names a site.
Pure functions over strings, except :func:`structural_author` which reads an lxml tree.
"""

from __future__ import annotations

import re

from lxml import etree

from crawler.extract.metadata import meta_tags

# Common Chinese surnames (single and compound): an unlabelled line is read as a name
# only when it starts with one, so a two-character subheading (`前言`, `背景`) is not.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶"
    "黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷"
    "詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛"
    "靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费"
    "卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘"
    "池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区"
    "郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙"
    "浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅"
    "利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
                     "司徒", "夏侯", "长孙", "宇文", "端木", "澹台", "轩辕", "呼延", "南宫")

_NAME = r"[\u4e00-\u9fff·]{2,4}"
_NAMES = rf"{_NAME}(?:[ 、，,\u3000]{{1,2}}{_NAME}){{0,5}}"
# reporter bylines: 记者 赵莹莹 / 本报记者罗科苏盈发自北京 / 记者马俊峰/文 / 实习生 刘国栋 周炜
REPORTER = re.compile(
    rf"(?<![小的名和与跟向对])(?:记者|通讯员|实习生|特约撰稿人?)[ \u3000:：]*({_NAMES})"
    r"(?=[ \u3000]*(?:$|[)）】\]]|发自|报道|摄|采写|[/／]\s*[文图摄])|\s+[|丨]| {2}|\s+\S{2,6}[:：])",
    re.M,
)
# an explicit label; the value runs to the end of the line or the next label
LABELLED = re.compile(
    r"(?:^|[\s【\[（(|丨])(?:作者|原作者|撰文|撰稿|执笔|文|楼主|发帖人|发表者|博主|作\s*者)"
    r"\s*(?:[:：]|[/／丨|](?!\d))\s*([^\n]{1,40})",
    re.M,
)
_VALUE_END = re.compile(
    r"\s{2,}|[|丨【\[（]|\s*(?:来源|來源|出处|时间|日期|发布|发表|更新|编辑|责任编辑|点击|浏览|阅读|字号|"
    r"评论|摄影|图|译)\s*[:：]|\s*\d{4}\s*[-年/.]\s*\d|[，。；;！？]"
)
# forum and blog posters: 本贴由大卫于2005年… / ggjjzhzz 发表于 2005-9-15 / 太小心 2008-01-02 发表 /
# 2008-01-02 太小心 发表
POSTER = (
    re.compile(r"本[贴帖]由\s*([^\s于]{1,20}?)\s*于\s*\d"),
    re.compile(r"(?:^|\s)([^\s:：]{2,20})\s+发表于\s*[:：]?\s*\d{2,4}[-年/.]", re.M),
    re.compile(r"(?:^|\s)([^\s:：\d]{2,20})\s+(?:于\s*)?\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?"
               r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*发表", re.M),
    re.compile(r"\d{4}[-年/.]\d{1,2}[-月/.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s+"
               r"([^\s:：\d]{2,20})\s*发表(?!于)"),
)
# `（皮磊）`, `（姚峰 上海报道）`, `（总台记者 张倩）` closing the text
TRAILING = re.compile(
    rf"[（(]\s*(?:\S{{0,6}}?(?:记者|通讯员))?\s*({_NAME}(?:[ 、]{_NAME}){{0,2}})"
    r"(?:\s+\S{2,6}报道)?\s*[)）]\s*$"
)
# a notice signed by the body that issued it: `吉林省人民政府` over `2022年1月27日`
SIGNATURE_ORG = re.compile(
    r"^[\u4e00-\u9fff（）()]{3,24}(?:人民政府|委员会|办公厅|办公室|政府|厅|局|部|协会|学会|基金会|联合会|"
    r"促进会|研究会|中心|研究院)$"
)
_DATE_LINE = re.compile(r"^\d{4}\s*[年\-/.]\s*\d{1,2}\s*[月\-/.]\s*\d{1,2}\s*日?$")
EDITOR = re.compile(rf"(?:责任编辑|责编|编辑)\s*[:：]\s*({_NAME}(?:[ 、]{_NAME}){{0,2}})(?![\u4e00-\u9fff])")
_NOT_NAMES = frozenset({
    "来源", "记者", "编辑", "责任编辑", "资料图", "资料图片", "图片", "完", "本报", "通讯员", "未完待续",
    "佚名", "未知", "匿名", "admin", "administrator", "管理员", "网友", "游客", "本站", "小编", "原创",
})
# meta authors written by site software or naming the site itself, not a person
_GENERATOR = re.compile(r"https?://|www\.|\.(?:com|cn|net|org)\b|\bteam\b|discuz|phpwind|dedecms|wordpress|"
                        r"powered|(?:网|网站|报|社|台|频道|新闻|在线|传媒|集团|公司|出版社|杂志|编辑部|媒体)$", re.I)
# person-specific keys first: a bare `author` often names the publisher on journal sites
META_AUTHOR_NAMES = ("citation_author", "citation_authors", "dc.creator", "dc.creator.author",
                     "article:author", "og:article:author", "byl", "author", "twitter:creator")
_AUTHOR_CLASS = re.compile(r"author|byline|writer|user-?name|poster", re.I)
_AUTHOR_HREF = re.compile(r"[?&](?:author|authorid)=|/(?:author|authors)/|%E4%BD%9C%E8%80%85|/作者/", re.I)
_NOT_AUTHOR_CLASS = re.compile(r"avatar|face|img|pic|photo|comment|reply|list|intro|desc|info-box", re.I)


def meta_author(html: str, tags: dict[str, str] | None = None) -> str | None:
    """The first person named by an author meta tag in the page's head."""
    tags = tags if tags is not None else meta_tags(html)
    for key in META_AUTHOR_NAMES:
        value = tags.get(key)
        if not value:
            continue
        first = re.split(r"[;；]|\s{3,}", value)[0].strip()
        if _plausible(first) and not _GENERATOR.search(value):
            return first
    return None


def _plausible(value: str) -> bool:
    flat = re.sub(r"\s+", "", value)
    return 2 <= len(flat) <= 30 and flat.lower() not in _NOT_NAMES and not re.search(r"[。！？，]", value)


# `（新华社）`, `（央视新闻）` close a text too, but name an agency, not a person
_AGENCY = re.compile(r"(?:报道|社|网|报|台|新闻|中心)$")


def _clean_names(raw: str) -> str | None:
    names = [n for n in re.split(r"[ 、，,\u3000]+", raw.strip())
             if n and n not in _NOT_NAMES and not _AGENCY.search(n)]
    return " ".join(names) or None


def _labelled(text: str) -> str | None:
    for m in LABELLED.finditer(text):
        value = _VALUE_END.split(m.group(1), maxsplit=1)[0].strip(" :：，,")
        if value and _plausible(value):
            return value
    return None


def _reporters(text: str) -> str | None:
    found: list[str] = []
    for m in REPORTER.finditer(text):
        for name in (_clean_names(m.group(1)) or "").split():
            if name not in found:
                found.append(name)
    return " ".join(found) or None


def _poster(text: str) -> str | None:
    for pattern in POSTER:
        if (m := pattern.search(text)) and _plausible(m.group(1)):
            return m.group(1)
    return None


def is_person_name(value: str) -> bool:
    """A common surname and a one- or two-character given name (compound surnames: 3-4)."""
    if value in _NOT_NAMES or not re.fullmatch(r"[\u4e00-\u9fff]{2,4}", value):
        return False
    if value[:2] in COMPOUND_SURNAMES:
        return len(value) >= 3
    return value[0] in SURNAMES and len(value) <= 3


def name_line(lines: list[str]) -> str | None:
    """An unlabelled line of names under the title (`胡平`, `赵延东、风笑天`)."""
    for line in lines:
        names = [n for n in re.split(r"[ 、，,\u3000]+", line.strip()) if n]
        if (1 <= len(names) <= 4 and all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", n) for n in names)
                and any(is_person_name(n) for n in names)):
            return line.strip()
    return None


def _above_prose(lines: list[str], title: str | None) -> list[str]:
    """The short lines heading the text, before its first sentence, other than the title."""
    found: list[str] = []
    for line in lines[:6]:
        if len(line) >= 30 or re.search(r"[。！？]", line):
            break
        if line != lines[0] and line != title:
            found.append(line)
    return found


def _signature(lines: list[str]) -> str | None:
    if len(lines) >= 2 and _DATE_LINE.match(lines[-1].strip()) and SIGNATURE_ORG.match(lines[-2].strip()):
        return lines[-2].strip()
    return None


def structural_author(root: etree._Element | None) -> str | None:
    """Text of the first element marked as an author (class/id) or linking to a profile."""
    if root is None:
        return None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        marks = f"{el.get('class', '')} {el.get('id', '')}"
        href = el.get("href", "") if el.tag == "a" else ""
        if not ((_AUTHOR_CLASS.search(marks) and not _NOT_AUTHOR_CLASS.search(marks))
                or (href and _AUTHOR_HREF.search(href))):
            continue
        text = re.sub(r"\s+", " ", el.text_content()).strip()
        value = _labelled(text) if re.search(r"[:：]", text) else text
        if value and _plausible(value) and len(value) <= 20:
            return value
    return None


def find_author(
    header_text: str,
    article_text: str,
    meta: str | None = None,
    *,
    trailer_text: str = "",
    opening_text: str = "",
    structural: str | None = None,
    title: str | None = None,
) -> str | None:
    """The article's author, strongest evidence first.

    `header_text` is the page text just before the article, `opening_text` the page text
    from the article's first line on (the byline under a title sits there even when the
    extractor skipped it), `trailer_text` the page text just after the article.
    Order: a labelled or reporter byline at the article's head, a forum/blog poster line,
    a `（name）` closing the text, the meta author, a labelled byline just after the text,
    a reporter line closing it, an element marked as the author, a bare name line under
    the title, an issuing body's signature, and last the editor (pages that credit no
    author credit their editor, and the ground truth follows them).
    """
    head = "\n".join((header_text[-400:], opening_text[:300], article_text[:300]))
    lines = [line for line in article_text.split("\n") if line.strip()]
    tail_lines = lines[-2:]
    tail = "\n".join(tail_lines)
    last = tail_lines[-1] if tail_lines else ""
    trailing = TRAILING.search(last)
    steps = (
        lambda: _labelled(head),
        lambda: _reporters(head),
        lambda: _poster(head + "\n" + trailer_text[:400]),
        lambda: _clean_names(trailing.group(1)) if trailing else None,
        lambda: meta,
        lambda: _labelled(trailer_text[:300]),
        lambda: _reporters(tail),
        lambda: structural,
        lambda: name_line(_above_prose(lines, title)),
        lambda: _signature(lines),
        lambda: _editor(header_text[-400:] + "\n" + tail + "\n" + trailer_text[:400]),
    )
    for step in steps:
        if value := step():
            return value
    return None


def _editor(text: str) -> str | None:
    if m := EDITOR.search(text):
        return _clean_names(m.group(1))
    return None
