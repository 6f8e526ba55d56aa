"""Signatures shared by several crawler processes: datasketch's Redis LSH storage plus one
Redis hash `{prefix}:meta` (article id → story id + signature bytes)."""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import redis
from datasketch import MinHashLSH

from dedup.decide import Candidate
from dedup.signature import Signature

_STORY = struct.Struct("<q")


def redis_connection_kwargs(url: str) -> dict[str, Any]:
    """Host/port/db/password from a redis:// URL, in the form datasketch passes to Redis()."""
    kwargs = redis.Redis.from_url(url).connection_pool.connection_kwargs
    keep = ("host", "port", "db", "password", "username", "socket_timeout")
    return {k: v for k, v in kwargs.items() if k in keep and v is not None}


def _as_bytes(value: bytes | str) -> bytes:
    # the client is built without decode_responses, so values arrive as bytes
    return value if isinstance(value, bytes) else value.encode("latin-1")


class RedisStore:
    """One index shared through Redis; every key starts with `prefix`."""

    def __init__(self, url: str, prefix: str, threshold: float, num_perm: int) -> None:
        self._client = redis.Redis.from_url(url)
        self._prefix = prefix
        self._meta_key = f"{prefix}:meta"
        self._lsh = MinHashLSH(
            threshold=threshold,
            num_perm=num_perm,
            storage_config={
                "type": "redis",
                "basename": prefix.encode(),
                "redis": redis_connection_kwargs(url),
            },
        )

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
        if len(fresh) == 1:
            # an insertion session flushes one pipeline per band table: slower for one row
            i = fresh[0]
            self._lsh.insert(article_ids[i], signatures[i].minhash(), check_duplication=False)
        else:
            with self._lsh.insertion_session(buffer_size=50_000) as session:
                for i in fresh:
                    session.insert(article_ids[i], signatures[i].minhash(), check_duplication=False)
        self._client.hset(
            self._meta_key,
            mapping={
                str(article_ids[i]): _STORY.pack(story_ids[i]) + signatures[i].to_bytes()
                for i in fresh
            },
        )
        return len(fresh)

    def query(self, signature: Signature) -> list[int]:
        return [int(key) for key in self._lsh.query(signature.minhash())]

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        if not article_ids:
            return []
        values = self._client.hmget(self._meta_key, [str(a) for a in article_ids])
        found = []
        for article_id, value in zip(article_ids, values, strict=True):
            if value is None:
                # the LSH keys were written before the meta hash: a concurrent insert
                continue
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
        keys = list(self._client.scan_iter(match=f"{self._prefix}*", count=1000))
        for start in range(0, len(keys), 1000):
            self._client.delete(*keys[start : start + 1000])
