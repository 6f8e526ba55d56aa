"""Signatures shared by several crawler processes, in Redis.

The band layout is datasketch's (`MinHashLSH.hashranges`, via `dedup.bands.band_keys`),
but every operation is one pipelined round trip: datasketch's own Redis storage makes one
round trip per band (37 of them) for each query and each insert, which measured ~10 ms an
article and, worse, made the dedup thread hand the GIL back and forth with a busy reactor
74 times per article. Keys: `{prefix}:band:{key}` (a set of article ids per band bucket)
and `{prefix}:meta` (article id → story id + signature bytes).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import redis

from dedup.bands import band_keys
from dedup.decide import Candidate
from dedup.signature import Signature

_STORY = struct.Struct("<q")


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("latin-1")


class RedisStore:
    """One index shared through Redis; every key starts with `prefix`."""

    def __init__(self, url: str, prefix: str, bands: int, rows: int) -> None:
        self._client = redis.Redis.from_url(url, socket_timeout=30, retry_on_timeout=True)
        self._prefix = prefix
        self._meta_key = f"{prefix}:meta"
        self.bands, self.rows = bands, rows

    def _band_names(self, signature: Signature) -> list[str]:
        keys = band_keys(signature.hashvalues, self.bands, self.rows)
        return [f"{self._prefix}:band:{int(key):016x}" for key in keys]

    def __len__(self) -> int:
        return int(self._client.hlen(self._meta_key))

    def __contains__(self, article_id: int) -> bool:
        return bool(self._client.hexists(self._meta_key, str(article_id)))

    def add_many(
        self, article_ids: Sequence[int], story_ids: Sequence[int], signatures: Sequence[Signature]
    ) -> int:
        known = self._client.hmget(self._meta_key, [str(a) for a in article_ids])
        fresh = [i for i, value in enumerate(known) if value is None]
        if not fresh:
            return 0
        pipe = self._client.pipeline(transaction=False)
        for start in range(0, len(fresh), 2000):
            for i in fresh[start:start + 2000]:
                for name in self._band_names(signatures[i]):
                    pipe.sadd(name, article_ids[i])
            pipe.hset(self._meta_key, mapping={
                str(article_ids[i]): _STORY.pack(story_ids[i]) + signatures[i].to_bytes()
                for i in fresh[start:start + 2000]
            })
            pipe.execute()
        return len(fresh)

    def query_candidates(self, signature: Signature) -> list[Candidate]:
        return self.candidates(self.query(signature))

    def comparable(self, signature: Signature) -> Signature:
        """Redis keeps whole signatures, so a query compares at full precision."""
        return signature

    def query(self, signature: Signature) -> list[int]:
        pipe = self._client.pipeline(transaction=False)
        for name in self._band_names(signature):
            pipe.smembers(name)
        found: set[int] = set()
        for members in pipe.execute():
            found.update(int(m) for m in members)
        return sorted(found)

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        if not article_ids:
            return []
        values = self._client.hmget(self._meta_key, [str(a) for a in article_ids])
        found = []
        for article_id, value in zip(article_ids, values, strict=True):
            if value is None:
                continue  # band keys written, meta not yet: a concurrent insert
            data = _as_bytes(value)
            (story_id,) = _STORY.unpack_from(data)
            found.append(Candidate(article_id, story_id, Signature.from_bytes(data[8:])))
        return found

    def story_of(self, article_id: int) -> int | None:
        value = self._client.hget(self._meta_key, str(article_id))
        return None if value is None else int(_STORY.unpack_from(_as_bytes(value))[0])

    @contextmanager
    def lock(self) -> Iterator[None]:
        # query → decide → insert must not interleave between processes, or two copies
        # stored at the same moment would each start a story
        with self._client.lock(f"{self._prefix}:lock", timeout=30, blocking_timeout=30):
            yield

    def clear(self) -> None:
        """Delete every key of this index (tests and benchmarks use throwaway prefixes)."""
        keys = list(self._client.scan_iter(match=f"{self._prefix}:*", count=1000))
        for start in range(0, len(keys), 1000):
            self._client.delete(*keys[start : start + 1000])
