"""Near-duplicate clustering with MinHash LSH, linear in corpus size.

Only one *representative* per group of near-identical texts enters the LSH index; other
texts join the cluster of the representative they match. LSH buckets therefore hold
distinct texts only, and a corpus with thousands of copies of one template costs one
bucket entry, not a quadratic number of comparisons.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHashLSH

from nlp.resources import thresholds
from nlp.similarity.shingles import Signer, estimate_many


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's (bands, rows) for a threshold, computed once: it integrates numerically on
    every MinHashLSH construction, which cost more than the look-ups of a 1,000-report run."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


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
        self.lsh = MinHashLSH(num_perm=signer.num_perm, params=band_params(query_threshold, signer.num_perm))
        self.rep_rows: list[int] = []  # cluster id -> row of its representative
        self.members: list[list[int]] = []  # cluster id -> rows
        self.groups: list[dict[str, list[int]]] = []  # cluster id -> group key (e.g. unit) -> rows
        self.sizes: list[int] = []
        self.cluster_of: dict[int, int] = {}  # row -> cluster id
        self.sim_to_rep: dict[int, float] = {}  # row -> estimated Jaccard with its representative

    def add(self, row: int, signature: np.ndarray, group: str, signatures: np.ndarray) -> int:
        """Add ``row`` with its signature; ``signatures[r]`` must hold the signature of every added row r."""
        lean = self.signer.lean(signature)
        candidates = self.lsh.query(lean)
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
            self.lsh.insert(cid, lean)
        self.members[cid].append(row)
        self.groups[cid].setdefault(group, []).append(row)
        self.sizes[cid] += 1
        self.cluster_of[row] = cid
        self.sim_to_rep[row] = best_sim
        return cid

    def similar_clusters(self, signature: np.ndarray) -> list[int]:
        return sorted(self.lsh.query(self.signer.lean(signature)))

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
