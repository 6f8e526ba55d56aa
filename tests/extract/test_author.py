"""Author finding: every way a Chinese page names its author, and what is not an author."""

from __future__ import annotations

from lxml import html

from crawler.extract.author import find_author, meta_author, structural_author


def test_labelled_and_reporter_bylines() -> None:
    assert find_author("作者：宋怡 杨志华 来源：21世纪经济报道", "正文。") == "宋怡 杨志华"
    assert find_author("作者： 放飞&心情\n振威将军", "正文。") == "放飞&心情"
    assert find_author("作者： 周思博 (Joel Spolsky)\n译： Chen Bin", "正文。") == "周思博 (Joel Spolsky)"
    assert find_author("", "本报讯（记者 赵莹莹）“伊爱基金”公益项目……") == "赵莹莹"
    assert find_author("■ 本报记者 高文兴\n", "正文。") == "高文兴"
    assert find_author("", "本报记者罗科苏盈发自北京\n23日下午，论坛举行。") == "罗科苏盈"
    assert find_author("", "顶端新闻·河南商报记者马俊峰/文受访者供图\n正文。") == "马俊峰"
    assert find_author("", "本报实习生 刘国栋 周炜\n本报记者 王燕平\n正文。") == "刘国栋 周炜 王燕平"
    assert find_author("", "新华网黑龙江频道 记者 伊琳 李清芬 个人简介：\n正文。") == "伊琳 李清芬"


def test_forum_and_blog_posters() -> None:
    assert find_author("", "正文。", trailer_text="本贴由大卫于2005年8月12日16:12:21在〖论坛〗发表") == "大卫"
    assert find_author("[湖湘文化]陈天华《警世钟》\nggjjzhzz 发表于 2005-9-15 11:46:00", "正文。") == "ggjjzhzz"


def test_closing_bylines_and_signatures() -> None:
    assert find_author("", "正文第一段。\n……谱写新篇章。 （皮磊）") == "皮磊"
    assert find_author("", "正文。\n说法没有道理。（姚峰 上海报道）") == "姚峰"
    assert find_author("", "正文。\n作出突出贡献。（总台记者 张倩）") == "张倩"
    assert find_author("", "正文。\n记者 刘涛") == "刘涛"
    assert find_author("", "现就有关事项通告如下。\n特此通告。\n吉林省人民政府\n2022年1月27日") == "吉林省人民政府"


def test_name_line_under_the_title() -> None:
    assert find_author("", "犬儒病(上)\n胡平\n——当代中国的精神危机\n人心不会熄灭，但它可能蒙上灰烬。") == "胡平"
    assert find_author("", "社会资本与再就业\n赵延东、风笑天\n近年来，下岗职工问题引人注目。") == "赵延东、风笑天"


def test_meta_and_marked_elements() -> None:
    page = '<html><head><meta data-vue-meta="true" name="author" content="魑皇"></head><body></body></html>'
    assert meta_author(page) == "魑皇"
    assert meta_author('<head><meta name="author" content="Discuz! Team and Comsenz UI Team"></head>') is None
    assert find_author("", "正文。", "李楠") == "李楠"
    tree = html.fromstring('<div><a href="/blog/?author=102" title="[太小心]的博客">太小心</a><p>正文</p></div>')
    assert structural_author(tree) == "太小心"
    assert find_author("", "正文。", structural="太小心") == "太小心"


def test_editor_when_nothing_else_names_the_author() -> None:
    assert find_author("", "正文。", trailer_text="来源：巴彦淖尔日报 编辑：苏亮\n扫一扫") == "苏亮"
    # a labelled author wins over the editor, even when it comes after the text
    assert find_author("", "正文。", trailer_text="编辑：\n金金\n来源：\n21世纪经济报道\n作者：宋怡 杨志华") == "宋怡 杨志华"


def test_no_author_where_the_words_only_look_like_one() -> None:
    assert find_author("", "记者了解到，八月中旬活动将开展。\n记者近日从会上获悉。") is None
    assert find_author("第A04版：小记者训练营\n", "正文。") is None
    assert find_author("新华社记者看东北|人物专访\n", "正文。") is None
    # a two-character subheading is not a name; a profile's title (the subject) is not its author
    assert find_author("", "导语\n前言\n近年来，公益行业发展迅速。") is None
    assert find_author("", "金锺国\n金锺国\n2014年11月，金锺国在吉隆坡。", title="金锺国") is None
    assert find_author("", "查看评论\n网易商业报道\n拥有一双气垫鞋，是不少青少年的梦想。") is None


def test_meta_author_naming_the_site_is_not_an_author() -> None:
    for site in ("新华网", "人民日报社", "央视新闻", "www.example.cn"):
        assert meta_author(f'<head><meta name="author" content="{site}"></head>') is None
    assert meta_author('<head><meta name="author" content="青网校园崔宁宁"></head>') == "青网校园崔宁宁"


def test_closing_agency_is_not_an_author() -> None:
    assert find_author("", "正文第一段。\n发布会在北京举行。（新华社）") is None
    assert find_author("", "正文第一段。\n发布会在北京举行。（央视新闻）") is None


def test_more_byline_shapes() -> None:
    assert find_author("2008-01-02 太小心 发表\n", "正文。") == "太小心"
    assert find_author("", "新华社北京5月20日电（记者王强、李华）记者20日从会上获悉。") == "王强 李华"
    assert find_author("本报记者 张三 通讯员 李四\n", "正文。") == "张三 李四"
    assert find_author("作者：张三（北京大学教授） 来源：光明日报", "正文。") == "张三"
    assert find_author("发表于 2008-01-02 | 作者：admin\n", "正文。") is None
