"""Is a new text a reprint of a candidate? Verification of LSH candidates by estimated
Jaccard and containment, with the guards against short texts and digest/list pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.params import DedupParams
from dedup.signature import Signature


@dataclass(frozen=True)
class Candidate:
    """A stored article the index returned for a query."""

    article_id: int
    story_id: int
    signature: Signature


@dataclass(frozen=True)
class Match:
    """The verified candidate a new article joins, and why."""

    article_id: int
    story_id: int
    jaccard: float
    containment: float
    rule: str  # "jaccard" or "containment"


def estimated_jaccard(a: Signature, b: Signature) -> float:
    if a.num_perm != b.num_perm or a.seed != b.seed or a.shingle_size != b.shingle_size:
        raise ValueError(
            f"signatures made with different params: (k={a.shingle_size}, perm={a.num_perm}, "
            f"seed={a.seed}) vs (k={b.shingle_size}, perm={b.num_perm}, seed={b.seed})"
        )
    if a.shingle_count == 0 or b.shingle_count == 0:
        return 0.0
    return float(np.count_nonzero(a.hashvalues == b.hashvalues)) / a.num_perm


def estimated_containment(jaccard: float, a: Signature, b: Signature) -> float:
    """Share of the smaller shingle set found in the larger: |A∩B| = J(|A|+|B|)/(1+J).

    A copy with a footer added, or a first paragraph trimmed, keeps containment near 1 while
    its Jaccard falls with the size difference."""
    smaller = min(a.shingle_count, b.shingle_count)
    if smaller == 0:
        return 0.0
    intersection = jaccard * (a.shingle_count + b.shingle_count) / (1.0 + jaccard)
    return min(1.0, intersection / smaller)


def judge(new: Signature, old: Signature, params: DedupParams) -> tuple[str | None, float, float]:
    """(rule that matched or None, jaccard, containment) for one pair."""
    if min(new.length, old.length) < params.min_length:
        # short notices share their template wording; only the exact hash may merge them
        return None, 0.0, 0.0
    jaccard = estimated_jaccard(new, old)
    containment = estimated_containment(jaccard, new, old)
    if jaccard >= params.jaccard_threshold:
        return "jaccard", jaccard, containment
    ratio = min(new.shingle_count, old.shingle_count) / max(new.shingle_count, old.shingle_count)
    # a digest or list page quoting a whole short article contains it, but is far larger
    if ratio >= params.min_size_ratio and containment >= params.containment_threshold:
        return "containment", jaccard, containment
    return None, jaccard, containment


def decide(new: Signature, candidates: Sequence[Candidate], params: DedupParams) -> Match | None:
    """The best verified candidate for `new`, or None when it starts a story of its own."""
    best: Match | None = None
    for candidate in candidates:
        rule, jaccard, containment = judge(new, candidate.signature, params)
        if rule is None:
            continue
        if best is None or (jaccard, containment) > (best.jaccard, best.containment):
            best = Match(candidate.article_id, candidate.story_id, jaccard, containment, rule)
    return best
