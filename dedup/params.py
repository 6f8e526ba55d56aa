"""Dedup tuning knobs in one frozen value, with the defaults bench/dedup.py justifies."""

from __future__ import annotations

from dataclasses import dataclass


class DedupConfigError(ValueError):
    """A dedup parameter is out of range; the message names the parameter and the range."""


@dataclass(frozen=True)
class DedupParams:
    """How texts are shingled, sketched, indexed and judged.

    Defaults come from `python bench/dedup.py` (figures in its docstring): they keep every
    generated reprint (Traditional script + pinyin artefacts, footers, trims, reorders)
    while no hard negative (same event, shared lead, same site) scores anywhere near them.
    """

    # 5 Han characters is about two words: short enough that an edit of one character
    # only breaks 5 shingles, long enough that same-event reports share few of them.
    shingle_size: int = 5
    # 128 permutations: Jaccard standard error ~0.04 at J=0.5, 512-byte signatures.
    num_perm: int = 128
    seed: int = 1
    # LSH recall threshold, below `jaccard_threshold` so that containment matches (a short
    # article under a long footer: J ~ size ratio) still come back as candidates.
    lsh_threshold: float = 0.3
    # Verification: a candidate is the same story when either holds.
    jaccard_threshold: float = 0.5
    containment_threshold: float = 0.8
    # Containment only counts when the smaller text is at least this share of the larger:
    # a list page or digest quoting a whole short article is not a reprint of it.
    min_size_ratio: float = 0.25
    # Normalised texts shorter than this (characters) match by exact hash only.
    min_length: int = 120

    def __post_init__(self) -> None:
        checks = [
            ("shingle_size", 1 <= self.shingle_size <= 16, "1..16"),
            ("num_perm", 16 <= self.num_perm <= 1024, "16..1024"),
            ("seed", 0 <= self.seed < 2**31, "0..2**31-1"),
            ("lsh_threshold", 0.0 < self.lsh_threshold < 1.0, "(0, 1)"),
            ("jaccard_threshold", 0.0 < self.jaccard_threshold <= 1.0, "(0, 1]"),
            ("containment_threshold", 0.0 < self.containment_threshold <= 1.0, "(0, 1]"),
            ("min_size_ratio", 0.0 <= self.min_size_ratio <= 1.0, "[0, 1]"),
            ("min_length", self.min_length >= 0, ">= 0"),
        ]
        for name, ok, allowed in checks:
            if not ok:
                raise DedupConfigError(
                    f"dedup parameter {name}={getattr(self, name)!r} is out of range {allowed}"
                )
