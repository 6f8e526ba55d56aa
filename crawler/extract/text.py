"""Small pure text functions shared by extraction, dedup and classification."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

import opencc

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


@lru_cache(maxsize=16)
def to_simplified(text: str) -> str:
    # cached: one page's text reaches it from cleanup, dedup normalisation and the
    # classifier alike (pure, and a str hashes once)
    return str(_converter("t2s").convert(text))


def detect_script(text: str) -> str | None:
    """'Hant' when converting to Simplified changes a noticeable share of Han characters."""
    han = _HAN.findall(text[:5000])
    if len(han) < 10:
        return None
    sample = "".join(han)
    simplified = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, simplified, strict=False) if a != b)
    return "Hant" if changed / len(han) > 0.03 else "Hans"


# conjoining, compatibility and half-width jamo: NFKC builds syllables out of them
_HANGUL_JAMO = (("\u1100", "\u11ff"), ("\u3131", "\u318e"), ("\uffa0", "\uffdc"))


def _composing(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Mc", "Me") or any(
        low <= char <= high for low, high in _HANGUL_JAMO
    )


@lru_cache(maxsize=65536)
def _nfkc_char(char: str) -> str | None:
    """NFKC of one character, or None when it may compose with a neighbour: combining
    marks (a decomposed pinyin tone), characters that fold to one (the half-width kana
    voicing mark) and Hangul jamo. No other character changes with its context."""
    folded = unicodedata.normalize("NFKC", char)
    return None if any(_composing(c) for c in char + folded) else folded


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), character by character from a cache.

    A page's text holds a few thousand distinct characters and a handful that NFKC
    changes (full-width ，：（）, digits): on the benchmark's pages this took 0.6 ms a
    text where normalising the whole string took 1.2. Text with composing characters
    takes the library's whole-string path, so the result is always NFKC's."""
    distinct = set(text)
    folds = list(map(_nfkc_char, distinct))
    if None in folds:
        return unicodedata.normalize("NFKC", text)
    changes: dict[str, str] = {
        c: folded for c, folded in zip(distinct, folds, strict=True) if folded is not None and folded != c
    }
    if any(char in changes for folded in changes.values() for char in folded):
        return text.translate({ord(c): folded for c, folded in changes.items()})
    # one C-speed replace() per changed character beats translate(), which looks every
    # character up in a dict
    for char, folded in changes.items():
        text = text.replace(char, folded)
    return text


def normalize_for_matching(text: str) -> str:
    """Simplified script, NFKC, lower case, no punctuation or whitespace.

    The form dedup hashes and shingles, and the classifier reads: a Traditional-script
    mirror and its Simplified original normalise to (nearly) the same string.
    """
    text = nfkc(to_simplified(text)).lower()
    return _NOT_WORD.sub("", text)


def content_hash(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


# --- cleaning steps: text in, text out ------------------------------------------------

# Full-width letters, digits and the symbols that sit inside numbers and addresses fold to
# ASCII; full-width ，：；！？（） are Chinese punctuation and stay as written.
_WIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)
                if chr(cp) not in "，：；！？（）［］｛｝～＂＇"}
_FULL_WIDTH = re.compile("[" + "".join(re.escape(chr(cp)) for cp in _WIDTH_TABLE) + "]+")
_ODD_SPACE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_width(text: str) -> str:
    """Fold full-width ASCII letters/digits/symbols; keep Chinese punctuation."""
    # a regex scan finds the few runs to fold; translate() alone looks up every character
    return _FULL_WIDTH.sub(lambda run: run.group().translate(_WIDTH_TABLE), text)


def normalize_whitespace(text: str) -> str:
    """Odd spaces become one plain space, zero-width characters go, lines are stripped."""
    text = _ZERO_WIDTH.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _SPACES.sub(" ", _ODD_SPACE.sub(" ", text))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


# Mirror sites that convert Simplified to Traditional through a pinyin-annotating tool leave
# `區(qū)域`; broken copies replace the tone-marked vowel with `?`.
_PINYIN_LETTERS = "a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
_PINYIN_ARTEFACT = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（]([{_PINYIN_LETTERS}?]*[{_PINYIN_LETTERS}?][{_PINYIN_LETTERS}?]*)[)）]"
)
# a damaged copy that lost a character *and* the opening bracket: `請(qǐng)?jiān)?0日`
_ORPHAN_PINYIN = re.compile(rf"(?<=\?)([{_PINYIN_LETTERS}]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][{_PINYIN_LETTERS}]*)[)）]")
_TONE_MARKS = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ?]")
PINYIN_REPEAT = 3  # fewer than this on a page: bracketed pinyin is the author's own


def repair_pinyin(text: str) -> str:
    """Remove `(qū)` after Han characters, but only when the page shows it repeatedly.

    Damaged forms go too once the pattern is established: `(q?ng)` (a tone vowel lost to
    `?`) and `?jiān)` (the character and its opening bracket lost; the `?` stays as the
    mark of the lost character).
    """
    if not shows_pinyin_artefacts(text):
        return text
    return remove_pinyin_artefacts(text)


def shows_pinyin_artefacts(text: str) -> bool:
    """Whether a page repeats the `區(qū)` pattern of mirror sites (genuine bracketed
    pinyin in a normal article appears once or twice, not page-wide)."""
    found = [m for m in _PINYIN_ARTEFACT.finditer(text) if _TONE_MARKS.search(m.group(1))]
    return len(found) >= PINYIN_REPEAT


def remove_pinyin_artefacts(text: str) -> str:
    """Unconditionally drop tone-marked pinyin after Han characters (see repair_pinyin);
    for a title, once its page has shown the pattern."""
    text = _PINYIN_ARTEFACT.sub(
        lambda m: "" if _TONE_MARKS.search(m.group(1)) else m.group(0), text
    )
    return _ORPHAN_PINYIN.sub("", text)


_SENTENCE_END = re.compile(r"(?:[。！？!?…]|(?<![\d.])[.])[”’」』）)】》\"']*$|[（(][\u4e00-\u9fff·]{2,4}[)）]$")
_HAN_EDGE = re.compile(r"[\u3400-\u9fff，、“《]")


def reflow(text: str, *, min_lines: int = 6) -> str:
    """Join hard-wrapped column lines into paragraphs.

    A line that does not end a sentence continues on the next non-blank line; Chinese
    joins without a space, Latin words keep one. Texts whose lines mostly end sentences
    are left alone, so ordinary paragraph text passes through unchanged.
    """
    lines = [line.strip() for line in text.split("\n")]
    filled = [line for line in lines if line]
    if len(filled) < min_lines:
        return text
    open_lines = sum(1 for line in filled if not _SENTENCE_END.search(line))
    if open_lines / len(filled) < 0.5:
        return text
    paragraphs: list[str] = []
    current = ""
    for line in filled:
        if not current:
            current = line
        elif _HAN_EDGE.search(current[-1]) or _HAN_EDGE.search(line[0]):
            current += line
        else:
            current += " " + line
        if _SENTENCE_END.search(line):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n".join(paragraphs)
