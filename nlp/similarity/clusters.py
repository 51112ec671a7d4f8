"""Near-duplicate clustering with MinHash LSH, linear in corpus size.

Only one *representative* per group of near-identical texts enters the LSH index; other
texts join the cluster of the representative they match. LSH buckets therefore hold
distinct texts only, and a corpus with thousands of copies of one template costs one
bucket entry, not a quadratic number of comparisons.

The band parameters are datasketch's (its false-positive/negative optimum for a threshold);
the buckets are :class:`BandIndex`, which finds the same candidates as datasketch's
``MinHashLSH`` without its per-band objects (a query there cost 25 byte swaps and as many
method calls, most of the corpus step's time).
"""
from __future__ import annotations

from functools import lru_cache
from itertools import repeat

import numpy as np

from nlp.resources import thresholds
from nlp.similarity.shingles import Signer, estimate_many


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold, computed once: it integrates numerically on
    every MinHashLSH construction, which cost more than the look-ups of a 1,000-report run."""
    from datasketch import MinHashLSH  # the corpus step only: workers never import it (nor scipy)

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


class BandIndex:
    """LSH buckets of 32-bit MinHash signatures: the first ``bands × rows`` values cut into bands;
    keys whose signatures share a whole band are candidates of each other (as in ``MinHashLSH``:
    one table per band, keyed by the band's values, here as bytes)."""

    def __init__(self, bands: int, rows: int):
        self.width = 4 * rows  # bytes of one band of a uint32 signature
        self.tables: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]

    def _bands(self, signature: np.ndarray) -> list[bytes]:
        raw, w = signature.astype(np.uint32, copy=False).tobytes(), self.width
        return [raw[i * w:(i + 1) * w] for i in range(len(self.tables))]

    def insert(self, key: int, signature: np.ndarray) -> None:
        for table, band in zip(self.tables, self._bands(signature)):
            table.setdefault(band, []).append(key)

    def query(self, signature: np.ndarray) -> set[int]:
        # one C-level union over the bands' buckets (a Python loop per band cost more than the look-ups)
        return set().union(*map(dict.get, self.tables, self._bands(signature), repeat(())))


class NearDuplicateClusters:
    """Assign each added signature to a cluster; query similar clusters later.

    ``duplicate_threshold``: estimated Jaccard at or above which a text joins a cluster.
    ``query_threshold``: LSH threshold for "similar" candidates in :meth:`similar`.
    """

    def __init__(self, signer: Signer, duplicate_threshold: float, query_threshold: float | None = None):
        self.signer = signer
        self.duplicate_threshold = duplicate_threshold
        if query_threshold is None:
            query_threshold = thresholds()["similarity"]["candidate_query"]
        self.lsh = BandIndex(*band_params(query_threshold, signer.num_perm))
        self.rep_rows: list[int] = []  # cluster id -> row of its representative
        self.members: list[list[int]] = []  # cluster id -> rows
        self.groups: list[dict[str, list[int]]] = []  # cluster id -> group key (e.g. unit) -> rows
        self.sizes: list[int] = []
        self.cluster_of: dict[int, int] = {}  # row -> cluster id
        self.sim_to_rep: dict[int, float] = {}  # row -> estimated Jaccard with its representative

    def add(self, row: int, signature: np.ndarray, group: str, signatures: np.ndarray) -> int:
        """Add ``row`` with its signature; ``signatures[r]`` must hold the signature of every added row r."""
        candidates = self.lsh.query(signature)
        best, best_sim = -1, 0.0
        if candidates:
            cids = np.array(sorted(candidates))
            sims = estimate_many(signature, signatures[[self.rep_rows[c] for c in cids]])
            i = int(np.argmax(sims))
            best, best_sim = int(cids[i]), float(sims[i])
        if best >= 0 and best_sim >= self.duplicate_threshold:
            cid = best
        else:
            cid, best_sim = len(self.rep_rows), 1.0
            self.rep_rows.append(row)
            self.members.append([])
            self.groups.append({})
            self.sizes.append(0)
            self.lsh.insert(cid, signature)
        self.members[cid].append(row)
        self.groups[cid].setdefault(group, []).append(row)
        self.sizes[cid] += 1
        self.cluster_of[row] = cid
        self.sim_to_rep[row] = best_sim
        return cid

    def similar_clusters(self, signature: np.ndarray) -> list[int]:
        return sorted(self.lsh.query(signature))

    def n_other_groups(self, cid: int, group: str) -> int:
        """Members of cluster ``cid`` outside ``group`` (O(1))."""
        return self.sizes[cid] - len(self.groups[cid].get(group, ()))

    def other_group_rows(self, cid: int, group: str, limit: int) -> list[int]:
        """Up to ``limit`` member rows of cluster ``cid`` outside ``group`` (bounded work: O(limit))."""
        out: list[int] = []
        for g, rows in self.groups[cid].items():
            if g != group:
                out.extend(rows[: limit - len(out)])
                if len(out) >= limit:
                    break
        return out
