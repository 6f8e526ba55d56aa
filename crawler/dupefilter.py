"""Scrapy's duplicate-request filter with seen fingerprints kept in 8 bytes each.

`RFPDupeFilter` keeps every seen request's 20-byte fingerprint as a bytes object in a
Python set: about 85 bytes a URL, the one structure of a crawl that grows with every
page for the whole run. This filter keeps the first 8 bytes of each fingerprint in
sorted numpy shards plus a small pending buffer (the layout of `dedup.bands`), so a
100,000-page crawl holds 0.8 MB of them instead of ~9 MB. 64 bits make a false "seen"
between two different URLs a one-in-10**7 event even at a million URLs. The JOBDIR file
(`requests.seen`) is Scrapy's own format, so a paused job resumes with either filter.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt
from scrapy.dupefilters import RFPDupeFilter
from scrapy.http import Request

U64 = npt.NDArray[np.uint64]

_SHARD_BITS = 8
_SHARD_SHIFT = np.uint64(64 - _SHARD_BITS)
_PENDING = 1 << 12


class FingerprintSet:
    """A set of 64-bit integers: `in`, `add`, `update`; nothing is ever removed."""

    def __init__(self) -> None:
        self._shards: list[U64] = [np.empty(0, dtype=np.uint64)] * (1 << _SHARD_BITS)
        self._pending: set[int] = set()
        self._merged = 0

    def __len__(self) -> int:
        return self._merged + len(self._pending)

    @property
    def nbytes(self) -> int:
        return sum(shard.nbytes for shard in self._shards)

    def __contains__(self, key: int) -> bool:
        if key in self._pending:
            return True
        shard = self._shards[key >> (64 - _SHARD_BITS)]
        at = int(shard.searchsorted(np.uint64(key)))
        return at < len(shard) and int(shard[at]) == key

    def add(self, key: int) -> None:
        if key in self:
            return
        self._pending.add(key)
        if len(self._pending) >= _PENDING:
            self._merge(np.fromiter(self._pending, dtype=np.uint64, count=len(self._pending)))
            self._pending.clear()

    def update(self, keys: Iterable[int]) -> None:
        fresh = np.unique(np.fromiter(keys, dtype=np.uint64))
        self._merge(fresh[[k not in self for k in fresh.tolist()]] if len(self) else fresh)

    def _merge(self, keys: U64) -> None:
        keys = np.sort(keys)
        shards = (keys >> _SHARD_SHIFT).astype(np.intp)
        bounds = np.searchsorted(shards, np.arange(len(self._shards) + 1))
        for shard in np.flatnonzero(np.diff(bounds)).tolist():
            new = keys[bounds[shard] : bounds[shard + 1]]
            old = self._shards[shard]
            self._shards[shard] = np.insert(old, old.searchsorted(new), new)
        self._merged += len(keys)


def fingerprint_key(fingerprint: bytes) -> int:
    return int.from_bytes(fingerprint[:8], "big")


class CompactDupeFilter(RFPDupeFilter):
    """`RFPDupeFilter` with the seen set in `FingerprintSet` (DUPEFILTER_CLASS = this)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # the parent read a resumed job's requests.seen into its own set: move it over
        seen = FingerprintSet()
        seen.update(fingerprint_key(fp) for fp in self._fingerprints)
        self._seen = seen
        self._fingerprints = set()

    def request_seen(self, request: Request) -> bool:
        fingerprint = self._fingerprint(request)
        key = fingerprint_key(fingerprint)
        if key in self._seen:
            return True
        self._seen.add(key)
        if self.file:
            self.file.write(len(fingerprint).to_bytes(2, "big") + fingerprint)
        return False
