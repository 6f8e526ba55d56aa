"""Decode page bytes the way browsers do: BOM, HTTP header, <meta>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""")

# Legacy Chinese labels are decoded with their superset, as WHATWG browsers do: pages that
# declare gb2312 routinely contain GBK/GB18030-only characters.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}


def _normalise_label(label: str | bytes | None) -> str | None:
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(label, _SUPERSETS.get(name, name))


def _decodes_cleanly(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _error_share(body: bytes, encoding: str) -> float:
    high = sum(1 for b in body if b > 0x7F) or 1
    return body.decode(encoding, errors="replace").count("\ufffd") * 2 / high


def sniff_encoding(body: bytes, http_encoding: str | None = None) -> str:
    """The encoding to decode `body` with.

    A declared charset is trusted only when the bytes agree with it: pages that say
    gb2312 but are UTF-8 (and the other way round) are common on Chinese sites.
    """
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = body[:4096]
    declared = [
        _normalise_label(http_encoding),
        _normalise_label(m.group(1)) if (m := _META_CHARSET.search(head)) else None,
        _normalise_label(m.group(1)) if (m := _XML_ENCODING.search(head)) else None,
    ]
    candidates = [d for d in declared if d]
    # valid UTF-8 with non-ASCII bytes is almost never an accident
    if _decodes_cleanly(body, "utf-8") and (any(b > 0x7F for b in body) or not candidates):
        return "utf-8"
    for candidate in candidates:
        if candidate != "utf-8" and _decodes_cleanly(body, candidate):
            return candidate
    if _decodes_cleanly(body, "gb18030"):
        return "gb18030"
    # a few broken bytes in a GBK page must not hand it to a single-byte guess
    for legacy in ("gb18030", "big5hkscs"):
        if _error_share(body, legacy) < 0.01:
            return legacy
    best = from_bytes(body[:65536]).best()
    if best is not None:
        return _normalise_label(best.encoding) or best.encoding
    return candidates[0] if candidates else "utf-8"


def decode_html(body: bytes, http_encoding: str | None = None) -> tuple[str, str]:
    """(text, encoding). Undecodable bytes are replaced, never fatal."""
    encoding = sniff_encoding(body, http_encoding)
    return body.decode(encoding, errors="replace"), encoding
