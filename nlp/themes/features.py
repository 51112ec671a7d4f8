"""TF-IDF features over character n-grams and (when the tokenizer is present) our word tokens.

Fitting uses scikit-learn; the fitted state is plain data (vocabulary + idf) so that a model
saves as JSON/NumPy and transforms identically after loading.

:meth:`Featurizer.entries` computes the features in NumPy (n-gram and cue look-ups through
:mod:`nlp.themes.ngrams`), with the arithmetic of the scikit-learn path done in the same order, so
the values are bit-identical; :meth:`Featurizer.transform_reference` keeps the scikit-learn/SciPy
path as the specification tests compare against.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import chain, repeat
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from nlp.themes.ngrams import TermIndex

_PUNCT = re.compile(r"^[\W_]+$")
_SPACE = re.compile(r"\s+")
_EMPTY = np.zeros(0, dtype=np.int64)


class Entries(NamedTuple):
    """Non-zero features: row, column and value of each, every row's entries in column order
    (rows may interleave: whatever sums per row in input order sums like the CSR product)."""

    rows: np.ndarray
    cols: np.ndarray
    vals: np.ndarray


class WordTokens:
    """A segmenter's tokens of a text, whitespace and punctuation tokens dropped."""

    def __init__(self, cut: Callable[[str], list[str]]):
        self.cut = cut

    def __call__(self, text: str) -> list[str]:
        return [t for t in self.cut(text) if t.strip() and not _PUNCT.match(t)]


def word_tokenizer(name: str | None) -> WordTokens | None:
    """Our segmenter back end ``name`` (e.g. "rjieba", via ``nlp.tokenize.get_segmenter``), or None
    when no name is given or the tokenizer is unavailable. A named back end (not the mutable
    default segmenter) keeps features identical whatever GOVNLP_SEGMENTER says."""
    if not name:
        return None
    try:
        from nlp.tokenize import get_segmenter
    except ImportError:
        return None
    return WordTokens(get_segmenter(name).cut)


