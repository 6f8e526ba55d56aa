"""Turn the product owner's seed texts (../shared/seeds/) into the demo site's stories.

Seed 000 is an e-paper page (hard-wrapped columns, headlines gathered at the end) and seed
001 a web page carrying several items; both are split into separate stories by the markers
in `SPLITS`. Seeds 002/003 are Traditional-script mirror copies with pinyin artefacts: they
stay as they are for the mirror site and get a cleaned Simplified twin for the main site.
Used only by build_site.py; the built site is committed, so the demo never needs the seeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Story:
    key: str
    title: str
    paragraphs: list[str]
    author: str = ""
    kicker: str = ""  # the line above a newspaper headline
    caption: str = ""
    subheads: set[str] = field(default_factory=set)
    before: list[str] = field(default_factory=list)  # e.g. "(資料圖)"
    after: list[str] = field(default_factory=list)  # keyword line, disclaimer block


@dataclass(frozen=True)
class Split:
    """One story inside a seed: from `start` up to and including `end` (or the next story)."""

    key: str
    seed: str
    title: str
    start: str
    end: str
    author: str = ""
    kicker: str = ""
    caption: str = ""
    lead: str = ""  # a paragraph the e-paper printed elsewhere on the page, put first
    lead_end: str = ""


SPLITS = [
    Split("000a", "000", "九家社会组织联合发布倡议 积极建功美丽中国建设", "《倡议书》指出", "（张明敏）",
          author="张明敏", kicker="九家社会组织联合发布倡议",
          lead="近日，中华环保联合会", lead_end="量和智慧。"),
    Split("000b", "000", "京津冀新视听公共服务志愿行动启动", "8月 2日，由北京市广播电视", "（皮磊）",
          author="皮磊", kicker="打通公共文化服务“最后一公里”"),
    Split("000c", "000", "13所“红十字博爱健康e站”在海南交付使用", "近日，由中国红十字基金", "（李庆 ）",
          author="李庆", caption="海南红十字博爱健康 e 站揭牌"),
    Split("000d", "000", "字节跳动公益开启“古籍内容创意季”", "8月 2日，字节跳动公益联合", "（皮磊）",
          author="皮磊", kicker="让古籍走进大众"),
    Split("001a", "001", "京津冀协同发展 社会组织如何深入参与", "皮磊\n", "□相关阅读", author="皮磊"),
    Split("001b", "001", "京津冀成立 残疾儿童康复联合体", "本报讯 4月25日", "（岳文婷）", author="岳文婷"),
    Split("001c", "001", "“伊爱基金”公益项目举行总结推进会 12年惠及女性逾1400万人次",
          "本报讯（记者 赵莹莹）“伊爱基金”", "贡献更大的力量。", author="赵莹莹"),
    Split("001d", "001", "汇聚社会资源助力乡村振兴——“新长城科技小院助力计划”再添新成员",
          "本报讯（记者 赵莹莹）4月26日", "青年智慧和科技力量。", author="赵莹莹"),
    Split("001e", "001", "“同心公益行”进社区", "嘉兴南湖与北京东城相隔千里", "本报记者 贾宁 摄",
          author="贾宁"),
    Split("001f", "001", "河南部署2024年“乡村振兴豫善同行”活动", "本报讯（记者 舒迪）",
          "进行了表扬宣传。", author="舒迪"),
]
SUBHEADS_001 = {"充分发挥自身优势", "积极响应社会发展需求", "助力雄安新区发展建设"}

# `區(qū)域`: a character followed by its pinyin in brackets, left by a careless converter
PINYIN_ARTEFACT = re.compile(r"(?<=[\u3400-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
# hard-wrapped e-paper lines end a paragraph only after a closing sentence mark
_PARAGRAPH_END = re.compile(r"[。！？]”?$|）$")


def read_seed(seeds: Path, number: str) -> str:
    matches = sorted(seeds.glob(f"{number}_*.txt"))
    if not matches:
        raise FileNotFoundError(f"{seeds}: no seed file {number}_*.txt")
    return matches[0].read_text(encoding="utf-8")


def cut(text: str, start: str, end: str) -> str:
    """The text from `start` through `end`, both required to be found in that order."""
    begin = text.find(start)
    if begin < 0:
        raise ValueError(f"seed marker not found: {start!r}")
    stop = text.find(end, begin + len(start))
    if stop < 0:
        raise ValueError(f"seed end marker not found after {start!r}: {end!r}")
    return text[begin:stop + len(end)]


def reflow(chunk: str) -> list[str]:
    """Join hard-wrapped column lines back into paragraphs."""
    paragraphs: list[str] = []
    current = ""
    for line in chunk.splitlines():
        line = line.strip()
        if not line:
            continue
        current += line
        if _PARAGRAPH_END.search(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def lines(chunk: str) -> list[str]:
    return [line.strip() for line in chunk.splitlines() if line.strip()]


def remove_pinyin(text: str) -> str:
    return PINYIN_ARTEFACT.sub("", text)


def split_stories(seeds: Path) -> list[Story]:
    texts = {number: read_seed(seeds, number) for number in ("000", "001")}
    stories = []
    for split in SPLITS:
        chunk = cut(texts[split.seed], split.start, split.end)
        if split.seed == "000":
            paragraphs = reflow(chunk)
            if split.lead:
                paragraphs = reflow(cut(texts["000"], split.lead, split.lead_end)) + paragraphs
        else:
            paragraphs = lines(chunk)
            if split.key == "001a":
                paragraphs = [p for p in paragraphs[1:] if p != "□相关阅读"]  # the byline line
        caption = split.caption
        if split.key == "001e":
            caption, paragraphs = paragraphs[-1], paragraphs[:-1]
        stories.append(Story(split.key, split.title, paragraphs, author=split.author,
                             kicker=split.kicker, caption=caption,
                             subheads=SUBHEADS_001 if split.key == "001a" else set()))
    return stories


def mirror_stories(seeds: Path) -> tuple[list[Story], list[str]]:
    """Seeds 002/003 as the mirror printed them, and 002's site footer lines."""
    raw_002 = lines(read_seed(seeds, "002"))
    raw_003 = lines(read_seed(seeds, "003"))
    keyword_at = next(i for i, line in enumerate(raw_003) if line.startswith("關"))
    stories = [
        Story("002", "長三角區(qū)域生態(tài)環境宣教聯(lián)盟正式成立", raw_002[:4]),
        Story("003", "深圳啟動市容環境維護巡查人員數(shù)字化應(yīng)急響應(yīng)項(xiàng)目",
              raw_003[1:keyword_at], before=raw_003[:1], after=raw_003[keyword_at:]),
    ]
    return stories, raw_002[4:]


def simplified_twin(story: Story, key: str) -> Story:
    """The mainland original of a mirror copy: Simplified script, no pinyin, no placeholders."""
    import opencc

    convert = opencc.OpenCC("t2s").convert
    return Story(key, convert(remove_pinyin(story.title)),
                 [convert(remove_pinyin(p)) for p in story.paragraphs])


def traditional_copy(story: Story, key: str) -> Story:
    """A mirror's Traditional-script reprint of a main-site story."""
    import opencc

    convert = opencc.OpenCC("s2tw").convert
    return Story(key, convert(story.title), [convert(p) for p in story.paragraphs],
                 author=convert(story.author), caption=convert(story.caption),
                 subheads={convert(s) for s in story.subheads})


def policy_document(seeds: Path) -> tuple[str, str, list[str]]:
    """Seed 004: (file name, share-site banner, document lines)."""
    raw = lines(read_seed(seeds, "004"))
    return raw[0], raw[1], raw[2:]
