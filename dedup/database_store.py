"""Signatures indexed in the database's band table, plus the copies not written yet.

The band table (`dedup_bands`, written with each article by the store stage) answers for
everything stored in the window, so the crawler holds no index that grows with the window
and rebuilds nothing at start. The copies this process matched but the store stage has not
written yet (write-behind: seconds) are kept in a small bounded overlay, so a reprint
arriving right behind its original still finds it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from dedup.bands import band_keys
from dedup.decide import Candidate
from dedup.signature import Signature

# band keys → (article_id, story_id, signature bytes) of stored articles sharing one
BandLookup = Callable[[list[int]], list[tuple[int, int, bytes]]]


def signed_band_keys(signature: Signature, bands: int, rows: int) -> list[int]:
    """The signature's band keys as the signed 64-bit integers SQL stores."""
    return [int(k) for k in band_keys(signature.hashvalues, bands, rows).view(np.int64)]


class DatabaseStore:
    def __init__(self, bands: int, rows: int, lookup: BandLookup, recent: int = 2000) -> None:
        self.bands, self.rows = bands, rows
        self._lookup = lookup
        # the copies not written yet, in a ring: band keys as one array (a Python set per
        # band and article would cost ~12 KB an article), signatures and stories beside it
        self._recent_keys = np.zeros((recent, bands), dtype=np.int64)
        self._recent: list[tuple[int, int, Signature] | None] = [None] * recent
        self._slot_of: dict[int, int] = {}
        self._next = 0
        self._filled = 0
        # what the last query read from the database, for the candidates() that follows it
        self._fetched: dict[int, tuple[int, Signature]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._slot_of

    def add_many(self, article_ids: Sequence[int], story_ids: Sequence[int],
                 signatures: Sequence[Signature]) -> int:
        added = 0
        for article_id, story_id, signature in zip(article_ids, story_ids, signatures, strict=True):
            if article_id in self._slot_of:
                continue
            slot = self._next
            evicted = self._recent[slot]
            if evicted is not None:
                del self._slot_of[evicted[0]]
            self._recent[slot] = (article_id, story_id, signature)
            self._recent_keys[slot] = signed_band_keys(signature, self.bands, self.rows)
            self._slot_of[article_id] = slot
            self._next = (slot + 1) % len(self._recent)
            self._filled = max(self._filled, slot + 1)
            added += 1
        return added

    def query(self, signature: Signature) -> list[int]:
        keys = signed_band_keys(signature, self.bands, self.rows)
        found: dict[int, None] = {}
        if self._filled:
            hits = np.isin(self._recent_keys[: self._filled], keys).any(axis=1)
            for slot in np.flatnonzero(hits):
                entry = self._recent[int(slot)]
                if entry is not None:
                    found[entry[0]] = None
        self._fetched = {}
        for article_id, story_id, data in self._lookup(keys):
            self._fetched[article_id] = (story_id, Signature.from_bytes(data))
            found[article_id] = None
        return list(found)

    def _recent_entry(self, article_id: int) -> tuple[int, int, Signature] | None:
        slot = self._slot_of.get(article_id)
        return None if slot is None else self._recent[slot]

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        found = []
        for article_id in article_ids:
            recent = self._recent_entry(article_id)
            if recent is not None:
                found.append(Candidate(article_id, recent[1], recent[2]))
            elif article_id in self._fetched:
                story_id, signature = self._fetched[article_id]
                found.append(Candidate(article_id, story_id, signature))
        return found

    def story_of(self, article_id: int) -> int | None:
        recent = self._recent_entry(article_id)
        if recent is not None:
            return recent[1]
        fetched = self._fetched.get(article_id)
        return fetched[0] if fetched is not None else None

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield
