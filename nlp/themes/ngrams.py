"""Character n-grams and literal look-ups in NumPy, for scoring a report's statements in one pass.

The theme features look up every 2–4 character n-gram of every statement and clause in a vocabulary
of ~80,000 terms and search each statement for taxonomy/lexicon cues; one Python dict look-up per
n-gram was most of the scoring time. Here the units are joined into one id array (characters →
small ids, 0 for a character no term uses and for the boundary between units) and each n-gram is
packed into one uint64 key, so the look-ups are a few ``searchsorted`` calls per report.

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

    def key(self, term: str) -> int | None:
        """Packed key of ``term`` (None when it has a character outside the alphabet)."""
        k = 0
        for c in term:
            code = ord(c)
            i = int(self._table[code]) if code < self._top else 0
            if not i:
                return None
            k = (k << self.bits) | i
        return k

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


class KeyTable:
    """Sorted keys → values (column indices or literal indices)."""

    def __init__(self, keys: Sequence[int], values: Sequence[int]):
        k = np.asarray(keys, dtype=np.int64)
        order = np.argsort(k, kind="stable")
        self.keys = k[order]
        self.values = np.asarray(values, dtype=np.int64)[order]

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(which of ``keys`` are in the table, their values)."""
        if not len(self.keys) or not len(keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self.keys, keys)
        np.minimum(pos, len(self.keys) - 1, out=pos)
        hit = np.flatnonzero(self.keys[pos] == keys)
        return hit, self.values[pos[hit]]


class LiteralFinder:
    """Which units contain which of a list of literal strings (exact, case-sensitive substrings)."""

    def __init__(self, literals: Sequence[str], alphabet: Alphabet):
        self.literals = list(literals)
        if len(set(self.literals)) != len(self.literals):
            raise ValueError("literals must be unique (one key per literal)")
        self.alphabet = alphabet
        self.max_n = alphabet.max_chars()
        by_len: dict[int, tuple[list[int], list[int]]] = {}
        self.long: dict[int, tuple[list[int], list[int]]] = {}  # by length, matched on a prefix key then checked
        for i, lit in enumerate(self.literals):
            if not lit:
                continue
            if any(alphabet.key(c) is None for c in lit):
                # a text position holding that character has id 0 and is never looked at
                raise ValueError(f"literal {lit!r} has a character outside the alphabet")
            key = alphabet.key(lit[:self.max_n])
            group = by_len if len(lit) <= self.max_n else self.long
            keys, idx = group.setdefault(len(lit), ([], []))
            keys.append(key)
            idx.append(i)
        self.tables = {n: KeyTable(k, v) for n, (k, v) in sorted(by_len.items())}
        self.long_tables = {n: KeyTable(k, v) for n, (k, v) in sorted(self.long.items())}

    def find(self, grams: GramKeys, unit: np.ndarray, joined: str) -> tuple[np.ndarray, np.ndarray]:
        """(unit, literal index) of every occurrence (with repeats)."""
        units, lits = [], []
        for n, table in self.tables.items():
            pos = grams.valid(n)
            hit, idx = table.find(grams.keys(n)[pos])
            units.append(unit[pos[hit]])
            lits.append(idx)
        for n, table in self.long_tables.items():
            p = self.max_n
            pos = grams.valid(n)
            hit, idx = table.find(grams.keys(p)[pos])
            # the prefix matched: compare the whole literal (rare, so plain string slices)
            for at, li in zip(pos[hit].tolist(), idx.tolist()):
                if joined[at:at + n] == self.literals[li]:
                    units.append(unit[at:at + 1])
                    lits.append(np.array([li], dtype=np.int64))
        if not units:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(units), np.concatenate(lits)
