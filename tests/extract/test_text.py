"""Cleaning steps and metadata parsers: properties over many inputs, plus the issue's examples."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.extract.author import find_author
from crawler.extract.metadata import (
    choose_title,
    clean_title,
    closing_date,
    find_origin,
    find_publish_time,
)
from crawler.extract.text import (
    nfkc,
    normalize_for_matching,
    normalize_whitespace,
    normalize_width,
    reflow,
    repair_pinyin,
)

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
chinese = st.text(alphabet=st.one_of(han, st.sampled_from("，。！？；：（）“”、 \n")), max_size=200)
anything = st.text(max_size=200)


@settings(max_examples=500)
@given(st.text(max_size=60) | st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)), max_size=60))
@example("ｶﾞ：区qu\u0304域，ㄱㅏ\u1100\u1161\u11a8")
def test_cached_nfkc_is_unicode_nfkc(text: str) -> None:
    import unicodedata

    assert nfkc(text) == unicodedata.normalize("NFKC", text)


@settings(max_examples=200)
@given(anything)
def test_width_keeps_chinese_punctuation_and_is_idempotent(text: str) -> None:
    once = normalize_width(text)
    assert normalize_width(once) == once
    for mark in "，：；！？（）":
        assert once.count(mark) == text.count(mark)


@settings(max_examples=200)
@given(anything)
def test_whitespace_normalisation_is_idempotent_and_keeps_words(text: str) -> None:
    once = normalize_whitespace(text)
    assert normalize_whitespace(once) == once
    assert "".join(once.split()) == "".join(normalize_whitespace("".join(text.split())).split())


@settings(max_examples=200)
@given(chinese)
def test_reflow_keeps_every_character(text: str) -> None:
    assert "".join(reflow(text).split()) == "".join(text.split())


@settings(max_examples=200)
@given(chinese)
def test_pinyin_repair_leaves_text_without_artefacts_alone(text: str) -> None:
    assert repair_pinyin(text) == text


def test_pinyin_repair_needs_repetition() -> None:
    damaged = "長三角區(qū)域生態(tài)環(huán)境保護協(xié)作"
    assert repair_pinyin(damaged) == "長三角區域生態環境保護協作"
    genuine = "深圳的“圳”读作圳(zhèn)，意为田边水沟。"
    assert repair_pinyin(genuine) == genuine


def test_reflow_joins_column_lines_without_spaces() -> None:
    column = "《倡议书》指出，社会组织\n\n是我国生态文明建设和绿色\n\n发展的一支重要力量，要结合\n\n" \
             "自身实际和职责，不折不扣落\n\n实好党中央决策部署要求。\n\n广大社会组织要加强科\n\n技支撑。"
    assert reflow(column) == ("《倡议书》指出，社会组织是我国生态文明建设和绿色发展的一支重要力量，"
                              "要结合自身实际和职责，不折不扣落实好党中央决策部署要求。\n广大社会组织要加强科技支撑。")


def test_traditional_and_simplified_normalise_alike() -> None:
    assert normalize_for_matching("長三角區域生態環境") == normalize_for_matching("长三角区域生态环境")


def test_publish_time_chinese_formats() -> None:
    page = "首页 新闻\n发布时间：2024年4月25日 10:00\n正文开始"
    got = find_publish_time(page, page.index("正文"), "Asia/Shanghai")
    assert got == datetime(2024, 4, 25, 2, 0, tzinfo=UTC)
    page = "标题\n8月 2日，京津冀新视听公共服务志愿行动启动。"
    got = find_publish_time(page, 3, "Asia/Shanghai", "https://example.org/2024/08/03/a.html")
    assert got is not None and (got.year, got.month) == (2024, 8)


def test_bylines() -> None:
    assert find_author("", "本报讯（记者 赵莹莹）“伊爱基金”公益项目……", None) == "赵莹莹"
    assert find_author("■ 本报记者 高文兴\n", "正文。", None) == "高文兴"
    assert find_author("", "正文第一段。\n……谱写新篇章。 （皮磊）", None) == "皮磊"
    assert find_author("作者：宋怡 杨志华 来源：21世纪经济报道", "正文。", None) == "宋怡 杨志华"


def test_origin_and_title() -> None:
    assert find_origin("2005-04-27 14:32 来源：千龙新闻网 | 发表评论") == "千龙新闻网"
    assert clean_title("京津冀协同发展 社会组织如何深入参与_公益时报") == "京津冀协同发展 社会组织如何深入参与"
    assert clean_title("乡村振兴豫善同行活动启动-新浪公益") == "乡村振兴豫善同行活动启动"
    assert clean_title("外国专家：中美合作共赢符合国际社会利益") == "外国专家：中美合作共赢符合国际社会利益"


def test_damaged_pinyin_is_repaired_once_the_pattern_repeats() -> None:
    damaged = "如涉及作品內(nèi)容、版權(quán)等其它問(wèn)題,請(qǐng)?jiān)?0日內(nèi)同本網(wǎng)聯(lián)系"
    assert repair_pinyin(damaged) == "如涉及作品內容、版權等其它問題,請??0日內同本網聯系"
    assert repair_pinyin("問(w?n)題、區(q?)域、協(xi?)作") == "問題、區域、協作"
    # a lone `?pinyin)` without the page-wide pattern is left as written
    assert repair_pinyin("他問?jiān)?這是什麼") == "他問?jiān)?這是什麼"


def test_reflow_ends_paragraphs_at_sentences_not_at_brackets() -> None:
    column = ("8月 2日，字节跳动公益联合国家图书馆（国家古籍保护中心）\n发起的“识典杯·古籍内容创意季”\n"
              "正式启动。\n据悉，多家图书馆将参与\n联合主办，参赛者可\n通过平台报名。")
    assert reflow(column) == ("8月 2日，字节跳动公益联合国家图书馆（国家古籍保护中心）发起的“识典杯·古籍内容创意季”"
                              "正式启动。\n据悉，多家图书馆将参与联合主办，参赛者可通过平台报名。")


def test_publish_time_labels_issues_and_signatures() -> None:
    tz = "Asia/Shanghai"
    page = "法国报纸摘要\n发表时间： 06/02/2022 - 13:48\n各位好，我是安东尼。"
    assert find_publish_time(page, page.index("各位"), tz) == datetime(2022, 2, 6, 5, 48, tzinfo=UTC)
    # a profile's 出生日期 is not a publish date; the maintenance note before the text is
    page = "此条目需要补充更多来源。 (2020年4月17日)\n金锺国\n出道日期 1995年9月1日"
    got = find_publish_time(page, page.index("金锺国"), tz)
    assert got is not None and (got.year, got.month) == (2020, 4)
    page = "活动\n报名时间：2024年5月1日\n新闻发布时间：2024年4月25日 10:00\n正文开始"
    assert find_publish_time(page, page.index("正文"), tz) == datetime(2024, 4, 25, 2, tzinfo=UTC)
    page = "犬儒病(上)\n人心不会熄灭。\n——《北京之春》1998年3月号"
    # dated to the issue's month: 1 March 1998, Beijing time
    assert find_publish_time(page, 0, tz, None, len(page)) == datetime(1998, 2, 28, 16, tzinfo=UTC)
    assert closing_date("特此通告。\n吉林省人民政府\n2022年1月27日", tz) == datetime(2022, 1, 26, 16, tzinfo=UTC)
    assert closing_date("正文写于2022年1月27日。", tz) is None


def test_title_loses_every_site_suffix_part() -> None:
    assert clean_title("5月LPR按兵不动_经济_宏观频道首页_财经网 - CAIJING.COM.CN") == "5月LPR按兵不动"
    assert clean_title("金锺国 - 维基百科，自由的百科全书") == "金锺国"
    assert clean_title("脂溢性脱发：爱出油快秃顶？-报社新闻-查报纸网") == "脂溢性脱发：爱出油快秃顶？"
    long_tail = "两会观察 - 代表委员热议如何让养老服务真正走进千家万户的社区"
    assert clean_title(long_tail) == long_tail


def test_title_is_the_heading_the_document_title_is_built_from() -> None:
    qq = ["全新首页 焕新登场", "经济日报评论员：再驳“中国新能源产能过剩论”"]
    assert choose_title("全新首页 焕新登场", "经济日报评论员：再驳“中国新能源产能过剩论”_腾讯新闻", qq) == qq[1]
    # the site's logo heading is in <title> too, but the story's heading is the longer fit
    logo = ["松花江网", "土豆不“土” 土豆无“土”"]
    assert choose_title("松花江网", "土豆不“土” 土豆无“土” 松花江网", logo) == "土豆不“土” 土豆无“土”"
    # og:title put the programme first; <title> and the h1 agree on the story
    rfi = ["马克龙星期一在莫斯科与普京会面"]
    assert choose_title("法国报纸摘要 - 马克龙星期一在莫斯科与普京会面",
                        "马克龙星期一在莫斯科与普京会面 - 法国报纸摘要", rfi) == rfi[0]
    # a title whose own words contain a separator keeps them when the page's heading does
    moon = ["两万字长文 | 月亮的100个故事 (多图)"]
    assert choose_title(None, "两万字长文 | 月亮的100个故事 (多图)", moon) == moon[0]
    # a heading with a button label glued on confirms the cleaned <title>
    glued = ["美官员否认伊朗直升机事故存在谋杀行为播报文章"]
    assert choose_title(None, "美官员否认伊朗直升机事故存在谋杀行为_【快资讯】", glued) == "美官员否认伊朗直升机事故存在谋杀行为"
    assert choose_title("京津冀协同发展_公益时报", None, []) == "京津冀协同发展"


def test_title_edge_cases() -> None:
    assert clean_title("多维博客 » 播客热潮迅速蔓延 挑逗传统传媒业") == "播客热潮迅速蔓延 挑逗传统传媒业"
    assert clean_title("再就业研究(页 1) - 学术前沿 - 社会学论坛 - powered by Discuz! Archiver") == "再就业研究(页 1)"
    assert clean_title("-铜雀历史网") is None
    assert choose_title(None, "-铜雀历史网", ["疫情一刀切政策怎么投诉举报"]) is None
    assert choose_title("疫情一刀切政策怎么投诉举报", "-铜雀历史网", []) == "疫情一刀切政策怎么投诉举报"
    assert clean_title("2>1 的秘密") == "2>1 的秘密"


def test_the_date_label_nearest_above_the_text_wins() -> None:
    page = ("热门文章 发布时间：2024年1月1日\n" + "导航 " * 50 + "\n发布时间：2024年4月25日 10:00\n正文开始。"
            "\n网友评论 发表于 2024年5月1日 12:00")
    got = find_publish_time(page, page.index("正文"), "Asia/Shanghai")
    assert got == datetime(2024, 4, 25, 2, tzinfo=UTC)


def test_title_of_a_mirror_page_loses_its_pinyin_artefacts_too() -> None:
    from crawler.extract import extract_article

    body = "".join(
        f"<p>長三角區(qū)域生態(tài)環境宣教聯(lián)盟第{i}次會議在上海舉行，多家社會組織參加。</p>" for i in range(6)
    )
    page = (f"<html><head><title>長三角區(qū)域生態(tài)環境宣教聯(lián)盟成立</title></head>"
            f"<body><h1>長三角區(qū)域生態(tài)環境宣教聯(lián)盟成立</h1><div>{body}</div></body></html>")
    extraction = extract_article(page.encode("utf-8"), "http://mirror.example/a/1.html")
    assert extraction.title == "長三角區域生態環境宣教聯盟成立"
    assert "(qū)" not in extraction.text


def test_a_title_with_genuine_pinyin_keeps_it() -> None:
    from crawler.extract import extract_article

    body = "".join(f"<p>第{i}段：公益组织在社区开展助老服务，志愿者上门陪伴独居老人。</p>" for i in range(6))
    page = (f"<html><head><title>“囧(jiǒng)”字走红</title></head>"
            f"<body><h1>“囧(jiǒng)”字走红</h1><div>{body}</div></body></html>")
    assert extract_article(page.encode("utf-8"), "http://x.example/a/2.html").title == "“囧(jiǒng)”字走红"
