"""In-process store of indexed signatures: numpy rows plus the compact band table."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np

from dedup.bands import BandTable, band_keys
from dedup.decide import Candidate
from dedup.signature import Signature


class MemoryStore:
    """Signatures of one process; rebuilt from the database at spider start."""

    def __init__(self, num_perm: int, bands: int, rows: int, expected_size: int = 0) -> None:
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        capacity = max(expected_size, 1024)
        self._values = np.zeros((capacity, num_perm), dtype=np.uint32)
        # shingle_count, length, shingle_size, seed, article_id, story_id per row
        self._meta = np.zeros((capacity, 6), dtype=np.int64)
        self._size = 0
        self._row_of: dict[int, int] = {}
        self._table = BandTable(expected_size * bands)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._row_of

    @property
    def nbytes(self) -> int:
        return int(self._values.nbytes + self._meta.nbytes + self._table.nbytes)

    def _reserve(self, extra: int) -> None:
        needed = self._size + extra
        if needed <= len(self._values):
            return
        capacity = max(needed, 2 * len(self._values))
        self._values = np.resize(self._values, (capacity, self.num_perm))
        self._meta = np.resize(self._meta, (capacity, 6))

    def add_many(
        self, article_ids: Sequence[int], story_ids: Sequence[int], signatures: Sequence[Signature]
    ) -> int:
        """Index new rows in one vectorised step; ids already indexed are skipped."""
        fresh = [i for i, article_id in enumerate(article_ids) if article_id not in self._row_of]
        if not fresh:
            return 0
        self._reserve(len(fresh))
        start = self._size
        values = np.stack([signatures[i].hashvalues for i in fresh])
        stop = start + len(fresh)
        self._values[start:stop] = values
        self._meta[start:stop] = [
            (
                signatures[i].shingle_count,
                signatures[i].length,
                signatures[i].shingle_size,
                signatures[i].seed,
                article_ids[i],
                story_ids[i],
            )
            for i in fresh
        ]
        for offset, i in enumerate(fresh):
            self._row_of[article_ids[i]] = start + offset
        keys = band_keys(values, self.bands, self.rows)
        rows = np.repeat(np.arange(start, stop, dtype=np.int32), self.bands)
        self._table.add(keys.ravel(), rows)
        self._size = stop
        return len(fresh)

    def query(self, signature: Signature) -> list[int]:
        rows = np.unique(self._table.lookup(band_keys(signature.hashvalues, self.bands, self.rows)))
        return [int(a) for a in self._meta[rows, 4]]

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        found = []
        for article_id in article_ids:
            row = self._row_of.get(article_id)
            if row is None:
                continue
            count, length, k, seed, _, story_id = (int(v) for v in self._meta[row])
            signature = Signature(self._values[row], count, length, k, seed)
            found.append(Candidate(article_id, story_id, signature))
        return found

    def story_of(self, article_id: int) -> int | None:
        row = self._row_of.get(article_id)
        return None if row is None else int(self._meta[row, 5])

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield
