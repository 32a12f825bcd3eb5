"""Near-duplicate articles across outlets with MinHash LSH: `duplicate_of` points at the first article seen."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..arabic import normalize


def shingles(text: str, n: int, normalized: bool = False) -> set[bytes]:
    words = (text if normalized else normalize(text)).split()
    if len(words) < n:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


class NearDuplicates:
    """An LSH index of the articles stored so far; ``check_and_add`` answers with the first near-duplicate."""

    def __init__(self, threshold: float = 0.7, num_perm: int = 128, shingle: int = 5) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        self.lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.order: dict[str, int] = {}  # article id -> insertion rank, to point at the first one seen
        self._next = 0
        self.sigs: dict[str, MinHash] = {}
        self._template = MinHash(num_perm=num_perm)
        self.scheme = self._template.scheme  # stored signatures are rebuilt with the same scheme

    def signature(self, text: str, normalized: bool = False) -> MinHash:
        m = self._template.copy()  # reuses the permutations instead of drawing them for every article
        sh = shingles(text, self.shingle, normalized)
        if sh:
            m.update_batch(list(sh))
        return m

    @staticmethod
    def to_bytes(m: MinHash) -> bytes:
        return m.hashvalues.astype(np.uint64).tobytes()

    def from_bytes(self, b: bytes) -> MinHash:
        return MinHash(num_perm=self.num_perm, hashvalues=np.frombuffer(b, dtype=np.uint64).copy(), scheme=self.scheme)

    def load(self, stored: Iterable[tuple[str, bytes]]) -> None:
        for aid, sig in stored:
            m = self.from_bytes(sig)
            if len(m.hashvalues) == self.num_perm:
                self._insert(aid, m)

    def _insert(self, aid: str, m: MinHash) -> None:
        if aid in self.order:
            return
        self.order[aid] = self._next
        self._next += 1
        self.sigs[aid] = m
        self.lsh.insert(aid, m)

    def check(self, aid: str, m: MinHash) -> str | None:
        """The first indexed article whose estimated Jaccard with ``m`` passes the threshold (``m`` not added)."""
        best: str | None = None
        for other in self.lsh.query(m):
            if other == aid:
                continue
            if m.jaccard(self.sigs[other]) >= self.threshold and (best is None or self.order[other] < self.order[best]):
                best = other
        return best

    def add(self, aid: str, m: MinHash) -> None:
        """Index ``m``: called once its article is committed, so the index never names an article not stored."""
        self._insert(aid, m)

    def remove(self, aid: str) -> None:
        """Forget a replaced article."""
        if aid in self.sigs:
            self.lsh.remove(aid)
            del self.sigs[aid]
            del self.order[aid]

    def check_and_add(self, aid: str, m: MinHash) -> str | None:
        """``check`` then ``add``."""
        best = self.check(aid, m)
        self._insert(aid, m)
        return best
