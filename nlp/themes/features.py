"""TF-IDF features over character n-grams and (when the tokenizer is present) our word tokens.

Fitting uses scikit-learn; the fitted state is plain data (vocabulary + idf) so that a model
saves as JSON/NumPy and transforms identically after loading.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

_PUNCT = re.compile(r"^[\W_]+$")


def word_tokenizer(name: str | None) -> Callable[[str], list[str]] | None:
    """Our segmenter back end ``name`` (e.g. "rjieba", via ``nlp.tokenize.get_segmenter``), or None
    when no name is given or the tokenizer is unavailable. A named back end (not the mutable
    default segmenter) keeps features identical whatever GOVNLP_SEGMENTER says."""
    if not name:
        return None
    try:
        from nlp.tokenize import get_segmenter
    except ImportError:
        return None
    seg = get_segmenter(name)

    def tokens(text: str) -> list[str]:
        return [t for t in seg.cut(text) if t.strip() and not _PUNCT.match(t)]

    return tokens


def _char_analyzer(ngram_range: tuple[int, int]) -> Callable[[str], list[str]]:
    lo, hi = ngram_range

    def grams(text: str) -> list[str]:
        text = re.sub(r"\s+", "", text)
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

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        # The counts are gathered directly (as CountVectorizer does, without its per-call checks):
        # statements come a report at a time, so fixed costs per call dominate.
        index = self._index
        if index is None:
            index = self._index = {t: i for i, t in enumerate(self.vocabulary)}
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


class SignalBlock:
    """One feature per theme: ``weight`` when any of the theme's taxonomy signals occurs in the text."""

    def __init__(self, signals: dict[str, list[str]], weight: float = 1.0):
        self.signals = {k: list(v) for k, v in signals.items()}
        self.weight = weight
        self.codes = list(self.signals)
        # One alternation per theme: "any signal occurs" in a single scan.
        self._patterns = [re.compile("|".join(re.escape(s) for s in self.signals[c] if s)) if any(self.signals[c])
                          else None for c in self.codes]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        rows, cols = [], []
        for i, text in enumerate(texts):
            t = re.sub(r"\s+", "", text)
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

    def fit(self, texts: Sequence[str]) -> Featurizer:
        self.blocks = [TfidfBlock("char", _char_analyzer(self.char_ngram_range), self.min_df, self.sublinear_tf)]
        words = word_tokenizer(self.word_tokens)
        if words is not None:
            self.blocks.append(TfidfBlock("word", words, self.min_df, self.sublinear_tf))
        for b in self.blocks:
            b.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        parts = [b.transform(texts) for b in self.blocks]
        if self.signal_block is not None:
            parts.append(self.signal_block.transform(texts))
        if self.lexicon_block is not None:
            parts.append(self.lexicon_block.transform(texts))
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
