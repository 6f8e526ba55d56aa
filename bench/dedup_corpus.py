"""Reprint variants and hard negatives built from real texts, for bench/dedup.py.

Originals: `full_text` pages of ../shared/data/extraction and the seeds. Variants are what
mirrors and portals do to a story; negatives are pairs that must stay apart.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import opencc

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
_PINYIN_PAIR = re.compile(r"(\w)\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+)\)")


@dataclass(frozen=True)
class Doc:
    doc_id: str
    group: str
    text: str


def load_originals(min_chars: int = 200) -> list[Doc]:
    docs = []
    for path in sorted((SHARED / "data" / "extraction").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        text = record.get("text") or ""
        if record.get("gt_type") == "full_text" and len(text) >= min_chars:
            docs.append(Doc(record["id"], record.get("group") or record["id"], text))
    for path in sorted((SHARED / "seeds").glob("0*.txt")):
        docs.append(Doc(path.stem, "seed-" + path.stem, path.read_text(encoding="utf-8")))
    return docs


def pinyin_table() -> dict[str, str]:
    """Traditional character → pinyin, as the seed mirrors print them (`區(qū)`)."""
    table: dict[str, str] = {}
    for path in sorted((SHARED / "seeds").glob("00[23]_*.txt")):
        for char, syllable in _PINYIN_PAIR.findall(path.read_text(encoding="utf-8")):
            table.setdefault(char, syllable)
    return table


def footers() -> dict[str, str]:
    seed2 = next((SHARED / "seeds").glob("002_*.txt")).read_text(encoding="utf-8")
    seed3 = next((SHARED / "seeds").glob("003_*.txt")).read_text(encoding="utf-8")
    return {
        "short": "（责任编辑：王晓明）\n本文来源：公益时报  转载请注明出处\n扫一扫分享到微信朋友圈",
        "disclaimer": seed3[seed3.index("關(guān)鍵詞") :],
        "mirror": seed2[-800:],
    }


class Variants:
    """What reprinting sites do to a text."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.s2t = opencc.OpenCC("s2t")
        self.pinyin = pinyin_table()
        self.footers = footers()

    @staticmethod
    def paragraphs(text: str) -> list[str]:
        return [p for p in text.split("\n") if p.strip()]

    def traditional_pinyin(self, text: str) -> str:
        trad = str(self.s2t.convert(text))
        return "".join(f"{c}({self.pinyin[c]})" if c in self.pinyin else c for c in trad)

    def trim_first(self, text: str) -> str:
        paras = self.paragraphs(text)
        if len(paras) >= 4:
            return "\n".join(paras[1:])
        return text[len(text) // 8 :]

    def trim_last(self, text: str) -> str:
        paras = self.paragraphs(text)
        if len(paras) >= 4:
            return "\n".join(paras[:-1])
        return text[: len(text) - len(text) // 8]

    def reorder(self, text: str) -> str:
        paras = self.paragraphs(text)
        if len(paras) < 3:
            return text
        i = self.rng.randrange(len(paras) - 1)
        paras[i], paras[i + 1] = paras[i + 1], paras[i]
        return "\n".join(paras)

    def retitle(self, text: str) -> str:
        return "【转载】社会组织动态：" + self.paragraphs(text)[0][:12] + "\n来源：人民网\n" + text

    def all(self, text: str) -> dict[str, str]:
        f = self.footers
        return {
            "trad_pinyin": self.traditional_pinyin(text),
            "trad_pinyin+disclaimer": self.traditional_pinyin(text) + "\n" + f["disclaimer"],
            "trad_pinyin+mirror_footer": self.traditional_pinyin(text) + "\n" + f["mirror"],
            "footer_short": text + "\n" + f["short"],
            "footer_disclaimer": text + "\n" + f["disclaimer"],
            "trim_first": self.trim_first(text),
            "trim_last": self.trim_last(text),
            "reorder": self.reorder(text),
            "retitle": self.retitle(text),
            "combo": self.traditional_pinyin(self.retitle(self.trim_first(text)))
            + "\n"
            + f["short"],
        }


def shared_lead(a: str, b: str) -> str:
    """B's body under A's lead paragraph: two reports opening on the same wire sentence."""
    lead = Variants.paragraphs(a)[0][: min(200, len(b) // 4)]
    return lead + "\n" + b


def truncate(text: str, chars: int) -> str:
    return text[:chars]
