"""Choosing between trafilatura, the density pick and the story under the title heading."""

from __future__ import annotations

import itertools
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st
from lxml import html

from crawler.extract import extract_article
from crawler.extract.choice import Bigrams, Candidates, choose_text
from crawler.extract.density import measure, parse, title_scope

STORY = "\n".join(["据以色列媒体19日报道，战时内阁在18日晚开会，审查了一份重启谈判的提案。",
                   "提案中包括在停火第二阶段延长停火期的内容，并得到国防部长的支持。"])
OTHER = "\n".join(["最新港产片热播，好评如潮，不少人建议政府复刻该片的场景作为旅游景点。",
                   "事实上，现今旅游业讲求差异化特色，港产片正是香港文化最大特色之一。"])
NAV = "首页\n新闻\n国际\n强图打榜\n5月21日展览开幕\n更多视频"


def test_navigation_around_the_dense_block_is_dropped() -> None:
    chosen = choose_text(Candidates(primary=f"{NAV}\n{STORY}\n{NAV}", dense=STORY, link_text=NAV))
    assert chosen == STORY


def test_non_link_material_trafilatura_adds_is_kept() -> None:
    table = "招生专业\n03西方舞蹈史 英语 中国舞蹈史\n04外国舞蹈理论 英语 舞蹈理论"
    chosen = choose_text(Candidates(primary=f"{STORY}\n{table}", dense=STORY, link_text=NAV))
    assert chosen == f"{STORY}\n{table}"


def test_feed_page_keeps_the_story_under_the_title() -> None:
    # trafilatura runs on into the next story, the density pick is that next story
    chosen = choose_text(Candidates(primary=f"{STORY}\n{OTHER}", dense=OTHER, scoped=STORY))
    assert chosen == STORY


def test_agreeing_extractors_ignore_a_stray_title_scope() -> None:
    chosen = choose_text(Candidates(primary=STORY, dense=STORY, scoped="正在浏览：标题"))
    assert chosen == STORY


FEED_PAGE = """<html><head><title>以战时内阁审查重启停火谈判提案_新闻</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/n">新闻</a></div>
<main><article><header><h1>以战时内阁审查重启停火谈判提案</h1><time>2024-05-20 10:00</time></header>
<div class="body">{story}</div></article>
<section class="more"><h2>你可能还想看</h2>
<article><h1>港产片热播带动旅游</h1><div class="body">{other}</div></article></section></main>
</body></html>"""


def _paragraphs(text: str) -> str:
    return "".join(f"<p>{line}</p>" for line in text.split("\n"))


def test_title_scope_stops_before_the_next_story() -> None:
    root = parse(FEED_PAGE.format(story=_paragraphs(STORY), other=_paragraphs(OTHER)))
    assert root is not None
    scope = title_scope(root, "以战时内阁审查重启停火谈判提案")
    assert scope is not None and scope.tag == "article"
    assert "港产片" not in scope.text_content()
    assert title_scope(root, "一个页面上没有的标题") is None


def test_feed_page_extracts_only_its_own_story() -> None:
    page = FEED_PAGE.format(story=_paragraphs(STORY), other=_paragraphs(OTHER * 3))
    result = extract_article(page.encode("utf-8"), "https://news.example.org/a.html")
    assert "战时内阁" in result.text
    assert "港产片" not in result.text
    assert result.title == "以战时内阁审查重启停火谈判提案"


def test_title_heading_must_hold_the_title() -> None:
    tree = html.fromstring("<div><h2>热点</h2><p>" + STORY + "</p></div>")
    assert title_scope(tree, "热点新闻排行") is None


def test_density_pick_keeps_a_lead_paragraph_in_its_own_block() -> None:
    from crawler.extract.density import best_node, render_text

    lead = "各位好，我是安东尼。欢迎收听法国报纸摘要。法国总统马克龙下星期访问莫斯科和基辅，" * 2
    body = _paragraphs("\n".join([STORY, OTHER, STORY]))
    page = (f'<html><body><div class="nav"><a href="/">首页</a></div><div class="content">'
            f'<div class="lead">{lead}</div><div class="ad">广告</div><div class="body">{body}</div>'
            f'</div><div class="side"><a href="/x">排行</a></div></body></html>')
    root = parse(page)
    assert root is not None
    text = render_text(best_node(root))
    assert text.startswith("各位好，我是安东尼。") and "港产片" in text and "排行" not in text


# --- the numpy bigram multisets agree with collections.Counter (the definition) --------

_TEXT = st.text(alphabet=st.sampled_from("公益慈善基金会。，ab 1\n\U0001f600"), max_size=60)


def _counter(text: str) -> Counter[str]:
    flat = "".join(text.split())
    return Counter(a + b for a, b in itertools.pairwise(flat))


@given(_TEXT, _TEXT)
def test_bigram_overlap_and_difference_match_counter(a: str, b: str) -> None:
    ours_a, ours_b = Bigrams.of(a), Bigrams.of(b)
    ref_a, ref_b = _counter(a), _counter(b)
    assert ours_a.size == sum(ref_a.values())
    assert ours_a.overlap(ours_b) == sum((ref_a & ref_b).values())
    assert ours_a.minus(ours_b).size == sum((ref_a - ref_b).values())
    assert bool(ours_a.minus(ours_b)) == bool(ref_a - ref_b)


_HTML = st.recursive(
    st.text(alphabet="公益 a，", max_size=6),
    lambda inner: st.builds(lambda tag, parts: f"<{tag}>{''.join(parts)}</{tag}>",
                            st.sampled_from(["div", "p", "a", "span", "li"]), st.lists(inner, max_size=3)),
    max_leaves=12,
)


@given(_HTML)
def test_measured_lengths_match_text_content(markup: str) -> None:
    root = html.fromstring(f"<html><body><div>{markup}</div></body></html>")
    lengths = measure(root)
    for el in root.iter():
        total = len("".join(el.text_content().split()))
        linked = sum(len("".join(a.text_content().split())) for a in el.iter("a"))
        assert lengths[el] == (total, linked)
