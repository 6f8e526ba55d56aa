"""Small pure functions that turn article text into the form the classifier matches on."""

from __future__ import annotations

import re

from crawler.extract.text import nfkc, to_simplified

# Mirror sites that transliterate Simplified pages leave readings after characters,
# e.g. "區(qū)域"; the reading splits the word, so drop it before matching.
_PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")
# Hard-wrapped e-paper columns break words across lines ("中国红十\n字基金会").
_SPACE = re.compile(r"\s+")


def prepare(text: str) -> str:
    """Simplified script, NFKC (full-width letters/digits folded), no whitespace, no pinyin glosses.

    Punctuation is kept: it bounds organisation names and sentences.
    """
    text = nfkc(text)
    text = _PINYIN_GLOSS.sub("", text)
    text = _SPACE.sub("", text)
    return to_simplified(text)
