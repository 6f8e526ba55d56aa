"""In-process store of indexed signatures: fixed-size numpy blocks plus the band table.

Per article it keeps the low 16 bits of each MinHash value (b-bit minwise hashing, Li and
König 2010: two different 32-bit values agree in their low 16 bits with probability
2**-16, so the Jaccard estimate moves by less than 0.0001), the two sizes verification
needs, the article and story ids, and 37 band entries: about 0.6 KB an article instead of
the ~1.9 KB that full signatures in doubling arrays cost. Rows live in blocks of
`_BLOCK` that are never copied, so growing the index never holds two copies at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from dedup.bands import BandTable, band_keys, mix64
from dedup.decide import Candidate
from dedup.signature import Signature, distinct_sorted

_BLOCK = 4096


def _id_keys(article_ids: Sequence[int]) -> npt.NDArray[np.uint64]:
    """Article ids spread over the table's shards (its shard is a key's top bits)."""
    keys = mix64(np.asarray(article_ids, dtype=np.int64).astype(np.uint64))
    keys[keys == 0] = 1
    return keys


class MemoryStore:
    """Signatures of one process; rebuilt from the database at spider start."""

    def __init__(self, num_perm: int, bands: int, rows: int, expected_size: int = 0) -> None:
        del expected_size  # blocks grow on demand and are never copied
        self.num_perm, self.bands, self.rows = num_perm, bands, rows
        self._low_bits: list[npt.NDArray[np.uint16]] = []
        # shingle_count, length per row
        self._sizes: list[npt.NDArray[np.uint32]] = []
        # article_id, story_id per row
        self._ids: list[npt.NDArray[np.int64]] = []
        self._size = 0
        # article id → row, as one more sorted-shard table (8 bytes a row; a dict of Python
        # ints cost ~110): keys are mixed ids, and a hit is confirmed against the row's id
        self._by_id = BandTable()
        self._shingle_size = 0
        self._seed = 0
        self._table = BandTable()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    def __contains__(self, article_id: int) -> bool:
        return self._row(article_id) is not None

    def _id_of(self, row: int, column: int = 0) -> int:
        """Article id (column 0) or story id (column 1) of a row."""
        return int(self._ids[row // _BLOCK][row % _BLOCK, column])

    def _row(self, article_id: int) -> int | None:
        for row in self._by_id.lookup(_id_keys([article_id])).tolist():
            if self._id_of(row) == article_id:
                return int(row)
        return None

    def _known(self, article_ids: Sequence[int]) -> set[int]:
        """Which of these ids are indexed already (one table lookup for the batch)."""
        rows = self._by_id.lookup(_id_keys(article_ids)).tolist()
        return {self._id_of(row) for row in rows} & set(article_ids)

    @property
    def nbytes(self) -> int:
        blocks = sum(a.nbytes for group in (self._low_bits, self._sizes, self._ids) for a in group)
        return int(blocks + self._table.nbytes + self._by_id.nbytes)

    def comparable(self, signature: Signature) -> Signature:
        """`signature` in the precision the stored candidates have (low 16 bits)."""
        return signature.low_bits()

    def _append_block(self) -> None:
        self._low_bits.append(np.zeros((_BLOCK, self.num_perm), dtype=np.uint16))
        self._sizes.append(np.zeros((_BLOCK, 2), dtype=np.uint32))
        self._ids.append(np.zeros((_BLOCK, 2), dtype=np.int64))

    def add_many(
        self, article_ids: Sequence[int], story_ids: Sequence[int], signatures: Sequence[Signature]
    ) -> int:
        """Index new rows (band keys in one vectorised step); ids already indexed are skipped."""
        known = self._known(article_ids) if self._size else set()
        fresh = []
        for i, article_id in enumerate(article_ids):
            if article_id not in known:
                known.add(article_id)  # the first of two copies in one batch wins
                fresh.append(i)
        if not fresh:
            return 0
        first = signatures[fresh[0]]
        self._shingle_size, self._seed = first.shingle_size, first.seed
        values: npt.NDArray[np.uint32] = np.stack([signatures[i].hashvalues for i in fresh]).astype(
            np.uint32, copy=False
        )
        start = self._size
        for offset, i in enumerate(fresh):
            row = start + offset
            block, slot = divmod(row, _BLOCK)
            if block == len(self._ids):
                self._append_block()
            signature = signatures[i]
            self._low_bits[block][slot] = signature.hashvalues
            self._sizes[block][slot] = (signature.shingle_count, signature.length)
            self._ids[block][slot] = (article_ids[i], story_ids[i])
        stop = start + len(fresh)
        keys = band_keys(values, self.bands, self.rows)
        rows = np.repeat(np.arange(start, stop, dtype=np.int32), self.bands)
        self._table.add(keys.ravel(), rows)
        self._by_id.add(_id_keys([article_ids[i] for i in fresh]), np.arange(start, stop, dtype=np.int32))
        self._size = stop
        return len(fresh)

    def _colliding_rows(self, signature: Signature) -> list[int]:
        """Rows sharing at least one LSH band with `signature`, each once."""
        rows = self._table.lookup(band_keys(signature.hashvalues, self.bands, self.rows))
        return [int(row) for row in distinct_sorted(rows).tolist()]

    def query(self, signature: Signature) -> list[int]:
        return [self._id_of(row) for row in self._colliding_rows(signature)]

    def query_candidates(self, signature: Signature) -> list[Candidate]:
        """`candidates(query(signature))` without mapping rows to ids and back."""
        return [self._candidate(row) for row in self._colliding_rows(signature)]

    def _candidate(self, row: int) -> Candidate:
        block, slot = divmod(row, _BLOCK)
        count, length = (int(v) for v in self._sizes[block][slot])
        signature = Signature(self._low_bits[block][slot], count, length, self._shingle_size, self._seed)
        article_id, story_id = (int(v) for v in self._ids[block][slot])
        return Candidate(article_id, story_id, signature)

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        rows = (self._row(article_id) for article_id in article_ids)
        return [self._candidate(row) for row in rows if row is not None]

    def story_of(self, article_id: int) -> int | None:
        row = self._row(article_id)
        return None if row is None else self._id_of(row, 1)

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield
