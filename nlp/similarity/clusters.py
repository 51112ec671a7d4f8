"""Near-duplicate clustering with MinHash LSH, linear in corpus size.

Only one *representative* per group of near-identical texts enters the LSH index; other
texts join the cluster of the representative they match. LSH buckets therefore hold
distinct texts only, and a corpus with thousands of copies of one template costs one
bucket entry, not a quadratic number of comparisons.

The band parameters are those datasketch's ``MinHashLSH`` chooses (its false-positive/negative
optimum for a threshold), computed without it.
The buckets are built once over every signature of a step (:class:`BandIndex`): each band's
values become a bucket number, so the index holds integers in arrays, not a Python object
per band and text. Most texts of a real corpus are distinct, each its own cluster; a cluster
keeps Python lists only from its second member on. Both matter at 50k reports, where the
per-object index of datasketch's ``MinHashLSH`` took more than 1 GB.
"""
from __future__ import annotations

from array import array
from functools import lru_cache

import numpy as np

from nlp.resources import thresholds
from nlp.similarity.shingles import Signer, estimate_many


@lru_cache(maxsize=16)
def band_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) of an LSH index for ``threshold``: the choice of datasketch's ``MinHashLSH``,
    which minimises the sum of the false-positive probability (integrated over similarities below
    the threshold) and the false-negative one (above it), equal weights, first minimum kept.

    Computed here, not by datasketch, whose numerical integration imports SciPy (46 MB and 0.4 s in
    the run's parent). The integrands are polynomials in the similarity of degree bands × rows ≤
    ``num_perm``, which Gauss-Legendre quadrature with more than num_perm / 2 nodes integrates
    exactly; tests/test_run_fastpaths.py compares the choice with datasketch's.
    """
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 8)

    def integral(lo: float, hi: float, bands: int, rows: int, below: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        candidate = 1 - (1 - s ** float(rows)) ** float(bands)  # P(a pair of similarity s shares a band)
        return float((hi - lo) / 2 * (weights * (candidate if below else 1 - candidate)).sum())

    best, choice = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            error = 0.5 * integral(0.0, threshold, bands, rows, True) + 0.5 * integral(threshold, 1.0, bands, rows, False)
            if error < best:
                best, choice = error, (bands, rows)
    return choice


class BandIndex:
    """LSH buckets over the rows of a signature matrix (32-bit values): the first ``bands × rows``
    values cut into bands; keys inserted for rows sharing a whole band with the queried row are
    its candidates (the candidates of ``MinHashLSH``, whose tables are keyed by a band's values).

    Every row's bucket per band is numbered up front (exact equality of the band's bytes), so
    an insert or a query reads ``bands`` integers; a bucket's first key is kept in an array and
    the rare further keys in a dict.
    """

    def __init__(self, signatures: np.ndarray, bands: int, rows: int):
        n = len(signatures)
        self.buckets = np.empty((n, bands), dtype=np.int32)  # row -> bucket number of each band
        offset = 0
        for j in range(bands):
            band = np.ascontiguousarray(signatures[:, j * rows:(j + 1) * rows], dtype=np.uint32)
            values = band.view(np.dtype((np.void, 4 * rows))).ravel()
            distinct, number = np.unique(values, return_inverse=True)
            self.buckets[:, j] = number.ravel() + offset  # bucket numbers unique across bands
            offset += len(distinct)
        self.first = np.full(max(offset, 1), -1, dtype=np.int32)  # bucket -> first key inserted
        self.more: dict[int, list[int]] = {}  # bucket -> keys inserted after its first

    def insert(self, key: int, row: int) -> None:
        for bucket in self.buckets[row].tolist():
            if self.first[bucket] < 0:
                self.first[bucket] = key
            else:
                self.more.setdefault(bucket, []).append(key)

    def query(self, row: int) -> set[int]:
        buckets = self.buckets[row]
        firsts = self.first[buckets]
        found = set(firsts[firsts >= 0].tolist())
        if self.more:
            for bucket in buckets.tolist():
                extra = self.more.get(bucket)
                if extra:
                    found.update(extra)
        return found


_MULTI = -1  # a cluster of two or more members
_NO_GROUP = -2
VECTOR_FROM = 24  # clusters from which other_rows gathers by array operations


class NearDuplicateClusters:
    """Assign each row of a signature matrix to a cluster, in the order added; query similar
    clusters later.

    ``signatures``: one row per text (rows never added are ignored).
    ``duplicate_threshold``: estimated Jaccard at or above which a text joins a cluster.
    ``query_threshold``: LSH threshold for "similar" candidates in :meth:`similar_clusters`.
    """

    def __init__(self, signer: Signer, signatures: np.ndarray, duplicate_threshold: float,
                 query_threshold: float | None = None):
        self.signer = signer
        self.signatures = signatures
        self.duplicate_threshold = duplicate_threshold
        if query_threshold is None:
            query_threshold = thresholds()["similarity"]["candidate_query"]
        self.lsh = BandIndex(signatures, *band_params(query_threshold, signer.num_perm))
        n = len(signatures)
        self.n_clusters = 0
        self.sizes = array("q")  # cluster id -> members
        # cluster id -> the row of its representative and, while it is the only member, the number of its
        # group (MULTI from the second member on): arrays, so that a row's peers in hundreds of single-member
        # clusters are gathered by array operations (see other_rows)
        self._reps = np.zeros(max(n, 1), dtype=np.int32)
        self._single_group = np.full(max(n, 1), _MULTI, dtype=np.int32)
        self._group_numbers: dict[str, int] = {}  # group -> its number
        self._group_names: list[str] = []  # number -> group
        self._prefix_cache: tuple[int, tuple[np.ndarray, ...]] | None = None  # see _prefix
        self.cluster_of = np.full(n, -1, dtype=np.int64)  # row -> cluster id
        self.sim_to_rep = np.zeros(n, dtype=np.float64)  # row -> estimated Jaccard with its representative
        # cluster id -> group -> rows, in the order added: only for clusters of two or more members
        self._groups: dict[int, dict[str, list[int]]] = {}

    def add(self, row: int, group: str) -> int:
        """Add ``row`` (rows are added in increasing order) of group ``group``; return its cluster id."""
        self._prefix_cache = None
        number = self._group_numbers.get(group)
        if number is None:  # every group has its number
            number = self._group_numbers[group] = len(self._group_names)
            self._group_names.append(group)
        signature = self.signatures[row]
        candidates = self.lsh.query(row)
        best, best_sim = -1, 0.0
        if candidates:
            cids = np.array(sorted(candidates))
            sims = estimate_many(signature, self.signatures[self._reps[cids]])
            i = int(np.argmax(sims))
            best, best_sim = int(cids[i]), float(sims[i])
        if best >= 0 and best_sim >= self.duplicate_threshold:
            cid = best
            groups = self._groups.get(cid)
            if groups is None:  # the second member: the cluster starts keeping its rows
                groups = self._groups[cid] = self.groups(cid)
                self._single_group[cid] = _MULTI
            groups.setdefault(group, []).append(row)
            self.sizes[cid] += 1
        else:
            cid, best_sim = self.n_clusters, 1.0
            self.n_clusters += 1
            self.sizes.append(1)
            self._reps[cid] = row
            self._single_group[cid] = number
            self.lsh.insert(cid, row)
        self.cluster_of[row] = cid
        self.sim_to_rep[row] = best_sim
        return cid

    @property
    def rep_rows(self) -> np.ndarray:
        """Cluster id -> the row of its representative."""
        return self._reps[: self.n_clusters]

    def similar_clusters(self, row: int) -> list[int]:
        """Clusters whose representative shares a band with ``row``'s signature."""
        return sorted(self.lsh.query(row))

    def groups(self, cid: int) -> dict[str, list[int]]:
        """Group -> member rows of cluster ``cid`` (groups in the order they joined)."""
        groups = self._groups.get(cid)
        if groups is None:  # a single member: its group from the arrays
            return {self._group_names[self._single_group[cid]]: [int(self._reps[cid])]}
        return groups

    def members(self, cid: int) -> list[int]:
        """Member rows of cluster ``cid`` in the order added."""
        return sorted(row for rows in self.groups(cid).values() for row in rows)

    def multi_member(self) -> list[int]:
        """Ids of the clusters with two or more members, in increasing order."""
        return sorted(self._groups)

    def n_other_groups(self, cid: int, group: str) -> int:
        """Members of cluster ``cid`` outside ``group`` (O(1))."""
        return self.sizes[cid] - len(self.groups(cid).get(group, ()))

    def other_group_rows(self, cid: int, group: str, limit: int) -> list[int]:
        """Up to ``limit`` member rows of cluster ``cid`` outside ``group`` (bounded work: O(limit))."""
        groups = self._groups.get(cid)
        if groups is None:  # a single member (most clusters): no dict to build
            own = self._single_group[cid] == self._group_numbers.get(group, _NO_GROUP)
            return [int(self._reps[cid])] if not own and limit > 0 else []
        out: list[int] = []
        for g, rows in groups.items():
            if g != group:
                out.extend(rows[: limit - len(out)])
                if len(out) >= limit:
                    break
        return out

    def other_rows(self, cids: list[int], group: str, limit: int) -> np.ndarray:
        """The rows :meth:`other_group_rows` gives for each cluster of ``cids`` (increasing), in that order, as
        one array. In a large corpus a row has hundreds of similar clusters (a template's near copies):
        they are gathered by array operations, single-member clusters from their representative, the
        others from the first rows of each (:meth:`_prefix`), and one by one only when that prefix is too
        short to hold ``limit`` rows of other groups."""
        if limit <= 0 or not cids:
            return np.zeros(0, dtype=np.int64)
        if len(cids) < VECTOR_FROM:  # a few clusters: the array operations would cost more than the loop
            return np.array([r for cid in cids for r in self.other_group_rows(cid, group, limit)], dtype=np.int64)
        c = np.asarray(cids, dtype=np.int64)
        number = self._group_numbers.get(group, _NO_GROUP)
        single = self._single_group[c]
        is_multi = single == _MULTI
        single_c = c[~is_multi & (single != number)]
        if not is_multi.any():
            return self._reps[single_c]
        index, first_rows, first_groups, size = self._prefix(limit)
        multi_c = c[is_multi]
        at = index[multi_c]
        rows, groups = first_rows[at], first_groups[at]
        mask = (groups != number) & (rows >= 0)
        take = mask & (np.cumsum(mask, axis=1) <= limit)
        taken = take.sum(axis=1)
        short = (taken < limit) & (size[at] > rows.shape[1])  # more rows beyond the prefix may count
        keys = [single_c, np.repeat(multi_c, np.where(short, 0, taken))]
        found = [self._reps[single_c], rows[take & ~short[:, None]]]
        for cid in multi_c[short].tolist():
            more = self.other_group_rows(cid, group, limit)
            keys.append(np.full(len(more), cid, dtype=np.int64))
            found.append(np.asarray(more, dtype=np.int64))
        # each cluster's rows are contiguous in one piece: a stable sort by cluster restores the order
        order = np.argsort(np.concatenate(keys), kind="stable")
        return np.concatenate(found)[order]

    def _prefix(self, limit: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For the clusters of two or more members: (cluster id -> its position, the first rows of each in
        the order of :meth:`other_group_rows` padded with -1, their group numbers, member counts). With
        ``limit`` + 3 rows (a unit rarely has more than three reports in a cluster), the first ``limit``
        rows outside a group are nearly always among them. Built once the clusters are complete."""
        if self._prefix_cache is not None and self._prefix_cache[0] == limit:
            return self._prefix_cache[1]
        width = limit + 3
        multi = sorted(self._groups)
        index = np.full(self.n_clusters, -1, dtype=np.int32)
        first_rows = np.full((len(multi), width), -1, dtype=np.int32)
        first_groups = np.full((len(multi), width), _NO_GROUP, dtype=np.int32)
        size = np.zeros(len(multi), dtype=np.int64)
        numbers = self._group_numbers
        for k, cid in enumerate(multi):
            index[cid] = k
            size[k] = self.sizes[cid]
            flat = [(row, numbers[g]) for g, rows in self._groups[cid].items()
                    for row in rows[:width]][:width]
            first_rows[k, :len(flat)] = [row for row, _ in flat]
            first_groups[k, :len(flat)] = [g for _, g in flat]
        self._prefix_cache = (limit, (index, first_rows, first_groups, size))
        return self._prefix_cache[1]
