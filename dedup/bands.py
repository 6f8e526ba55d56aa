"""A compact in-memory LSH band table: open addressing in two numpy arrays.

datasketch's dict storage keeps a bytes object and a Python set per band bucket: measured
at ~12 KB per article with 37 bands, i.e. 12 GB for 1M articles. This table keeps one
64-bit band key and one int32 row per (article, band) in flat arrays: 12 bytes per slot,
~0.8 GB for 1M articles at the default 37 bands. Band boundaries are datasketch's
(`MinHashLSH.hashranges`), so candidates are the ones datasketch would return.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I32 = npt.NDArray[np.int32]

_EMPTY = np.uint64(0)
_MAX_LOAD = 0.7
_MIN_CAPACITY = 1 << 10


def _mix64(h: U64) -> U64:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def band_keys(hashvalues: npt.NDArray[np.uint32], bands: int, rows: int) -> U64:
    """One 64-bit key per band (last axis), mixing in the band number so all bands share
    one table. Works on one signature (shape [num_perm]) or many ([n, num_perm])."""
    values = hashvalues[..., : bands * rows].astype(np.uint64)
    values = values.reshape(*values.shape[:-1], bands, rows)
    with np.errstate(over="ignore"):
        acc = np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        acc = np.broadcast_to(acc, values.shape[:-1]).copy()
        for j in range(rows):
            acc = _mix64(acc ^ values[..., j])
    acc[acc == _EMPTY] = np.uint64(1)
    return acc


class BandTable:
    """Multimap band key → row numbers (linear probing; no deletes: windows are rebuilt)."""

    def __init__(self, expected_entries: int = 0) -> None:
        capacity = _MIN_CAPACITY
        while capacity * _MAX_LOAD < expected_entries:
            capacity *= 2
        self._keys = np.zeros(capacity, dtype=np.uint64)
        self._rows = np.zeros(capacity, dtype=np.int32)
        self._used = 0

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._rows.nbytes)

    def __len__(self) -> int:
        return self._used

    def lookup(self, keys: U64) -> I32:
        """Rows stored under any of `keys` (may repeat)."""
        mask = np.uint64(len(self._keys) - 1)
        pos = keys & mask
        found: list[I32] = []
        while len(pos):
            slots = self._keys[pos]
            hit = slots == keys
            if hit.any():
                found.append(self._rows[pos[hit]])
            live = slots != _EMPTY
            keys, pos = keys[live], (pos[live] + np.uint64(1)) & mask
        return np.concatenate(found) if found else np.empty(0, dtype=np.int32)

    def add(self, keys: U64, rows: I32) -> None:
        """Store each key with its row; vectorised, so a bulk rebuild is one call."""
        if self._used + len(keys) > len(self._keys) * _MAX_LOAD:
            self._grow(self._used + len(keys))
        self._place(keys, rows)

    def _place(self, keys: U64, rows: I32) -> None:
        mask = np.uint64(len(self._keys) - 1)
        pos = keys & mask
        while len(keys):
            free = self._keys[pos] == _EMPTY
            # several pending keys may aim at the same free slot: the first one takes it
            cand = np.flatnonzero(free)
            _, first = np.unique(pos[cand], return_index=True)
            winners = cand[first]
            self._keys[pos[winners]] = keys[winners]
            self._rows[pos[winners]] = rows[winners]
            self._used += len(winners)
            pending = np.ones(len(keys), dtype=bool)
            pending[winners] = False
            # losers of a tie retry the same slot (now taken) and move on next round
            step = np.where(free, np.uint64(0), np.uint64(1))
            keys, rows = keys[pending], rows[pending]
            pos = (pos + step)[pending] & mask

    def _grow(self, needed: int) -> None:
        old_keys, old_rows = self._keys, self._rows
        capacity = len(old_keys)
        while capacity * _MAX_LOAD < needed:
            capacity *= 2
        self._keys = np.zeros(capacity, dtype=np.uint64)
        self._rows = np.zeros(capacity, dtype=np.int32)
        self._used = 0
        live = old_keys != _EMPTY
        self._place(old_keys[live], old_rows[live])
