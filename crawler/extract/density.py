"""A second opinion on where the article sits: a text-density scorer for Chinese pages.

Readability's idea, tuned for Chinese: every block of running text scores by its sentence
punctuation and length, the score flows to its container and (halved) to the container's
parent, and the best-scoring container, discounted by its link density, is the article.
trafilatura is the first choice; this is the fallback and the check on what it returns
(`crawler.extract.article` decides between them).
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree, html

_DROP = frozenset({
    "script", "style", "noscript", "iframe", "select", "option", "button", "input",
    "textarea", "nav", "footer", "aside", "svg", "canvas", "object", "embed", "template",
    "head", "label", "map", "menu",
})
BLOCK = frozenset({
    "address", "article", "blockquote", "body", "center", "dd", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead",
    "tr", "ul", "html", "caption",
})
# units whose score belongs to the element that holds them, not to themselves
_LEAF_UNITS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "pre", "blockquote",
                         "dd", "dt", "figcaption", "address"})
_PUNCT = re.compile(r"[，。！？；：、,.!?;]")
_SPACE = re.compile(r"\s+")


def _tag(el: etree._Element) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def parse(markup: str) -> html.HtmlElement | None:
    """Lenient parse; None when lxml finds no tree (empty or binary junk)."""
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", markup)
    try:
        root = html.fromstring(markup)
    except (etree.ParserError, ValueError):
        return None
    for el in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in list(root.iter()):
        if _tag(el) in _DROP and el.getparent() is not None:
            _drop(el)
    return root


def _drop(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _inline_text(block: etree._Element) -> tuple[str, int]:
    """Text of `block` outside nested blocks, and how many characters of it sit in links."""
    parts: list[str] = [block.text or ""]
    linked = 0

    def walk(el: etree._Element, in_link: bool) -> None:
        nonlocal linked
        for child in el:
            tag = _tag(child)
            if tag not in BLOCK:
                link = in_link or tag == "a"
                own = child.text or ""
                parts.append(own)
                if link:
                    linked += len(_SPACE.sub("", own))
                walk(child, link)
            if (child.tail and el is block) or (child.tail and _tag(el) not in BLOCK):
                parts.append(child.tail)
                if in_link and el is not block:
                    linked += len(_SPACE.sub("", child.tail))

    walk(block, _tag(block) == "a")
    return "".join(parts), linked


def _text_len(el: etree._Element) -> int:
    return len(_SPACE.sub("", el.text_content()))


# (characters of text without whitespace, of them inside links) per element
Lengths = dict[etree._Element, tuple[int, int]]


def _flat_len(text: str | None) -> int:
    return len(_SPACE.sub("", text)) if text else 0


def measure(root: etree._Element) -> Lengths:
    """Text length and link-text length of every element under `root`, in one pass: asking
    each container for its text_content() walks the page again per level of nesting."""
    lengths: Lengths = {}
    # reversed document order visits every element after all of its descendants
    for el in reversed(list(root.iter())):
        total = _flat_len(el.text)
        linked = 0
        for child in el:
            child_total, child_linked = lengths.get(child, (0, 0))
            total += child_total + _flat_len(child.tail)
            linked += child_linked
        if _tag(el) == "a":
            linked += total
        lengths[el] = (total, linked)
    return lengths


def _is_paragraph(block: etree._Element, tag: str) -> bool:
    """A unit whose score belongs to its container: p, li, … and a div that holds no blocks.

    Readability's rule: a `<div>` used as a paragraph (poem lines, a note, a lead) counts
    for the container it sits in, so sibling paragraph-divs add up there.
    """
    if tag in _LEAF_UNITS:
        return True
    return tag == "div" and not any(_tag(child) in BLOCK for child in block)


def best_node(root: html.HtmlElement, lengths: Lengths | None = None) -> list[etree._Element]:
    """The article container plus siblings that continue it (readability's rule).
    `lengths`: `measure` of the whole document, when the caller has it already."""
    scores: dict[etree._Element, float] = defaultdict(float)
    for block in root.iter():
        tag = _tag(block)
        if tag not in BLOCK:
            continue
        text, linked = _inline_text(block)
        flat = _SPACE.sub("", text)
        if len(flat) < 10:
            continue
        unit = (1 + len(_PUNCT.findall(flat)) + min(len(flat) / 100, 3)) * (1 - linked / len(flat))
        holder = block.getparent() if _is_paragraph(block, tag) else block
        if holder is None:
            continue
        scores[holder] += unit
        parent = holder.getparent()
        if parent is not None:
            scores[parent] += unit / 2
    if not scores:
        return []
    if lengths is None:
        # the whole document: a paragraph's score also flows to containers above `root`
        lengths = measure(root.getroottree().getroot())
    adjusted = {}
    for el, score in scores.items():
        total, linked = lengths[el]
        density = linked / total if total else 1.0
        adjusted[el] = score * (1 - density)
    top = max(adjusted, key=adjusted.__getitem__)
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, adjusted[top] * 0.2)
    chosen = []
    for sibling in parent:
        if sibling is top or adjusted.get(sibling, 0.0) >= threshold or _prose_block(sibling, lengths):
            chosen.append(sibling)
    return chosen


def _prose_block(el: etree._Element, lengths: Lengths) -> bool:
    """Readability's sibling rule: a paragraph of running text next to the article is part of it
    (a lead or a standfirst in its own block), whatever it scored on its own."""
    if _tag(el) not in ("p", "div", "section"):
        return False
    total, linked = lengths.get(el, (0, 0))
    return total >= 80 and linked / total < 0.25 and "。" in el.text_content()


def _render(el: etree._Element, out: list[str], lengths: Lengths) -> None:
    tag = _tag(el)
    if tag == "br" or tag in BLOCK:
        out.append("\n")
    if tag in BLOCK and tag not in ("body", "html"):
        total, linked = lengths[el]
        if total and total < 200 and linked / total > 0.5:
            out.append("\n")
            return
    out.append(el.text or "")
    for child in el:
        _render(child, out, lengths)
        out.append(child.tail or "")
    if tag in BLOCK:
        out.append("\n")


def render_text(elements: list[etree._Element], lengths: Lengths | None = None) -> str:
    """Plain text of `elements`, one line per block, link-list blocks left out.
    `lengths`: `measure` of a tree holding them, when the caller has it already."""
    out: list[str] = []
    for el in elements:
        _render(el, out, lengths if lengths is not None else measure(el))
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


def density_extract(markup: str) -> str:
    root = parse(markup)
    if root is None:
        return ""
    return render_text(best_node(root))


def _render_all(el: etree._Element, out: list[str]) -> None:
    block = _tag(el) in BLOCK or _tag(el) == "br"
    if block:
        out.append("\n")
    out.append(el.text or "")
    for child in el:
        _render_all(child, out)
        out.append(child.tail or "")
    if block:
        out.append("\n")


def page_text(root: etree._Element) -> str:
    """All visible text of the page, one line per block (bylines and dates keep their lines)."""
    out: list[str] = []
    _render_all(root, out)
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)


_HEADINGS = ("h1", "h2", "h3")


def _flat(text: str) -> str:
    return _SPACE.sub("", text)


def _title_heading(root: etree._Element, title: str) -> etree._Element | None:
    """The first h1-h3 whose text is the page title (or starts with it, or it with the heading)."""
    want = _flat(title)
    if len(want) < 6:
        return None
    for tag in _HEADINGS:
        for el in root.iter(tag):
            got = _flat(el.text_content())
            if len(got) >= 6 and (got.startswith(want) or want.startswith(got)):
                return el
    return None


def title_scope(root: etree._Element, title: str | None, min_chars: int = 60) -> etree._Element | None:
    """The container that holds the title heading and its article, and no other article.

    Walk up from the heading that carries the page title until the next ancestor would
    also hold another heading of the same or a higher rank (the next item of a feed or a
    recommendation list); an `<article>` element ends the walk. None when there is no
    such heading or the container holds no more than the title.
    """
    if not title:
        return None
    heading = _title_heading(root, title)
    if heading is None:
        return None
    rank = int(_tag(heading)[1])
    rivals = tuple(f"h{r}" for r in range(1, rank + 1))
    scope = heading
    while True:
        if _tag(scope) == "article":
            break
        parent = scope.getparent()
        if parent is None or _tag(parent) in ("body", "html"):
            break
        if any(el is not heading and _flat(el.text_content()) for el in parent.iter(*rivals)):
            break
        scope = parent
    if _text_len(scope) - _text_len(heading) < min_chars:
        return None
    return scope
