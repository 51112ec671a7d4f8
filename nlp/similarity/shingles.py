"""Character shingles and MinHash signatures for boilerplate and copy detection.

Text is reduced to letters (CJK and Latin) with every digit run replaced by "0", so a
template copied with new numbers or a new year still matches. Shingles are hashed with a
vectorised rolling hash (deterministic across processes, unlike ``hash()``); signatures are
computed in NumPy (no Python loop per shingle) and indexed in LSH bands (nlp.similarity.clusters).
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from nlp.text.codes import code_points

SHINGLE_SIZE = 5
NUM_PERM = 128
SEED = 1
_NON_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_BASE = np.uint64(1_000_003)


def canonical(text: str) -> str:
    """The text shingles are taken from: no spaces or punctuation, digit runs → "0"."""
    return _NON_WORD.sub("", _DIGITS.sub("0", text or ""))


_KEPT, _DIGIT = 1, 2


@lru_cache(maxsize=1)
def _char_kinds() -> np.ndarray:
    """What :func:`canonical` does to each code point of the Basic Multilingual Plane, read off its own two
    patterns (so the table cannot disagree with them): kept (_KEPT) and a digit (_DIGIT, kept as "0", once
    per run)."""
    chars = "".join(map(chr, range(0x10000)))
    kinds = np.zeros(0x10000, dtype=np.uint8)
    kinds[code_points(_NON_WORD.sub("", chars))] = _KEPT
    kinds[code_points("".join(_DIGITS.findall(chars)))] |= _DIGIT
    return kinds


def canonical_many(texts: list[str]) -> list[str]:
    """``[canonical(t) for t in texts]`` with one table look-up per character over all of them (a report's
    sections and statements: the regex substitutions cost more per character, and a call per text more)."""
    joined = "\n".join(texts)  # a line break is dropped and ends a digit run: the texts do not mix
    codes = code_points(joined)
    if len(codes) == 0 or codes.max() > 0xFFFF:  # a character beyond the table (rare): the patterns
        return [canonical(t) for t in texts]
    kinds = _char_kinds()[codes]
    kept = kinds != 0
    digit = kinds == (_KEPT | _DIGIT)
    kept[1:] &= ~(digit[1:] & digit[:-1])  # a digit right after a digit joins its run's "0"
    out = np.where(digit, np.uint32(ord("0")), codes)[kept].tobytes().decode("utf-32-le", "surrogatepass")
    # text i is joined[start_i:stop_i]; its canonical form is out[kept before start_i:kept before stop_i]
    bounds = []
    at = 0
    for t in texts:
        bounds += (at, at + len(t))
        at += len(t) + 1
    before = np.concatenate(([0], np.cumsum(kept)))[bounds].tolist()
    return [out[before[i]:before[i + 1]] for i in range(0, len(before), 2)]


def position_hashes(canonical_text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """The 32-bit hash of the k-gram starting at each position of an already canonical text (a text
    shorter than k is one shingle, padded). A hash depends only on the k-gram's characters, so a
    passage inside a longer text has the slice of the longer text's position hashes."""
    codes = code_points(canonical_text).astype(np.uint64)
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
    return h & np.uint64(0xFFFFFFFF)


def sorted_unique(hashes: np.ndarray) -> np.ndarray:
    """``np.unique(hashes)`` of a 1-D array: sorted, then each value that differs from its predecessor.
    (NumPy 2's np.unique hashes the values first, several times slower on a section's few hundred.)"""
    ordered = np.sort(hashes)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def shingle_hashes(text: str, k: int = SHINGLE_SIZE) -> np.ndarray:
    """Sorted unique 32-bit hashes of the character k-grams of ``canonical(text)``."""
    s = canonical(text)
    if not s:
        return np.zeros(0, dtype=np.uint64)
    return sorted_unique(position_hashes(s, k))


class Signer:
    """MinHash signatures, vectorised: one multiply-shift hash per permutation over all shingles at once.

    Parameters come from a seeded generator, so the same text gets the same signature in any
    process. Signatures are 32-bit (the value range of datasketch's ``affine32`` scheme).
    """

    def __init__(self, num_perm: int = NUM_PERM, seed: int = SEED):
        self.num_perm = num_perm
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) | np.uint64(1)  # odd multipliers
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self._b_column = self._b[:, None]

    def _mixed(self, hashes: np.ndarray) -> np.ndarray:
        """Per permutation (rows) and shingle (columns), ``a * h + b`` (mod 2^64; NumPy does not check
        integer overflow of arrays). Permutations are rows so that minima run along contiguous memory."""
        mixed = np.multiply.outer(self._a, hashes.astype(np.uint64, copy=False))
        mixed += self._b_column  # in place: no copy
        return mixed

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """Per permutation, the minimum over shingles of the top 32 bits of ``a * h + b`` (mod 2^64). The top
        bits of the minimum are the minimum of the top bits (a shift is monotonic): one shift per permutation,
        not one per shingle."""
        if len(hashes) == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        low = self._mixed(hashes).min(axis=1)
        low >>= np.uint64(32)
        return low.astype(np.uint32)

    def signatures(self, hashes: np.ndarray, bounds: list[int]) -> np.ndarray:
        """The :meth:`signature` of each passage ``hashes[start:stop]`` (non-empty; repeated hashes do not
        change a minimum), ``bounds`` being the flat list start₀, stop₀, start₁, stop₁ …: rows of a
        (passages × permutations) matrix, with every hash permuted once however many passages hold it."""
        # reduceat takes the minimum between consecutive indices: the even results are the passages (the
        # odd ones, from a stop to the next start, are dropped), and an index must be below the length,
        # hence a last column that no passage reaches for a stop at the very end
        mixed = self._mixed(np.append(hashes, np.uint64(0)))
        low = np.minimum.reduceat(mixed, bounds, axis=1)[:, ::2] >> np.uint64(32)
        return low.T.astype(np.uint32, order="C")


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """MinHash estimate of the Jaccard similarity of two signatures."""
    # count / length is the float np.mean gives (a float64 sum of 0/1 is exact), without its overhead
    return int(np.count_nonzero(a == b)) / len(a)


def estimate_many(sig: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimates of ``sig`` against each row of ``others`` (2-D)."""
    if len(others) == 0:
        return np.zeros(0)
    # the int64 sum of matches over the length: np.mean's floats (its float64 sum of 0/1 is exact),
    # without its per-call overhead (this runs once per compared report, millions of times at 50k)
    return (others == sig).sum(axis=1) / others.shape[1]
