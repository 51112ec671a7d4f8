"""Character n-grams and literal look-ups in NumPy, for scoring a report's statements in one pass.

The theme features look up every 2–4 character n-gram of every statement and clause in a vocabulary
of ~100,000 terms and search each statement for taxonomy/lexicon cues; one Python dict look-up per
n-gram was most of the scoring time. Here the units are joined into one id array (characters →
small ids, 0 for a character no term uses and for the boundary between units) and each n-gram is
packed into one uint64 key, so the look-ups are a few array operations per report (:class:`TermIndex`,
n-grams and cues in one hash table of keys, :class:`KeyTable`).

Keys: ``bits`` bits per character id, ids ≥ 1 for known characters, so keys of different lengths
never collide (an n-gram key is ≥ 2^(bits·(n−1))) and an n-gram with an unknown character or
across a boundary (id 0) is masked out instead of looked up.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from nlp.text.codes import code_points


class Alphabet:
    """The characters of a vocabulary → ids 1..K (0: any other character)."""

    def __init__(self, chars: Iterable[str]):
        codes = sorted({ord(c) for c in chars})
        self.size = len(codes)
        self.bits = max(1, self.size.bit_length())
        # a dense table up to the largest code point used (≤ 0x10FFFF): one gather per text
        top = codes[-1] if codes else 0
        # int16 ids where they fit: the table is gathered at random, and a quarter of the bytes of an
        # int64 table stays in the cache better
        self._table = np.zeros(top + 2, dtype=np.int16 if self.size < 2 ** 15 else np.int32)
        self._table[np.asarray(codes, dtype=np.int64)] = np.arange(1, len(codes) + 1)
        self._top = top + 1  # code points above the table map to this entry, which is 0

    def max_chars(self) -> int:
        """Longest n-gram a uint64 key holds."""
        return 63 // self.bits

    def ids(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """(ids, unit, starts, joined): the texts joined with one boundary position between them, the
        unit index of every position, the start offset of every text, and the joined string."""
        joined = "\0".join(texts)
        codes = code_points(joined)
        ids = self._table[np.minimum(codes, self._top)].astype(np.int64)
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


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2^64 / golden ratio: nearby keys get distant slots


class KeyTable:
    """Distinct keys (int64, ≥ 0) in an open-addressing hash table (multiplicative hashing, linear
    probing, less than half full). :meth:`find` takes a gather or two per key, where a binary search
    over the ~10^5 keys of a theme model missed the cache at most of its ~17 steps."""

    def __init__(self, keys: np.ndarray):
        keys = np.asarray(keys, dtype=np.int64)
        self.bits = max(1, (2 * len(keys)).bit_length())
        self.mask = (1 << self.bits) - 1
        self.key = np.full(self.mask + 1, -1, dtype=np.int64)  # the key in each slot; −1: empty
        self.slot = np.zeros(len(keys), dtype=np.int64)  # the slot of each of ``keys``
        pending = np.arange(len(keys))
        home = at = self._home(keys)
        while len(pending):  # each round, one key per free slot; the others probe the next slot
            free = np.flatnonzero(self.key[at] == -1)
            won = free[np.unique(at[free], return_index=True)[1]]
            self.key[at[won]] = keys[pending[won]]
            self.slot[pending[won]] = at[won]
            lost = np.ones(len(pending), dtype=bool)
            lost[won] = False
            pending, at = pending[lost], (at[lost] + 1) & self.mask
        # no key sits further than this from its home slot (a few slots at this load): a key away from
        # home is looked for in that many following slots at once, instead of one probe step per
        # array operation (the longest probe run of a report's keys took ~16 such steps)
        self.reach = np.arange(1, int(((self.slot - home) & self.mask).max(initial=0)) + 1)

    def _home(self, keys: np.ndarray) -> np.ndarray:
        return ((keys.astype(np.uint64) * _GOLDEN) >> np.uint64(64 - self.bits)).astype(np.int64)

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The slot of each of ``keys``, −1 for a key not in the table."""
        at = self._home(keys)
        seen = self.key[at]
        out = np.where(seen == keys, at, -1)
        todo = np.flatnonzero((seen != keys) & (seen != -1))  # another key is home here: look further
        if len(todo) and len(self.reach):
            window = (at[todo, None] + self.reach) & self.mask
            match = self.key[window] == keys[todo, None]  # at most one slot holds a key
            first = match.argmax(axis=1)
            found = np.flatnonzero(match[np.arange(len(todo)), first])
            out[todo[found]] = window[found, first[found]]
        return out


