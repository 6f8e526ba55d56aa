"""Signatures indexed in the database's band table, plus the copies not written yet.

The band table (`dedup_bands`, written with each article by the store stage) answers for
everything stored in the window, so the crawler holds no index that grows with the window
and rebuilds nothing at start. The copies this process matched but the store stage has not
written yet (write-behind: seconds) are kept in a small bounded overlay, so a reprint
arriving right behind its original still finds it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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
    def __init__(self, bands: int, rows: int, lookup: BandLookup, recent: int = 5000) -> None:
        self.bands, self.rows = bands, rows
        self._lookup = lookup
        self._recent_size = recent
        # article key → (story id, signature, band keys), oldest first
        self._recent: OrderedDict[int, tuple[int, Signature, list[int]]] = OrderedDict()
        self._recent_by_band: dict[int, set[int]] = {}
        # what the last query read from the database, for the candidates() that follows it
        self._fetched: dict[int, tuple[int, Signature]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._recent)

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._recent

    def add_many(self, article_ids: Sequence[int], story_ids: Sequence[int],
                 signatures: Sequence[Signature]) -> int:
        added = 0
        for article_id, story_id, signature in zip(article_ids, story_ids, signatures, strict=True):
            if article_id in self._recent:
                continue
            keys = signed_band_keys(signature, self.bands, self.rows)
            self._recent[article_id] = (story_id, signature, keys)
            for key in keys:
                self._recent_by_band.setdefault(key, set()).add(article_id)
            added += 1
        while len(self._recent) > self._recent_size:
            old_id, (_, _, old_keys) = self._recent.popitem(last=False)
            for key in old_keys:
                holders = self._recent_by_band.get(key)
                if holders is not None:
                    holders.discard(old_id)
                    if not holders:
                        del self._recent_by_band[key]
        return added

    def query(self, signature: Signature) -> list[int]:
        keys = signed_band_keys(signature, self.bands, self.rows)
        found: dict[int, None] = {}
        for key in keys:
            for article_id in self._recent_by_band.get(key, ()):
                found[article_id] = None
        self._fetched = {}
        for article_id, story_id, data in self._lookup(keys):
            self._fetched[article_id] = (story_id, Signature.from_bytes(data))
            found[article_id] = None
        return list(found)

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        found = []
        for article_id in article_ids:
            recent = self._recent.get(article_id)
            if recent is not None:
                found.append(Candidate(article_id, recent[0], recent[1]))
            elif article_id in self._fetched:
                story_id, signature = self._fetched[article_id]
                found.append(Candidate(article_id, story_id, signature))
        return found

    def story_of(self, article_id: int) -> int | None:
        recent = self._recent.get(article_id)
        if recent is not None:
            return recent[0]
        fetched = self._fetched.get(article_id)
        return fetched[0] if fetched is not None else None

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield
