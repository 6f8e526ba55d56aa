"""Short text for a digest entry: a one-line title and a 2–3 line summary cut at a sentence end.

Pure functions, no I/O.
"""

from __future__ import annotations

import re

SENTENCE_END = "。！？!?"
# closing quotes and brackets that belong to the sentence they end: 他说：“好。”
_CLOSERS = "”’」』）)》\"'"
_SENTENCE = re.compile(rf"[^{SENTENCE_END}]*[{SENTENCE_END}]+[{re.escape(_CLOSERS)}]*|[^{SENTENCE_END}]+$")
_SOFT_BREAK = "，；、：,;"
_SPACE = re.compile(r"\s+")

# About three lines of a 600px mail column at 15px CJK text.
SUMMARY_CHARS = 110


# Bidirectional overrides and isolates let a stranger's title reverse the text after it
# (in the subject line too); Chinese and Latin text never needs them.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def one_line(text: str | None) -> str:
    """Whitespace (line breaks included) collapsed to single spaces, bidi controls removed."""
    return _SPACE.sub(" ", _BIDI_CONTROLS.sub("", text or "")).strip()


def sentences(text: str) -> list[str]:
    """Sentences of `text` (whitespace collapsed), each keeping its end punctuation."""
    return [s.strip() for s in _SENTENCE.findall(one_line(text)) if s.strip()]


def summarize(text: str, *, title: str | None = None, max_chars: int = SUMMARY_CHARS) -> str:
    """The leading whole sentences of `text` that fit in `max_chars`.

    A lead that merely repeats the title is skipped. When even the first sentence is too
    long, it is cut at a comma-like break (or hard) and ends with "…".
    """
    flat = one_line(text)
    heading = one_line(title)
    rest = flat[len(heading):]
    if heading and flat.startswith(heading) and (not rest or rest[0] in SENTENCE_END + " "):
        flat = rest.lstrip(SENTENCE_END + " ")
    spans = [m.span() for m in _SENTENCE.finditer(flat) if m.group().strip()]
    if not spans:
        return ""
    begin = spans[0][0]
    end = begin
    for _, span_end in spans:
        if len(flat[begin:span_end].strip()) > max_chars:
            break
        end = span_end
    if end > begin:
        return flat[begin:end].strip()
    head = flat[begin : begin + max_chars]
    soft = max(head.rfind(ch) for ch in _SOFT_BREAK)
    if soft >= max_chars // 2:
        head = head[:soft]
    return head.rstrip(_SOFT_BREAK + " ") + "…"