class TermIndex:
    """Finds, in one hashed key look-up per batch of texts, the positions of vocabulary ``terms``
    (counted per text) and which texts contain which ``literals`` (exact, case-sensitive substrings).

    Terms are the n-grams of a TF-IDF block (``terms_ok`` is False when the longest does not fit a
    key; the block then counts in Python). A literal longer than the longest term (or than a key)
    is looked up by its prefix of that length and the candidates compared as strings (rare: a cue
    of five or more characters), so no n-gram longer than the terms is looked up at every position.
    """

    def __init__(self, terms: Sequence[str], literals: Sequence[str]):
        if len(set(literals)) != len(literals):
            raise ValueError("literals must be unique (one key per literal)")
        self.literals = list(literals)
        self.alphabet = Alphabet("".join(terms) + "".join(literals))
        self.max_n = max_n = self.alphabet.max_chars()
        self.terms_ok = all(len(t) <= max_n for t in terms)
        terms = list(terms) if self.terms_ok else []
        head = max(map(len, terms), default=max_n)
        short = [i for i, lit in enumerate(self.literals) if 0 < len(lit) <= head]
        long = [i for i, lit in enumerate(self.literals) if len(lit) > head]
        keys = string_keys(terms + [self.literals[i] for i in short + long], self.alphabet, head)
        unique, inverse = np.unique(keys, return_inverse=True)
        self.table = KeyTable(unique)
        slot = self.table.slot[inverse]  # of each term, short literal and long literal's head
        # one gather per hit: slot → (term column + 1) << 1 | (1 if a literal or a long literal's head
        # has this key); the few such slots are then resolved through the small sorted arrays below
        self.info = np.zeros(len(self.table.key), dtype=np.int32 if len(terms) < 2 ** 29 else np.int64)
        self.info[slot[:len(terms)]] = (np.arange(len(terms)) + 1) << 1
        self.info[slot[len(terms):]] |= 1
        lit_slot = slot[len(terms):len(terms) + len(short)]  # one literal per slot: literals are unique
        order = np.argsort(lit_slot)
        self.literal_slots, self.literal_ids = lit_slot[order], np.asarray(short, dtype=np.int64)[order]
        self.prefix_of: dict[int, list[int]] = {}  # slot → literals longer than ``head`` that start with its key
        for k, i in zip(slot[len(terms) + len(short):].tolist(), long):
            self.prefix_of.setdefault(k, []).append(i)
        self.prefix_slots = np.asarray(sorted(self.prefix_of), dtype=np.int64)
        self.sizes = sorted({len(t) for t in terms} | {len(self.literals[i]) for i in short}
                            | ({head} if long else set()))

    def find(self, texts: Sequence[str]) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """((text, term column) of every term occurrence, (text, literal index) of every literal
        occurrence), both with repeats, in no particular order."""
        empty = np.zeros(0, dtype=np.int64)
        ids, unit, _, joined = self.alphabet.ids(texts)
        grams = GramKeys(ids, self.alphabet.bits)
        pos_parts, key_parts = [], []
        for n in self.sizes:
            pos = grams.valid(n)
            pos_parts.append(pos)
            key_parts.append(grams.keys(n)[pos])
        if not sum(map(len, pos_parts)):
            return (empty, empty), (empty, empty)
        pos = np.concatenate(pos_parts)
        at = self.table.find(np.concatenate(key_parts))
        hit = np.flatnonzero(at >= 0)
        pos, at = pos[hit], at[hit]
        info = self.info[at]
        col = (info >> 1) - 1
        t = np.flatnonzero(col >= 0)
        term_units = unit[pos[t]]
        special = np.flatnonzero(info & 1)
        pos, at = pos[special], at[special]  # from here on, the hits on a literal or a literal's head
        lit_units, lit_ids = [empty], [empty]
        if len(self.literal_slots):
            j = np.minimum(np.searchsorted(self.literal_slots, at), len(self.literal_slots) - 1)
            s = np.flatnonzero(self.literal_slots[j] == at)
            lit_units.append(unit[pos[s]])
            lit_ids.append(self.literal_ids[j[s]])
        if self.prefix_of:
            j = np.minimum(np.searchsorted(self.prefix_slots, at), len(self.prefix_slots) - 1)
            cand = np.flatnonzero(self.prefix_slots[j] == at)
            extra_units, extra_ids = [], []
            for p, k in zip(pos[cand].tolist(), at[cand].tolist()):
                for i in self.prefix_of[k]:
                    if joined.startswith(self.literals[i], p):  # a boundary "\0" never matches a cue
                        extra_units.append(int(unit[p]))
                        extra_ids.append(i)
            lit_units.append(np.asarray(extra_units, dtype=np.int64))
            lit_ids.append(np.asarray(extra_ids, dtype=np.int64))
        return (term_units, col[t].astype(np.int64)), (np.concatenate(lit_units), np.concatenate(lit_ids))
