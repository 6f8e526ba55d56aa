"""Organisation names in an article: foundations, associations, chambers of commerce,
charities, Red Cross societies, volunteer teams.

A name is found by its ending (基金会, 商会, 红十字会 …, data in classify/data/
organizations.yaml) and extended leftwards over the words before it until a boundary word
(a verb, preposition or time word); spellings of one organisation are merged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from classify.matcher import TermIndex
from classify.tokens import Segmenter

DEFAULT_ORG_DATA = Path(__file__).resolve().parent / "data" / "organizations.yaml"
MAX_PREFIX = 20
_NAME_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z·]")
# jieba dictionary tags that end a name when walking left: verbs, prepositions,
# conjunctions, adverbs, pronouns, particles, time words, numerals, measure words.
BOUNDARY_TAGS = frozenset(["v", "vd", "vn", "p", "c", "d", "ad", "r", "u", "uj", "ul", "ud", "uz", "t", "m", "q", "mq", "y", "e", "o", "f"])
# verbal nouns that do occur inside organisation names (中国妇女发展基金会)
NAME_VERBS = frozenset(
    ["发展", "服务", "救助", "保护", "促进", "援助", "扶贫", "互助", "康复", "研究", "教育", "开发", "建设", "合作", "交流", "管理", "防治", "帮扶", "关爱", "环保", "慈善", "志愿", "公益", "救援", "助学", "助残", "养老", "创新", "文化", "生态", "绿化"]
)
CONJUNCTIONS = frozenset({"和", "与", "及"})
PROPER_TAGS = frozenset({"ns", "nz", "nt", "nrt", "nrfg"})
PROPER_WORDS = frozenset({"中国", "中华", "全国", "国际"})
# tokens that end a preceding body's name in a run of names without punctuation
_PRIOR_BODY = re.compile(r"(局|厅|委员会|协会|商会|学会|基金会|联合会|总会|院|公司|集团|政府|中心)$")


@dataclass(frozen=True)
class OrgRules:
    endings: TermIndex
    expand_endings: dict[str, str]
    aliases: dict[str, str]
    alias_index: TermIndex
    boundary_words: frozenset[str]
    generic_words: frozenset[str]

    def find(self, text: str, seg: Segmenter, places: frozenset[str]) -> list[str]:
        """Canonical organisation names in `text` (prepared), most-mentioned first."""
        counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        for pos, ending in self.endings.longest(text):
            name = self._name_before(text, pos, ending, seg, places)
            if name:
                counts[name] += 1
                first_seen.setdefault(name, pos)
        for pos, alias in self.alias_index.longest(text):
            name = self.aliases[alias]
            counts[name] += 1
            first_seen.setdefault(name, pos)
        names = _merge_shorter(counts)
        return sorted(names, key=lambda n: (-names[n], first_seen.get(n, 0)))

    def _name_before(
        self, text: str, pos: int, ending: str, seg: Segmenter, places: frozenset[str]
    ) -> str | None:
        start = pos
        while start > 0 and pos - start < MAX_PREFIX and _NAME_CHAR.match(text[start - 1]):
            start -= 1
        tokens = seg.cut(text[start:pos]) if start < pos else []
        kept: list[str] = []
        for i in range(len(tokens) - 1, -1, -1):
            token = tokens[i]
            if token in CONJUNCTIONS and not _has_proper_part(kept, seg, places):
                kept.insert(0, token)  # "中国石油和化学工业联合会": the name goes on
                continue
            if token in self.boundary_words or _PRIOR_BODY.search(token):
                break
            if self._verb_like(token, seg) and not self._place_before(tokens[:i], places):
                break
            kept.insert(0, token)
        if not kept or all(t in self.generic_words for t in kept):
            return None
        if not _has_proper_part(kept, seg, places):
            return None  # "生态环境志愿服务队" describes a kind of body, it names none
        name = "".join(kept) + self.expand_endings.get(ending, ending)
        return self.aliases.get(name, name)

    def _verb_like(self, token: str, seg: Segmenter) -> bool:
        if token in NAME_VERBS or token.isascii():
            return False
        return seg.tag(token) in BOUNDARY_TAGS

    def _place_before(self, tokens: list[str], places: frozenset[str]) -> bool:
        """A place name further left, with no boundary word between, starts the name
        ("京津冀新视听公共服务志愿服务队" goes on past the verb 视听)."""
        for token in reversed(tokens):
            if token in self.boundary_words or _PRIOR_BODY.search(token):
                return False
            if token in places or token in PROPER_WORDS:
                return True
        return False


def _has_proper_part(tokens: list[str], seg: Segmenter, places: frozenset[str]) -> bool:
    single_run = 0
    for token in tokens:
        if token in places or token in PROPER_WORDS or token.isascii():
            return True
        tag = seg.tag(token)
        if tag in PROPER_TAGS or (tag is None and len(token) >= 2):
            return True
        single_run = single_run + 1 if len(token) == 1 else 0
        if single_run >= 2:  # a name jieba does not know falls apart into characters
            return True
    return False


def _merge_shorter(counts: Counter[str]) -> Counter[str]:
    """'慈弘慈善基金会' after '北京慈弘慈善基金会' is the same body: count it for the longer name."""
    merged: Counter[str] = Counter()
    names = sorted(counts, key=len, reverse=True)
    for name in names:
        longer = next((n for n in merged if n.endswith(name) and n != name), None)
        merged[longer or name] += counts[name]
    return merged


def load_org_rules(path: str | Path | None = None) -> OrgRules:
    path = Path(path) if path else DEFAULT_ORG_DATA
    raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    aliases = {str(k): str(v) for k, v in (raw.get("aliases") or {}).items()}
    return OrgRules(
        endings=TermIndex(raw["suffixes"]),
        expand_endings={str(k): str(v) for k, v in (raw.get("expand_endings") or {}).items()},
        aliases=aliases,
        alias_index=TermIndex(aliases),
        boundary_words=frozenset(raw.get("boundary_words") or []),
        generic_words=frozenset(raw.get("generic_words") or []),
    )
