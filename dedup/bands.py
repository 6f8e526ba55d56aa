"""A compact in-memory LSH band table: sorted numpy shards plus a small pending buffer.

datasketch's dict storage keeps a bytes object and a Python set per band bucket: measured
at ~12 KB per article with 37 bands, i.e. 12 GB for 1M articles. An open-addressing
table in two numpy arrays cut that to 12 bytes a slot, but a load factor under 0.7 and
doubling on growth made it ~24 bytes per (article, band) on average (~0.9 KB per article),
and every doubling briefly held old and new table at once, a step in the peak RSS.

Here each (article, band) costs 8 bytes: the key's top `_SHARD_BITS` bits pick one of
`_SHARDS` sorted arrays, which keep the next 32 bits and an int32 row. New entries wait in
a fixed pending buffer (searched linearly) and are merged shard by shard when it fills, so
no step ever copies more than one shard (1/1024 of the table) at a time. Band boundaries
are datasketch's (`MinHashLSH.hashranges`), so candidates are the ones datasketch would
return, plus rare 42-bit key collisions that verification rejects.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I32 = npt.NDArray[np.int32]

_EMPTY = np.uint64(0)
_SHARD_BITS = 10
_SHARDS = 1 << _SHARD_BITS
_SHARD_SHIFT = np.uint64(64 - _SHARD_BITS)
_LOW_MASK = np.uint64(0xFFFFFFFF)
# 16k pending entries (~440 articles at 37 bands): a linear scan of it costs about as much
# as the 37 binary searches of a query, and a flush copies the table once per 440 articles.
_PENDING = 1 << 14


def mix64(h: U64) -> U64:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def band_keys(hashvalues: npt.NDArray[np.unsignedinteger[Any]], bands: int, rows: int) -> U64:
    """One 64-bit key per band (last axis), mixing in the band number so all bands share
    one table. Works on one signature (shape [num_perm]) or many ([n, num_perm])."""
    if hashvalues.dtype != np.uint32:
        raise ValueError("band keys need full 32-bit MinHash values, not a low-bits copy")
    values = hashvalues[..., : bands * rows].astype(np.uint64)
    values = values.reshape(*values.shape[:-1], bands, rows)
    with np.errstate(over="ignore"):
        acc = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        acc = np.broadcast_to(acc, values.shape[:-1]).copy()
        for j in range(rows):
            acc = mix64(acc ^ values[..., j])
    acc[acc == _EMPTY] = np.uint64(1)
    return acc


def _split(keys: U64) -> tuple[npt.NDArray[np.intp], U32]:
    return (keys >> _SHARD_SHIFT).astype(np.intp), (keys & _LOW_MASK).astype(np.uint32)


class BandTable:
    """Multimap band key → row numbers (no deletes: windows are rebuilt)."""

    def __init__(self, expected_entries: int = 0) -> None:
        # expected_entries is accepted for callers that size tables; sorted shards need no
        # reservation, and reserving would only make the RSS jump earlier
        del expected_entries
        empty_keys = np.empty(0, dtype=np.uint32)
        empty_rows = np.empty(0, dtype=np.int32)
        self._keys: list[U32] = [empty_keys] * _SHARDS
        self._rows: list[I32] = [empty_rows] * _SHARDS
        self._pending_keys = np.zeros(_PENDING, dtype=np.uint64)
        self._pending_rows = np.zeros(_PENDING, dtype=np.int32)
        self._pending = 0
        self._merged = 0

    @property
    def nbytes(self) -> int:
        shards = sum(k.nbytes + r.nbytes for k, r in zip(self._keys, self._rows, strict=True))
        return int(shards + self._pending_keys.nbytes + self._pending_rows.nbytes)

    def __len__(self) -> int:
        return self._merged + self._pending

    def lookup(self, keys: U64) -> I32:
        """Rows stored under any of `keys` (may repeat)."""
        found: list[I32] = []
        if self._pending:
            pending = self._pending_keys[: self._pending]
            hit = np.isin(pending, keys)
            if hit.any():
                found.append(self._pending_rows[: self._pending][hit])
        shards, lows = _split(np.asarray(keys, dtype=np.uint64).ravel())
        for shard, low in zip(shards.tolist(), lows, strict=True):
            shard_keys = self._keys[shard]
            start = int(shard_keys.searchsorted(low, "left"))
            if start < len(shard_keys) and shard_keys[start] == low:
                stop = int(shard_keys.searchsorted(low, "right"))
                found.append(self._rows[shard][start:stop])
        return np.concatenate(found) if found else np.empty(0, dtype=np.int32)

    def add(self, keys: U64, rows: I32) -> None:
        """Store each key with its row; a bulk rebuild is merged directly, one shard at a
        time, small additions wait in the pending buffer."""
        keys = np.asarray(keys, dtype=np.uint64).ravel()
        rows = np.asarray(rows, dtype=np.int32).ravel()
        if self._pending + len(keys) > _PENDING:
            self._flush()
        if len(keys) > _PENDING:
            self._merge(keys, rows)
            return
        stop = self._pending + len(keys)
        self._pending_keys[self._pending : stop] = keys
        self._pending_rows[self._pending : stop] = rows
        self._pending = stop

    def _flush(self) -> None:
        if self._pending:
            self._merge(self._pending_keys[: self._pending], self._pending_rows[: self._pending])
            self._pending = 0

    def _merge(self, keys: U64, rows: I32) -> None:
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        shards, lows = _split(keys)
        bounds = np.searchsorted(shards, np.arange(_SHARDS + 1))
        for shard in np.flatnonzero(np.diff(bounds)).tolist():
            start, stop = int(bounds[shard]), int(bounds[shard + 1])
            at = self._keys[shard].searchsorted(lows[start:stop], "right")
            self._keys[shard] = np.insert(self._keys[shard], at, lows[start:stop])
            self._rows[shard] = np.insert(self._rows[shard], at, rows[start:stop])
        self._merged += len(keys)
