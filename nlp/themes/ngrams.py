"""Character n-grams and literal look-ups in NumPy, for scoring a report's statements in one pass.

The theme features look up every 2–4 character n-gram of every statement and clause in a vocabulary
of ~80,000 terms and search each statement for taxonomy/lexicon cues; one Python dict look-up per
n-gram was most of the scoring time. Here the units are joined into one id array (characters →
small ids, 0 for a character no term uses and for the boundary between units) and each n-gram is
packed into one uint64 key, so the look-ups are one ``searchsorted`` per report (:class:`TermIndex`,
n-grams and cues in one sorted key table).

Keys: ``bits`` bits per character id, ids ≥ 1 for known characters, so keys of different lengths
never collide (an n-gram key is ≥ 2^(bits·(n−1))) and an n-gram with an unknown character or
across a boundary (id 0) is masked out instead of looked up.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


class Alphabet:
    """The characters of a vocabulary → ids 1..K (0: any other character)."""

    def __init__(self, chars: Iterable[str]):
        codes = sorted({ord(c) for c in chars})
        self.size = len(codes)
        self.bits = max(1, self.size.bit_length())
        # a dense table up to the largest code point used (≤ 0x10FFFF): one gather per text
        top = codes[-1] if codes else 0
        self._table = np.zeros(top + 2, dtype=np.int64)
        self._table[np.asarray(codes, dtype=np.int64)] = np.arange(1, len(codes) + 1)
        self._top = top + 1  # code points above the table map to this entry, which is 0

    def max_chars(self) -> int:
        """Longest n-gram a uint64 key holds."""
        return 63 // self.bits

    def ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """(ids, unit, starts, joined): the texts joined with one boundary position between them, the
        unit index of every position, the start offset of every text, and the joined string."""
        joined = "\0".join(texts)
        # surrogatepass: a lone surrogate (an undecodable byte kept by a reader) is still one position
        codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
        ids = self._table[np.minimum(codes, self._top)]
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        starts = np.zeros(len(texts), dtype=np.int64)
        if len(texts) > 1:
            np.cumsum(lengths[:-1] + 1, out=starts[1:])
            ids[starts[1:] - 1] = 0  # the joining character is a boundary whatever it is
        unit = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[:len(ids)]
        return ids, unit, starts, joined


class GramKeys:
    """Keys of every n-gram (n = 1..max_n) starting at each position of one id array, built
    incrementally (the n-gram key is the (n−1)-gram key shifted plus one id) and cached by n."""

    def __init__(self, ids: np.ndarray, bits: int):
        self.ids = ids
        self.bits = bits
        self._keys: dict[int, np.ndarray] = {1: ids}
        zero = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(ids == 0, out=zero[1:])
        self._zeros = zero  # prefix counts of id 0: an n-gram is valid when it has none

    def keys(self, n: int) -> np.ndarray:
        """Keys of the n-grams at positions 0..len−n (invalid ones included; see :meth:`valid`)."""
        got = self._keys.get(n)
        if got is None:
            prev = self.keys(n - 1)
            got = self._keys[n] = (prev[:len(prev) - 1] << self.bits) | self.ids[n - 1:]
        return got

    def valid(self, n: int) -> np.ndarray:
        """Positions whose n-gram has only known characters and stays inside one unit."""
        m = len(self.ids) - n + 1
        if m <= 0:
            return np.zeros(0, dtype=np.int64)
        return np.flatnonzero(self._zeros[n:n + m] == self._zeros[:m])


def string_keys(strings: Sequence[str], alphabet: Alphabet, max_n: int) -> np.ndarray:
    """Keys of the first ``max_n`` characters of each string (every character in the alphabet)."""
    heads = [t[:max_n] for t in strings]
    ids, _, starts, _ = alphabet.ids(heads)
    grams = GramKeys(ids, alphabet.bits)
    lengths = np.fromiter(map(len, heads), dtype=np.int64, count=len(heads))
    keys = np.zeros(len(heads), dtype=np.int64)
    for n in np.unique(lengths).tolist():
        sel = np.flatnonzero(lengths == n)
        keys[sel] = grams.keys(n)[starts[sel]]
    return keys


class TermIndex:
    """Finds, in one sorted-key look-up per batch of texts, the positions of vocabulary ``terms``
    (counted per text) and which texts contain which ``literals`` (exact, case-sensitive substrings).

    Terms are the n-grams of a TF-IDF block (``terms_ok`` is False when the longest does not fit a
    key; the block then counts in Python). A literal longer than a key is looked up by its prefix
    and the candidates compared as strings (rare: a cue of more than five characters).
    """

    def __init__(self, terms: Sequence[str], literals: Sequence[str]):
        if len(set(literals)) != len(literals):
            raise ValueError("literals must be unique (one key per literal)")
        self.literals = list(literals)
        self.alphabet = Alphabet("".join(terms) + "".join(literals))
        self.max_n = max_n = self.alphabet.max_chars()
        self.terms_ok = all(len(t) <= max_n for t in terms)
        terms = list(terms) if self.terms_ok else []
        short = [i for i, lit in enumerate(self.literals) if 0 < len(lit) <= max_n]
        long = [i for i, lit in enumerate(self.literals) if len(lit) > max_n]
        keys = string_keys(terms + [self.literals[i] for i in short + long], self.alphabet, max_n)
        self.keys, inverse = np.unique(keys, return_inverse=True)
        self.term_col = np.full(len(self.keys), -1, dtype=np.int64)  # key → term column
        self.term_col[inverse[:len(terms)]] = np.arange(len(terms))
        self.literal = np.full(len(self.keys), -1, dtype=np.int64)  # key → literal of that length
        self.literal[inverse[len(terms):len(terms) + len(short)]] = short
        self.prefix_of: dict[int, list[int]] = {}  # key → literals longer than a key that start with it
        for k, i in zip(inverse[len(terms) + len(short):].tolist(), long):
            self.prefix_of.setdefault(k, []).append(i)
        self.is_prefix = np.zeros(len(self.keys), dtype=bool)
        self.is_prefix[list(self.prefix_of)] = True
        self.sizes = sorted({len(t) for t in terms} | {len(self.literals[i]) for i in short}
                            | ({max_n} if long else set()))

    def find(self, texts: Sequence[str]) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """((text, term column) of every term occurrence, (text, literal index) of every literal
        occurrence), both with repeats, in no particular order."""
        ids, unit, _, joined = self.alphabet.ids(texts)
        grams = GramKeys(ids, self.alphabet.bits)
        pos_parts, key_parts = [], []
        for n in self.sizes:
            pos = grams.valid(n)
            pos_parts.append(pos)
            key_parts.append(grams.keys(n)[pos])
        pos = np.concatenate(pos_parts) if pos_parts else np.zeros(0, dtype=np.int64)
        keys = np.concatenate(key_parts) if key_parts else np.zeros(0, dtype=np.int64)
        if not len(self.keys) or not len(keys):
            empty = np.zeros(0, dtype=np.int64)
            return (empty, empty), (empty, empty)
        at = np.searchsorted(self.keys, keys)
        np.minimum(at, len(self.keys) - 1, out=at)
        hit = np.flatnonzero(self.keys[at] == keys)
        pos, at = pos[hit], at[hit]
        col = self.term_col[at]
        t = np.flatnonzero(col >= 0)
        lit = self.literal[at]
        s = np.flatnonzero(lit >= 0)
        lit_units, lit_ids = [unit[pos[s]]], [lit[s]]
        if self.prefix_of:
            extra_units, extra_ids = [], []
            cand = np.flatnonzero(self.is_prefix[at])
            for p, k in zip(pos[cand].tolist(), at[cand].tolist()):
                for i in self.prefix_of.get(k, ()):
                    if joined.startswith(self.literals[i], p):  # a boundary "\0" never matches a cue
                        extra_units.append(int(unit[p]))
                        extra_ids.append(i)
            lit_units.append(np.asarray(extra_units, dtype=np.int64))
            lit_ids.append(np.asarray(extra_ids, dtype=np.int64))
        return (unit[pos[t]], col[t]), (np.concatenate(lit_units), np.concatenate(lit_ids))