def _char_analyzer(ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    lo, hi = ngram_range

    def grams(text: str) -> list[str]:
        text = _SPACE.sub("", text)
        return [text[i:i + n] for n in range(lo, hi + 1) for i in range(len(text) - n + 1)]

    return grams


class TfidfBlock:
    """One TF-IDF block (char or word) whose fitted state is ``vocabulary`` + ``idf``."""

    def __init__(self, kind: str, analyzer: Callable[[str], list[str]], min_df: int = 1,
                 sublinear_tf: bool = True, max_features: int | None = None):
        self.kind = kind
        self.analyzer = analyzer
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.max_features = max_features
        self.vocabulary: list[str] = []
        self.idf: np.ndarray = np.zeros(0)
        self._index: dict[str, int] | None = None  # term -> column, derived from vocabulary on first use

    def fit(self, texts: Sequence[str]) -> TfidfBlock:
        vec = TfidfVectorizer(analyzer=self.analyzer, min_df=self.min_df, sublinear_tf=self.sublinear_tf,
                              max_features=self.max_features, lowercase=False)
        vec.fit(texts)
        order = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
        self.vocabulary = order
        self.idf = vec.idf_.astype(np.float64)
        self._index = None
        return self

    def _term_index(self) -> dict[str, int]:
        index = self._index
        if index is None:
            index = self._index = {t: i for i, t in enumerate(self.vocabulary)}
        return index

    def counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of each vocabulary term in each text, sorted by row then column
        (the analyzer in Python: the word block, and the char block of a model whose n-grams do
        not fit a uint64 key)."""
        index = self._term_index()
        width = len(self.vocabulary)
        # the vocabulary was built from the filtered tokens, so a token the filter drops is never in
        # it: looking up the raw segmenter output counts the same and skips a regex per token
        terms = self.analyzer.cut if isinstance(self.analyzer, WordTokens) else self.analyzer
        found = [terms(text) for text in texts]
        lengths = list(map(len, found))
        # every term's column (−1: not in the vocabulary) in one C-level map, not a Python step per term
        cols = np.fromiter(map(index.get, chain.from_iterable(found), repeat(-1)), dtype=np.int64, count=sum(lengths))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        keep = cols >= 0
        return _split_counts(rows[keep] * width + cols[keep], width)

    def values(self, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray, n: int) -> np.ndarray:
        """TF-IDF values of the counted terms, each row scaled to unit length as
        ``sklearn.preprocessing.normalize`` does it: the squares summed from 0.0 in column order
        (np.bincount adds in input order), then divided by the square root; all-zero rows unscaled."""
        data = counts.astype(np.float64)
        if self.sublinear_tf:
            data = 1.0 + np.log(data)
        data *= self.idf[cols]
        norm = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))[rows]
        np.divide(data, norm, out=data, where=norm != 0.0)
        return data

    def transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The scikit-learn path (a dict look-up per term, sklearn's ``normalize``), kept as the
        specification of :meth:`counts` and :meth:`values`."""
        index = self._term_index()
        indptr, indices, values = [0], [], []
        for text in texts:
            counts: dict[int, int] = {}
            for term in self.analyzer(text):
                j = index.get(term)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            cols = sorted(counts)
            indices.extend(cols)
            values.extend(counts[c] for c in cols)
            indptr.append(len(indices))
        data = np.asarray(values, dtype=np.float64)
        if self.sublinear_tf:
            data = 1.0 + np.log(data)
        cols_arr = np.asarray(indices, dtype=np.int32)
        data *= self.idf[cols_arr]
        x = sp.csr_matrix((data, cols_arr, np.asarray(indptr, dtype=np.int32)),
                          shape=(len(texts), len(self.vocabulary)))
        return normalize(x)


def _split_counts(keys: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, count) from keys ``row * width + column``, sorted by row then column: what
    ``np.unique(keys, return_counts=True)`` gives, by sort and neighbour compare (np.unique's own
    checks and dispatch cost more than that on a report's thousand or so keys)."""
    if not len(keys):
        return _EMPTY, _EMPTY, _EMPTY
    ordered = np.sort(keys)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    uniq = ordered[starts]
    return uniq // width, uniq % width, np.diff(starts, append=len(ordered))


class SignalBlock:
    """One feature per theme: ``weight`` when any of the theme's taxonomy signals occurs in the text."""

    def __init__(self, signals: dict[str, list[str]], weight: float = 1.0):
        self.signals = {k: list(v) for k, v in signals.items()}
        self.weight = weight
        self.codes = list(self.signals)
        # One alternation per theme: "any signal occurs" in a single scan.
        self._patterns = [re.compile("|".join(re.escape(s) for s in self.signals[c] if s)) if any(self.signals[c])
                          else None for c in self.codes]
        # each distinct signal once, with the themes it signals (a cue may serve two themes)
        self.literals = list(dict.fromkeys(s for c in self.codes for s in self.signals[c] if s))
        at = {lit: i for i, lit in enumerate(self.literals)}
        self.literal_themes = np.zeros((len(self.literals), len(self.codes)), dtype=bool)
        for j, c in enumerate(self.codes):
            for sig in self.signals[c]:
                if sig:
                    self.literal_themes[at[sig], j] = True

    def transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The regex path, kept as the specification of the cue entries of :meth:`Featurizer.entries`."""
        rows, cols = [], []
        for i, text in enumerate(texts):
            t = _SPACE.sub("", text)
            for j, pattern in enumerate(self._patterns):
                if pattern is not None and pattern.search(t):
                    rows.append(i)
                    cols.append(j)
        data = np.full(len(rows), self.weight)
        return sp.csr_matrix((data, (rows, cols)), shape=(len(texts), len(self.codes)))


def load_lexicon(name_or_path: str) -> dict[str, list[str]]:
    """Theme → cue list from a lexicon file (a resource name such as ``theme_lexicon.yaml`` or a path)."""
    import yaml

    from nlp.resources import resource_path

    path = Path(name_or_path)
    if not path.is_file():
        path = resource_path(name_or_path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cues = data.get("cues")
    if not isinstance(cues, dict):
        raise ValueError(f"{path}: a theme lexicon needs a 'cues' mapping (theme code → list of cues)")  # noqa: TRY004 — a malformed file, not a wrong argument type
    return {str(k): [str(c) for c in (v or [])] for k, v in cues.items()}


class Featurizer:
    """Char n-grams (always) + word tokens (when a tokenizer is configured and importable)
    + taxonomy signal indicators (when signals are given) + domain-lexicon indicators (when a
    lexicon is given; nlp/resources/theme_lexicon.yaml)."""

    def __init__(self, char_ngram_range: tuple[int, int] = (1, 3), word_tokens: str | None = "govnlp",
                 min_df: int = 1, sublinear_tf: bool = True, signals: dict[str, list[str]] | None = None,
                 signal_weight: float = 1.0, lexicon: dict[str, list[str]] | None = None,
                 lexicon_weight: float = 1.0):
        self.char_ngram_range = tuple(char_ngram_range)
        self.word_tokens = word_tokens
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.blocks: list[TfidfBlock] = []
        self.signal_block = SignalBlock(signals, signal_weight) if signals and signal_weight > 0 else None
        self.lexicon_block = SignalBlock(lexicon, lexicon_weight) if lexicon and lexicon_weight > 0 else None
        self._lookup: tuple[TermIndex, np.ndarray, np.ndarray] | None = None

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.blocks = [TfidfBlock("char", _char_analyzer(self.char_ngram_range), self.min_df, self.sublinear_tf)]
        words = word_tokenizer(self.word_tokens)
        if words is not None:
            self.blocks.append(TfidfBlock("word", words, self.min_df, self.sublinear_tf))
        for b in self.blocks:
            b.fit(texts)
        self._lookup = None
        return self

    def _index(self) -> tuple[TermIndex, np.ndarray, np.ndarray]:
        """The NumPy look-up, built on first use from the fitted state: one :class:`TermIndex` over
        the char n-gram vocabulary and the cues of both indicator blocks; which of the indicator
        columns (the signal block's themes, then the lexicon block's) each of the index's literals
        sets; and each indicator column's value (its block's weight)."""
        if self._lookup is None:
            char = next((b for b in self.blocks if b.kind == "char"), None)
            cues = [blk for blk in (self.signal_block, self.lexicon_block) if blk is not None]
            literals = list(dict.fromkeys(lit for blk in cues for lit in blk.literals))
            index = TermIndex(char.vocabulary if char else [], literals)
            at = {lit: i for i, lit in enumerate(literals)}
            sets = np.zeros((len(literals), sum(len(blk.codes) for blk in cues)), dtype=bool)
            offset = 0
            for blk in cues:
                sets[[at[lit] for lit in blk.literals], offset:offset + len(blk.codes)] = blk.literal_themes
                offset += len(blk.codes)
            weights = np.asarray([float(blk.weight) for blk in cues for _ in blk.codes], dtype=np.float64)
            self._lookup = (index, sets, weights)
        return self._lookup

    def entries(self, texts: Sequence[str]) -> Entries:
        """The features of ``texts`` as :class:`Entries` (columns as in :meth:`transform`): the same
        values as the scikit-learn path, from one NumPy pass over all the texts."""
        texts = list(texts)
        n = len(texts)
        index, cue_sets, cue_values = self._index()
        (term_units, term_cols), (lit_units, lit_ids) = index.find([_SPACE.sub("", t) for t in texts])
        parts: list[Entries] = []
        offset = 0
        for b in self.blocks:
            if b.kind == "char" and index.terms_ok:
                width = len(b.vocabulary)
                rows, cols, counts = _split_counts(term_units * width + term_cols, width)
            else:
                rows, cols, counts = b.counts(texts)
            parts.append(Entries(rows, cols + offset, b.values(rows, cols, counts, n)))
            offset += len(b.vocabulary)
        if len(cue_values):
            # both indicator blocks at once: a row's entries stay in column order (signal themes, then
            # lexicon themes), the order the blocks' separate parts had within each row
            hit, column = np.nonzero(cue_sets[lit_ids])
            width = len(cue_values)
            rows, cols, _ = _split_counts(lit_units[hit] * width + column, width)
            parts.append(Entries(rows, cols + offset, cue_values[cols]))
        if not parts:
            return Entries(_EMPTY, _EMPTY, np.zeros(0))
        return Entries(*(np.concatenate(a) for a in zip(*parts)))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(n, n_features) CSR matrix, equal (data, indices and indptr) to :meth:`transform_reference`."""
        texts = list(texts)
        e = self.entries(texts)
        order = np.argsort(e.rows, kind="stable")  # row-major, each row's entries kept in block and column order
        indptr = np.zeros(len(texts) + 1, dtype=np.int32)
        np.cumsum(np.bincount(e.rows, minlength=len(texts)), out=indptr[1:])
        return sp.csr_matrix((e.vals[order], e.cols[order].astype(np.int32), indptr),
                             shape=(len(texts), self.n_features))

    def transform_reference(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The scikit-learn/SciPy path (per-term dict look-ups, a regex per theme, ``sp.hstack``)."""
        parts = [b.transform_reference(texts) for b in self.blocks]
        if self.signal_block is not None:
            parts.append(self.signal_block.transform_reference(texts))
        if self.lexicon_block is not None:
            parts.append(self.lexicon_block.transform_reference(texts))
        return sp.hstack(parts, format="csr")

    @property
    def n_features(self) -> int:
        return (sum(len(b.vocabulary) for b in self.blocks) + (len(self.signal_block.codes) if self.signal_block else 0)
                + (len(self.lexicon_block.codes) if self.lexicon_block else 0))

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"char_ngram_range": list(self.char_ngram_range), "word_tokens": self.word_tokens,
                "min_df": self.min_df, "sublinear_tf": self.sublinear_tf,
                "blocks": [{"kind": b.kind, "vocabulary": b.vocabulary} for b in self.blocks],
                # a list of pairs, not a dict: the column order must survive JSON key sorting
                "signals": [[c, self.signal_block.signals[c]] for c in self.signal_block.codes]
                if self.signal_block else None,
                "signal_weight": self.signal_block.weight if self.signal_block else 0.0,
                "lexicon": [[c, self.lexicon_block.signals[c]] for c in self.lexicon_block.codes]
                if self.lexicon_block else None,
                "lexicon_weight": self.lexicon_block.weight if self.lexicon_block else 0.0}
        arrays = {f"idf_{i}": b.idf for i, b in enumerate(self.blocks)}
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Featurizer:
        signals = dict(meta["signals"]) if meta.get("signals") else None  # dict keeps the pair order
        lexicon = dict(meta["lexicon"]) if meta.get("lexicon") else None
        f = cls(tuple(meta["char_ngram_range"]), meta["word_tokens"], meta["min_df"], meta["sublinear_tf"],
                signals, meta.get("signal_weight", 0.0), lexicon, meta.get("lexicon_weight", 0.0))
        for i, bm in enumerate(meta["blocks"]):
            if bm["kind"] == "char":
                analyzer = _char_analyzer(f.char_ngram_range)
            else:
                analyzer = word_tokenizer(f.word_tokens)
                if analyzer is None:
                    raise RuntimeError("this theme model uses word tokens but nlp.tokenize is unavailable")
            b = TfidfBlock(bm["kind"], analyzer, f.min_df, f.sublinear_tf)
            b.vocabulary = list(bm["vocabulary"])
            b.idf = np.asarray(arrays[f"idf_{i}"], dtype=np.float64)
            f.blocks.append(b)
        return f
