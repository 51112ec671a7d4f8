"""The corpus step's LSH buckets and estimates give datasketch's and NumPy's answers.

:class:`BandIndex` replaced datasketch's ``MinHashLSH`` (same band parameters, same
candidates, a fraction of the memory) and the estimates count matches instead of calling ``np.mean``: both are
compared with the library code on signatures that share whole bands, parts of bands and
nothing, as near-duplicate reports do.
"""
from __future__ import annotations

import numpy as np
from datasketch import LeanMinHash, MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.similarity.clusters import BandIndex, band_params
from nlp.similarity.shingles import estimate, estimate_many


def _signatures(seed: int, n: int, num_perm: int) -> np.ndarray:
    """``n`` signatures drawn from a few templates, each value kept with probability 0.6–1.0 (so
    signatures share whole bands, single values or nothing)."""
    rng = np.random.default_rng(seed)
    templates = rng.integers(0, 2**32, size=(3, num_perm), dtype=np.uint64).astype(np.uint32)
    own = rng.integers(0, 2**32, size=(n, num_perm), dtype=np.uint64).astype(np.uint32)
    keep = rng.random((n, num_perm)) < rng.uniform(0.6, 1.0, size=(n, 1))
    base = templates[rng.integers(0, 3, size=n)]
    return np.where(keep, base, own)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), num_perm=st.sampled_from([64, 128]), threshold=st.sampled_from([0.5, 0.8]))
def test_band_index_finds_the_candidates_of_datasketch(seed: int, num_perm: int, threshold: float) -> None:
    sigs = _signatures(seed, 40, num_perm)
    params = band_params(threshold, num_perm)
    ours, theirs = BandIndex(sigs, *params), MinHashLSH(num_perm=num_perm, params=params)
    lean = [LeanMinHash(seed=1, hashvalues=s, scheme="affine32") for s in sigs]
    for row in range(0, 40, 2):  # half the signatures indexed (key = row + 100), every one queried
        ours.insert(row + 100, row)
        theirs.insert(row + 100, lean[row])
    for row, m in enumerate(lean):
        assert ours.query(row) == set(theirs.query(m))


def test_band_index_of_an_empty_index_and_a_repeated_band() -> None:
    sigs = np.repeat(_signatures(1, 1, 128), 3, axis=0)
    index = BandIndex(sigs, *band_params(0.5, 128))
    assert index.query(0) == set()
    index.insert(7, 0)
    index.insert(9, 1)  # two keys in every bucket: both come back, once each
    assert index.query(2) == {7, 9}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), num_perm=st.sampled_from([64, 128]), rows=st.integers(0, 6))
def test_estimates_are_numpy_means(seed: int, num_perm: int, rows: int) -> None:
    sigs = _signatures(seed, rows + 1, num_perm)
    sig, others = sigs[0], sigs[1:]
    assert estimate(sig, sigs[-1]) == float(np.mean(sig == sigs[-1]))
    got = estimate_many(sig, others)
    want = (others == sig).mean(axis=1) if rows else np.zeros(0)
    assert got.dtype == want.dtype and np.array_equal(got, want)
