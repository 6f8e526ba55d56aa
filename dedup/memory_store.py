"""In-process store of indexed signatures: fixed-size numpy blocks plus the band table.

Per article it keeps the low 16 bits of each MinHash value (b-bit minwise hashing, Li and
König 2010: two different 32-bit values agree in their low 16 bits with probability
2**-16, so the Jaccard estimate moves by less than 0.0001), the two sizes verification
needs, the article and story ids, and 37 band entries: about 0.7 KB an article instead of
the ~1.9 KB that full signatures in doubling arrays cost. Rows live in blocks of
`_BLOCK` that are never copied, so growing the index never holds two copies at once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import numpy.typing as npt

from dedup.bands import BandTable, band_keys
from dedup.decide import Candidate
from dedup.signature import Signature

_BLOCK = 4096


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
        self._row_of: dict[int, int] = {}
        self._shingle_size = 0
        self._seed = 0
        self._table = BandTable()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._row_of

    @property
    def nbytes(self) -> int:
        blocks = sum(a.nbytes for group in (self._low_bits, self._sizes, self._ids) for a in group)
        return int(blocks + self._table.nbytes)

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
        """Index new rows in one vectorised step; ids already indexed are skipped."""
        fresh = [i for i, article_id in enumerate(article_ids) if article_id not in self._row_of]
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
            self._row_of[article_ids[i]] = row
        stop = start + len(fresh)
        keys = band_keys(values, self.bands, self.rows)
        rows = np.repeat(np.arange(start, stop, dtype=np.int32), self.bands)
        self._table.add(keys.ravel(), rows)
        self._size = stop
        return len(fresh)

    def query(self, signature: Signature) -> list[int]:
        rows = np.unique(self._table.lookup(band_keys(signature.hashvalues, self.bands, self.rows)))
        return [int(self._ids[row // _BLOCK][row % _BLOCK, 0]) for row in rows.tolist()]

    def candidates(self, article_ids: Sequence[int]) -> list[Candidate]:
        found = []
        for article_id in article_ids:
            row = self._row_of.get(article_id)
            if row is None:
                continue
            block, slot = divmod(row, _BLOCK)
            count, length = (int(v) for v in self._sizes[block][slot])
            signature = Signature(
                self._low_bits[block][slot], count, length, self._shingle_size, self._seed
            )
            found.append(Candidate(article_id, int(self._ids[block][slot, 1]), signature))
        return found

    def story_of(self, article_id: int) -> int | None:
        row = self._row_of.get(article_id)
        return None if row is None else int(self._ids[row // _BLOCK][row % _BLOCK, 1])

    @contextmanager
    def lock(self) -> Iterator[None]:
        with self._lock:
            yield
