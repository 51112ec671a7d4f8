"""ThemeClassifier: multi-label themes for section-五 statements.

TF-IDF (char n-grams + our word tokens) → one logistic regression per theme (one-vs-rest,
class-balanced) → per-theme thresholds chosen on inner validation folds of the training data
only. Every statement gets at least one theme: when no score clears its threshold, the best
scoring theme is taken.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from nlp.themes.features import Featurizer


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = float(np.sum(y & p))
    fp = float(np.sum(~y & p))
    fn = float(np.sum(y & ~p))
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


_CLAUSE_SPLIT = re.compile(r"[，,；;。：:！？!?]")


def clauses(text: str, min_chars: int = 6) -> list[str]:
    """Clauses of a statement (split on ，；。：), short ones glued to the next; [] if only one."""
    out: list[str] = []
    buf = ""
    for piece in _CLAUSE_SPLIT.split(text):
        buf += piece
        if len(buf) >= min_chars:
            out.append(buf)
            buf = ""
    if buf:
        if out:
            out[-1] += buf
        else:
            out.append(buf)
    return out if len(out) > 1 else []


class ThemeClassifier:
    """Multi-label theme classifier with scikit-learn's fit / predict / predict_proba surface.

    Parameters are hyper-parameters only; fitted state ends in ``_``.
    ``groups`` passed to :meth:`fit` keep one document's statements in one inner fold.
    """

    def __init__(self, C: float = 4.0, char_ngram_range: tuple[int, int] = (1, 3),
                 word_tokens: str | None = "rjieba", min_df: int = 1, class_weight: str | None = "balanced",
                 inner_folds: int = 4, threshold_grid: Sequence[float] = tuple(np.round(np.arange(0.1, 0.91, 0.05), 2)),
                 default_threshold: float = 0.5, signal_weight: float = 1.0, clause_pooling: bool = True,
                 random_state: int = 0):
        self.C = C
        self.char_ngram_range = char_ngram_range
        self.word_tokens = word_tokens
        self.min_df = min_df
        self.class_weight = class_weight
        self.inner_folds = inner_folds
        self.threshold_grid = threshold_grid
        self.default_threshold = default_threshold
        self.signal_weight = signal_weight
        self.clause_pooling = clause_pooling
        self.random_state = random_state

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("C", "char_ngram_range", "word_tokens", "min_df", "class_weight",
                                              "inner_folds", "threshold_grid", "default_threshold", "signal_weight",
                                              "clause_pooling", "random_state")}

    # -- fitting -------------------------------------------------------------------------
    def _fit_core(self, texts: Sequence[str], y: np.ndarray) -> tuple[Featurizer, np.ndarray, np.ndarray]:
        feat = Featurizer(self.char_ngram_range, self.word_tokens, self.min_df,
                          signals=self.signals_, signal_weight=self.signal_weight).fit(texts)
        x = feat.transform(texts)
        coef = np.zeros((y.shape[1], x.shape[1]))
        intercept = np.full(y.shape[1], -30.0)  # a label never seen in training never fires
        for j in range(y.shape[1]):
            col = y[:, j]
            if col.all():
                intercept[j] = 30.0
                continue
            if not col.any():
                continue
            lr = LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", dual=True,
                                    random_state=self.random_state, max_iter=1000)
            lr.fit(x, col)
            coef[j] = lr.coef_[0]
            intercept[j] = lr.intercept_[0]
        return feat, coef, intercept

    def _proba(self, feat: Featurizer, coef: np.ndarray, intercept: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Statement probabilities; with ``clause_pooling`` the max over the statement and its clauses
        (real statements bundle themes clause by clause, domain.md §3.1)."""
        units: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            parts = [text] + (clauses(text) if self.clause_pooling else [])
            units.extend(parts)
            owner.extend([i] * len(parts))
        z = feat.transform(units) @ coef.T + intercept
        p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
        out = np.zeros((len(texts), coef.shape[0]))
        np.maximum.at(out, np.asarray(owner), p)
        return out

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]], classes: Sequence[str],
            groups: Sequence[str] | None = None, signals: dict[str, Sequence[str]] | None = None) -> ThemeClassifier:
        """Fit on statements ``texts`` with label lists ``labels`` drawn from ``classes``.

        ``signals`` (theme → keywords, from the taxonomy) add one indicator feature per theme.
        """
        texts = list(texts)
        self.signals_ = {k: list(v) for k, v in signals.items()} if signals else None
        self.classes_ = list(classes)
        index = {c: i for i, c in enumerate(self.classes_)}
        y = np.zeros((len(texts), len(self.classes_)), dtype=bool)
        for i, labs in enumerate(labels):
            for lab in labs:
                if lab not in index:
                    raise ValueError(f"label {lab!r} is not in the taxonomy ({self.classes_})")
                y[i, index[lab]] = True
        groups = list(groups) if groups is not None else [str(i) for i in range(len(texts))]
        self.thresholds_ = self._tune_thresholds(texts, y, groups)
        self.featurizer_, self.coef_, self.intercept_ = self._fit_core(texts, y)
        self.n_train_ = len(texts)
        self.support_ = {c: int(y[:, j].sum()) for j, c in enumerate(self.classes_)}
        return self

    def _tune_thresholds(self, texts: list[str], y: np.ndarray, groups: list[str]) -> np.ndarray:
        thresholds = np.full(y.shape[1], self.default_threshold)
        n_groups = len(set(groups))
        k = min(self.inner_folds, n_groups)
        if k < 2:
            return thresholds
        oof = np.zeros(y.shape, dtype=float)
        # GroupKFold is deterministic for a given input order
        for tr, va in GroupKFold(n_splits=k).split(texts, groups=groups):
            feat, coef, intercept = self._fit_core([texts[i] for i in tr], y[tr])
            oof[va] = self._proba(feat, coef, intercept, [texts[i] for i in va])
        for j in range(y.shape[1]):
            if not y[:, j].any():
                continue
            scores = [(_f1(y[:, j], oof[:, j] >= t), -abs(t - self.default_threshold), t) for t in self.threshold_grid]
            thresholds[j] = max(scores)[2]
        return thresholds

    # -- prediction ----------------------------------------------------------------------
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, n_classes) probabilities from the per-theme logistic regressions."""
        if not len(texts):
            return np.zeros((0, len(self.classes_)))
        return self._proba(self.featurizer_, self.coef_, self.intercept_, list(texts))

    def predict_indicator(self, texts: Sequence[str]) -> np.ndarray:
        proba = self.predict_proba(texts)
        out = proba >= self.thresholds_
        for i in range(len(out)):
            if not out[i].any():
                out[i, int(np.argmax(proba[i] - self.thresholds_))] = True
        return out

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """Theme codes per text (at least one each)."""
        ind = self.predict_indicator(texts)
        return [[c for c, on in zip(self.classes_, row) if on] for row in ind]

    # -- persistence (plain JSON + NumPy; see nlp.themes.store) -----------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        fmeta, farrays = self.featurizer_.state()
        params = self.get_params()
        params["threshold_grid"] = [float(t) for t in params["threshold_grid"]]
        params["char_ngram_range"] = list(params["char_ngram_range"])
        meta = {"params": params, "classes": self.classes_, "featurizer": fmeta,
                "n_train": self.n_train_, "support": self.support_}
        arrays = dict(farrays)
        arrays.update({"coef": self.coef_.astype(np.float32), "intercept": self.intercept_,
                       "thresholds": self.thresholds_})
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> ThemeClassifier:
        p = dict(meta["params"])
        p["char_ngram_range"] = tuple(p["char_ngram_range"])
        p["threshold_grid"] = tuple(p["threshold_grid"])
        clf = cls(**p)
        clf.classes_ = list(meta["classes"])
        clf.featurizer_ = Featurizer.from_state(meta["featurizer"], arrays)
        clf.signals_ = meta["featurizer"].get("signals")
        clf.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        clf.intercept_ = np.asarray(arrays["intercept"], dtype=np.float64)
        clf.thresholds_ = np.asarray(arrays["thresholds"], dtype=np.float64)
        clf.n_train_ = meta.get("n_train", 0)
        clf.support_ = meta.get("support", {})
        return clf
