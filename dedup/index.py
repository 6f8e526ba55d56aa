"""`NearDuplicateIndex`: LSH candidates + verification + article → story lookup."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from contextlib import AbstractContextManager
from functools import lru_cache
from typing import Protocol

from datasketch import MinHashLSH

from dedup.decide import Candidate, Match, decide
from dedup.memory_store import MemoryStore
from dedup.params import DedupConfigError, DedupParams
from dedup.signature import Signature

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "NEWSMON_REDIS_URL"
DEFAULT_PREFIX = "newsmon:dedup"


class _Store(Protocol):
    def __len__(self) -> int: ...
    def __contains__(self, article_id: int) -> bool: ...
    def add_many(
        self, article_ids: list[int], story_ids: list[int], signatures: list[Signature]
    ) -> int: ...
    def query(self, signature: Signature) -> list[int]: ...
    def query_candidates(self, signature: Signature) -> list[Candidate]: ...
    def comparable(self, signature: Signature) -> Signature: ...
    def candidates(self, article_ids: list[int]) -> list[Candidate]: ...
    def story_of(self, article_id: int) -> int | None: ...
    def lock(self) -> AbstractContextManager[None]: ...


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold: the memory store uses the same banding."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _as_signature(signature: Signature | bytes | memoryview, params: DedupParams) -> Signature:
    if isinstance(signature, bytes | bytearray | memoryview):
        signature = Signature.from_bytes(bytes(signature))
    if not signature.compatible_with(params):
        raise DedupConfigError(
            f"signature made with shingle_size={signature.shingle_size}, "
            f"num_perm={signature.num_perm}, seed={signature.seed}; the index uses "
            f"shingle_size={params.shingle_size}, num_perm={params.num_perm}, seed={params.seed}"
            " — recompute signatures (fingerprint(text)) after changing these settings"
        )
    return signature


class NearDuplicateIndex:
    """Articles' signatures, searchable for near-duplicates; in memory or in Redis."""

    def __init__(
        self,
        params: DedupParams | None = None,
        redis_url: str | None = None,
        prefix: str = DEFAULT_PREFIX,
        expected_size: int = 0,
    ) -> None:
        self.params = params or DedupParams()
        self.backend = "redis" if redis_url else "memory"
        self._store: _Store
        if redis_url:
            from dedup.redis_store import RedisStore

            bands, rows = lsh_bands(self.params.lsh_threshold, self.params.num_perm)
            self._store = RedisStore(redis_url, prefix, bands, rows)
        else:
            bands, rows = lsh_bands(self.params.lsh_threshold, self.params.num_perm)
            self._store = MemoryStore(self.params.num_perm, bands, rows, expected_size)

    @classmethod
    def from_env(
        cls, params: DedupParams | None = None, prefix: str = DEFAULT_PREFIX
    ) -> NearDuplicateIndex:
        """Redis when NEWSMON_REDIS_URL is set (shared by all crawler processes), else memory."""
        return cls(params, redis_url=os.environ.get(REDIS_URL_ENV) or None, prefix=prefix)

    def __len__(self) -> int:
        return len(self._store)

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._store

    def insert(self, article_id: int, signature: Signature | bytes, story_id: int) -> None:
        """Index an article; texts below `min_length` are left to the exact hash."""
        sig = _as_signature(signature, self.params)
        if sig.length < self.params.min_length:
            return
        self._store.add_many([article_id], [story_id], [sig])

    def rebuild(
        self, rows: Iterable[tuple[int, int, bytes | memoryview]], batch: int = 20_000
    ) -> int:
        """Bulk-load (article_id, story_id, signature bytes) rows, e.g. the last 30 days."""
        added = 0
        ids: list[int] = []
        stories: list[int] = []
        sigs: list[Signature] = []
        for article_id, story_id, data in rows:
            sig = _as_signature(data, self.params)
            if sig.length < self.params.min_length:
                continue
            ids.append(article_id)
            stories.append(story_id)
            sigs.append(sig)
            if len(ids) >= batch:
                added += self._store.add_many(ids, stories, sigs)
                ids, stories, sigs = [], [], []
        if ids:
            added += self._store.add_many(ids, stories, sigs)
        logger.info("dedup index (%s): loaded %d signatures", self.backend, added)
        return added

    def query(self, signature: Signature | bytes) -> list[int]:
        """Article ids whose signatures collide with this one in some LSH band (unverified)."""
        return self._store.query(_as_signature(signature, self.params))

    def candidates(self, signature: Signature | bytes) -> list[Candidate]:
        return self._store.candidates(self.query(signature))

    def match(self, signature: Signature | bytes) -> Match | None:
        """The stored article this one is a reprint of (verified), or None."""
        sig = _as_signature(signature, self.params)
        if sig.length < self.params.min_length:
            return None
        candidates = self._store.query_candidates(sig)
        return decide(self._store.comparable(sig), candidates, self.params)

    def story_of(self, article_id: int) -> int | None:
        return self._store.story_of(article_id)

    def lock(self) -> AbstractContextManager[None]:
        """Hold while doing match → store → insert, so concurrent copies join one story."""
        return self._store.lock()

    def clear(self) -> None:
        """Drop everything (Redis: every key under the prefix)."""
        clear = getattr(self._store, "clear", None)
        if clear is not None:
            clear()
        else:
            bands, rows = lsh_bands(self.params.lsh_threshold, self.params.num_perm)
            self._store = MemoryStore(self.params.num_perm, bands, rows)
