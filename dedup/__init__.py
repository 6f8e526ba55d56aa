"""Near-duplicate reprints: which stored article is a new one a copy of.

The API the dedup pipeline uses (all defaults from `DedupParams`, justified by
`python bench/dedup.py`):

- `fingerprint(text, params=None) -> bytes` — pure (worker-process safe): raw text →
  `matching_text` (normalize_for_matching + pinyin artefacts dropped) → character
  k-shingles → datasketch-compatible affine32 MinHash → 528 bytes for the
  `minhash_signatures.signature` column. `Signature.from_bytes` reads it back;
  `Signature.minhash()` gives a datasketch `LeanMinHash`.
- `matching_text(text)` — the string whose `content_hash` is the exact-duplicate layer;
  texts shorter than `params.min_length` use only that layer (the index ignores them).
- `NearDuplicateIndex(params, redis_url=None, prefix=..., expected_size=0)` or
  `NearDuplicateIndex.from_env()` (Redis when NEWSMON_REDIS_URL is set):
  `rebuild(rows)` bulk-loads (article_id, story_id, signature bytes);
  `match(sig) -> Match | None` = LSH `query(sig) -> list[article_id]` + verification;
  `insert(article_id, sig, story_id)`; `story_of(article_id)`;
  `lock()` — hold it around match → store → insert so concurrent processes agree.
- `decide(sig, candidates, params) -> Match | None` — the verification alone
  (Jaccard ≥ 0.5, or containment ≥ 0.8 when sizes are within 1:4).
- `choose_representative(copies: list[Copy]) -> Copy` — earliest copy from the publisher
  that `origin` (来源) names, else earliest published, ties → earliest fetched.
"""

from dedup.decide import Candidate, Match, decide, estimated_containment, estimated_jaccard
from dedup.index import REDIS_URL_ENV, NearDuplicateIndex
from dedup.params import DedupConfigError, DedupParams
from dedup.representative import Copy, choose_representative, names_publisher
from dedup.signature import (
    Signature,
    SignatureFormatError,
    compute_signature,
    fingerprint,
    matching_text,
    strip_pinyin,
)

__all__ = [
    "REDIS_URL_ENV",
    "Candidate",
    "Copy",
    "DedupConfigError",
    "DedupParams",
    "Match",
    "NearDuplicateIndex",
    "Signature",
    "SignatureFormatError",
    "choose_representative",
    "compute_signature",
    "decide",
    "estimated_containment",
    "estimated_jaccard",
    "fingerprint",
    "matching_text",
    "names_publisher",
    "strip_pinyin",
]
