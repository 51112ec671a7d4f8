"""Character shingles and MinHash signatures (datasketch) for boilerplate and copy detection.

Text is reduced to letters (CJK and Latin) with every digit run replaced by "0", so a
template copied with new numbers or a new year still matches. Shingles are hashed with a
vectorised rolling hash (deterministic across processes, unlike ``hash()``), then fed to
datasketch's MinHash with one shared set of permutations.
"""
from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash

SHINGLE_SIZE = 5
NUM_PERM = 128
SEED = 1
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_BASE = np.uint64(1_000_003)


def canonical(text: str) -> str:
    """The text shingles are taken from: no spaces or punctuation, digit runs → "0"."""
    return _NON_WORD.sub("", _DIGITS.sub("0", text or ""))


def shingle_hashes(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 32-bit hashes of the character k-grams of ``canonical(text)``."""
    s = canonical(text)
    if not s:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes) - k + 1
    if n <= 0:  # shorter than one shingle: the whole text is the shingle
        codes, n = np.pad(codes, (0, k - len(codes))), 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):  # uint64 wrap-around is the intended modular arithmetic
        for j in range(k):
            h = h * _BASE + codes[j:j + n]
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return np.unique(h & np.uint64(0xFFFFFFFF))


class Signer:
    """MinHash signatures with fixed permutations (same input → same signature, in any process)."""

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED):
        self.num_perm = num_perm
        self.seed = seed
        self._permutations = MinHash(num_perm=num_perm, seed=seed).permutations

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        m = MinHash(num_perm=self.num_perm, seed=self.seed, hashfunc=_identity, permutations=self._permutations,
                    scheme="affine32")
        if len(hashes):
            m.update_batch(hashes.tolist())
        return m.hashvalues.astype(np.uint32)

    def lean(self, signature: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=self.seed, hashvalues=signature, scheme="affine32")


def _identity(value: int) -> int:
    return value


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def estimate_many(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimates of ``sig`` against each row of ``others`` (2-D)."""
    if len(others) == 0:
        return np.zeros(0)
    return (others == sig).mean(axis=1)
