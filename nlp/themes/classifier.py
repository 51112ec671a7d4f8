"""ThemeClassifier: multi-label themes for section-五 statements.

TF-IDF (char n-grams + our word tokens) + taxonomy-signal and (optionally) domain-lexicon
indicators → one linear model per theme (one-vs-rest, class-balanced): a logistic regression, or a
linear SVM whose margins are Platt-scaled into probabilities (``estimator="svm"``) → per-theme
thresholds chosen on inner validation folds of the training data only. Every statement gets at
least one theme: when no score clears its threshold, the best scoring theme is taken.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import compress
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, ParameterGrid, StratifiedKFold
from sklearn.svm import LinearSVC

from nlp.themes.features import Featurizer, load_lexicon

ESTIMATORS = ("logreg", "svm")


def _macro_f1(y: np.ndarray, p: np.ndarray) -> float:
    """Macro-F1 over the themes present in ``y`` (a theme without gold examples is not scored)."""
    present = [j for j in range(y.shape[1]) if y[:, j].any()]
    return float(f1_score(y[:, present], p[:, present], average="macro", zero_division=0.0)) if present else 0.0


def _f1(y: np.ndarray, p: np.ndarray) -> float:
    return float(f1_score(y, p, zero_division=0.0))


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


def _linear(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, n: int, weights: np.ndarray,
            intercept: np.ndarray) -> np.ndarray:
    """``X @ weights + intercept`` for the sparse ``X`` given by its entries, summed as SciPy's CSR
    product sums (``y += x_ij * w_j`` from 0.0, entry by entry in each row's order): np.bincount adds
    its weights in input order, so the sums, and the probabilities, are bit-identical.

    Rows are gathered with ``take`` (a block copy per row, where fancy indexing copies element by
    element) and nothing is broadcast along the short theme axis (NumPy buffers such operands):
    a third of the instructions of this, the largest array step of scoring."""
    k = weights.shape[1]
    terms = weights.take(cols, axis=0)
    terms *= np.repeat(vals, k).reshape(-1, k)
    slots = np.arange(n * k).reshape(n, k).take(rows, axis=0)  # slot rows[e] * k + j of term (e, j)
    return np.bincount(slots.ravel(), weights=terms.ravel(), minlength=n * k).reshape(n, k) + intercept


def _max_pool(z: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Sigmoid of the unit scores, then the maximum over each statement's units."""
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
    out = np.zeros((n, z.shape[1]))
    if len(owner):
        np.maximum.at(out, owner, p)
    return out


class ThemeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label theme classifier, a scikit-learn estimator: ``fit`` / ``predict`` / ``predict_proba``,
    ``get_params`` / ``set_params`` and ``sklearn.base.clone`` work.

    Parameters are hyper-parameters only; fitted state ends in ``_``.
    ``groups`` passed to :meth:`fit` keep one document's statements in one inner fold.
    """

    def __init__(self, C: float = 4.0, char_ngram_range: tuple[int, int] = (1, 3),
                 word_tokens: str | None = "rjieba", min_df: int = 1, class_weight: str | None = "balanced",
                 inner_folds: int = 4, threshold_grid: Sequence[float] = tuple(np.round(np.arange(0.1, 0.91, 0.05), 2)),
                 default_threshold: float = 0.5, signal_weight: float = 1.0, clause_pooling: bool = True,
                 real_weight: float = 1.0, param_grid: dict[str, Sequence[float]] | None = None,
                 random_state: int = 0, lexicon: str | None = None, lexicon_weight: float = 1.0,
                 estimator: str = "logreg"):
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
        self.real_weight = real_weight
        self.param_grid = param_grid
        self.random_state = random_state
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.estimator = estimator

    # -- fitting -------------------------------------------------------------------------
    def _featurizer(self, texts: Sequence[str]) -> Featurizer:
        return Featurizer(self.char_ngram_range, self.word_tokens, self.min_df,
                          signals=self.signals_, signal_weight=self.signal_weight,
                          lexicon=getattr(self, "lexicon_", None), lexicon_weight=self.lexicon_weight).fit(texts)

    def _fit_lr(self, x: Any, y: np.ndarray, C: float, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        coef = np.zeros((y.shape[1], x.shape[1]))
        intercept = np.full(y.shape[1], -30.0)  # a label never seen in training never fires
        for j in range(y.shape[1]):
            col = y[:, j]
            if col.all():
                intercept[j] = 30.0
                continue
            if not col.any():
                continue
            if self.estimator == "svm":
                coef[j], intercept[j] = self._fit_svm(x, col, C, weights)
                continue
            lr = LogisticRegression(C=C, class_weight=self.class_weight, solver="liblinear", dual=True,
                                    random_state=self.random_state, max_iter=1000)
            lr.fit(x, col, sample_weight=weights)
            coef[j] = lr.coef_[0]
            intercept[j] = lr.intercept_[0]
        return coef, intercept

    def _svc(self, C: float) -> LinearSVC:
        return LinearSVC(C=C, class_weight=self.class_weight, random_state=self.random_state, max_iter=5000)

    def _fit_svm(self, x: Any, col: np.ndarray, C: float, weights: np.ndarray) -> tuple[np.ndarray, float]:
        """Linear SVM + Platt scaling fitted on out-of-fold margins. sigmoid(a·(w·x+b)+c) is again a
        logistic-linear model, so the calibrated SVM is stored as (a·w, a·b+c) and scored like the
        logistic regression (same saved format, same clause max-pooling)."""
        margins = np.zeros(len(col))
        k = int(min(3, col.sum(), (~col).sum()))
        if k >= 2:
            for tr, va in StratifiedKFold(n_splits=k).split(np.zeros(len(col)), col):
                margins[va] = self._svc(C).fit(x[tr], col[tr], sample_weight=weights[tr]).decision_function(x[va])
        svc = self._svc(C).fit(x, col, sample_weight=weights)
        if k < 2:
            margins = svc.decision_function(x)
        # a mildly regularised Platt fit: on separable margins an unregularised one gives slopes so steep
        # that probabilities saturate at 0 and 1 and the thresholds and the argmax fallback lose their order
        platt = LogisticRegression(C=1.0, solver="lbfgs", max_iter=1000).fit(margins.reshape(-1, 1), col)
        a, c = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        return a * svc.coef_[0], a * float(svc.intercept_[0]) + c

    def _unit_texts(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """Each statement and (with ``clause_pooling``) its clauses, with their owner index."""
        units: list[str] = []
        owner: list[int] = []
        for i, text in enumerate(texts):
            parts = [text] + (clauses(text) if self.clause_pooling else [])
            units.extend(parts)
            owner.extend([i] * len(parts))
        return units, np.asarray(owner, dtype=int)

    def _units(self, feat: Featurizer, texts: Sequence[str]) -> tuple[Any, np.ndarray]:
        """Features of each statement and (with ``clause_pooling``) of its clauses, with their owner index."""
        units, owner = self._unit_texts(texts)
        return feat.transform(units), owner

    @staticmethod
    def _pool(xu: Any, owner: np.ndarray, n: int, coef: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """Statement probability = max over the statement and its clauses (themes are bundled
        clause by clause in real statements, domain.md §3.1)."""
        return _max_pool(xu @ coef.T + intercept, owner, n)

    def _candidates(self) -> list[dict[str, float]]:
        base = {"C": self.C, "real_weight": self.real_weight}
        if not self.param_grid:
            return [base]
        return [base | dict(c) for c in ParameterGrid(dict(self.param_grid))]

    def fit(self, texts: Sequence[str], labels: Sequence[Sequence[str]], classes: Sequence[str],
            groups: Sequence[str] | None = None, signals: dict[str, Sequence[str]] | None = None,
            fallback: str | None = None, score_mask: Sequence[bool] | None = None) -> ThemeClassifier:
        """Fit on statements ``texts`` with label lists ``labels`` drawn from ``classes``.

        ``signals`` (theme → keywords, from the taxonomy) add one indicator feature per theme.
        ``fallback`` (the taxonomy's ``other``) is only predicted when no other theme is.
        ``score_mask`` marks in-domain (real) statements: they get ``real_weight`` and, with a
        ``param_grid``, the inner-fold macro-F1 that picks the hyper-parameters is computed on them.
        """
        texts = list(texts)
        if self.estimator not in ESTIMATORS:
            raise ValueError(f"estimator must be one of {ESTIMATORS}, not {self.estimator!r}")
        self.fallback_ = fallback if fallback in classes else None
        self.signals_ = {k: list(v) for k, v in signals.items()} if signals else None
        # only the cues of themes in this taxonomy (a researcher's taxonomy may not share our codes)
        self.lexicon_ = ({c: v for c, v in load_lexicon(self.lexicon).items() if c in classes} or None
                         if self.lexicon else None)
        self.classes_ = list(classes)
        index = {c: i for i, c in enumerate(self.classes_)}
        y = np.zeros((len(texts), len(self.classes_)), dtype=bool)
        for i, labs in enumerate(labels):
            for lab in labs:
                if lab not in index:
                    raise ValueError(f"label {lab!r} is not in the taxonomy ({self.classes_})")
                y[i, index[lab]] = True
        groups = list(groups) if groups is not None else [str(i) for i in range(len(texts))]
        mask = np.ones(len(texts), dtype=bool) if score_mask is None else np.asarray(score_mask, dtype=bool)
        cands = self._candidates()
        oofs = self._inner_oof(texts, y, groups, cands, mask)
        best = (-1.0, 0)
        self.thresholds_ = np.full(y.shape[1], self.default_threshold)
        self.inner_scores_ = []
        for ci, oof in enumerate(oofs):
            thr = self._tune(oof, y)
            score = _macro_f1(y[mask], self._decide(oof[mask], thr)) if mask.any() else 0.0
            self.inner_scores_.append({**cands[ci], "inner_macro_f1": round(score, 4)})
            if score > best[0]:
                best = (score, ci)
                self.thresholds_ = thr
        self.best_params_ = cands[best[1]]
        self.featurizer_ = self._featurizer(texts)
        x = self.featurizer_.transform(texts)
        weights = np.where(mask, self.best_params_["real_weight"], 1.0) if score_mask is not None else np.ones(len(texts))
        self.coef_, self.intercept_ = self._fit_lr(x, y, self.best_params_["C"], weights)
        self.n_train_ = len(texts)
        self.support_ = {c: int(y[:, j].sum()) for j, c in enumerate(self.classes_)}
        return self

    def _inner_oof(self, texts: list[str], y: np.ndarray, groups: list[str], cands: list[dict[str, float]],
                   mask: np.ndarray) -> list[np.ndarray]:
        """Out-of-fold probabilities on inner grouped folds of the training data, one array per candidate."""
        k = min(self.inner_folds, len(set(groups)))
        if k < 2:
            return []
        oofs = [np.zeros(y.shape, dtype=float) for _ in cands]
        # GroupKFold is deterministic for a given input order
        for tr, va in GroupKFold(n_splits=k).split(texts, groups=groups):
            tr_texts = [texts[i] for i in tr]
            feat = self._featurizer(tr_texts)
            x = feat.transform(tr_texts)
            xu, owner = self._units(feat, [texts[i] for i in va])
            for ci, cand in enumerate(cands):
                weights = np.where(mask[tr], cand["real_weight"], 1.0)
                coef, intercept = self._fit_lr(x, y[tr], cand["C"], weights)
                oofs[ci][va] = self._pool(xu, owner, len(va), coef, intercept)
        return oofs

    def _tune(self, oof: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Per-theme threshold maximising out-of-fold F1 (ties → closest to the default)."""
        thresholds = np.full(y.shape[1], self.default_threshold)
        for j in range(y.shape[1]):
            if not y[:, j].any():
                continue
            scores = [(_f1(y[:, j], oof[:, j] >= t), -abs(t - self.default_threshold), t) for t in self.threshold_grid]
            thresholds[j] = max(scores)[2]
        return thresholds

    def _decide(self, proba: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
        out = proba >= thresholds
        fb = self.classes_.index(self.fallback_) if getattr(self, "fallback_", None) else None
        if fb is not None:
            out[out.sum(axis=1) > 1, fb] = False  # "other" is a fallback, never a companion of a real theme
        empty = np.flatnonzero(~out.any(axis=1))
        if len(empty):  # the best scoring theme relative to its threshold (the first of equals)
            out[empty, np.argmax(proba[empty] - thresholds, axis=1)] = True
        return out

    # -- prediction ----------------------------------------------------------------------
    def _coef_rows(self) -> np.ndarray:
        """``coef_`` whose transpose is contiguous, derived once per fitted matrix: the sparse product
        with the strided ``coef_.T`` copied the whole matrix on every call (most of the scoring time
        when reports come one at a time). Same values, so the same products."""
        cached = getattr(self, "_coef_cache", None)
        if cached is None or cached[0] is not self.coef_:
            cached = self._coef_cache = (self.coef_, np.ascontiguousarray(self.coef_.T).T)
        return cached[1]

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """(n, n_classes) probabilities from the per-theme logistic regressions (clause max-pooled),
        in NumPy on the fitted coefficients: equal, bit for bit, to :meth:`predict_proba_reference`."""
        if not len(texts):
            return np.zeros((0, len(self.classes_)))
        units, owner = self._unit_texts(list(texts))
        e = self.featurizer_.entries(units)
        return _max_pool(_linear(e.rows, e.cols, e.vals, len(units), self._coef_rows().T, self.intercept_),
                         owner, len(texts))

    def predict_proba_reference(self, texts: Sequence[str]) -> np.ndarray:
        """The scikit-learn/SciPy path (sparse features, sparse product), the specification of
        :meth:`predict_proba`."""
        if not len(texts):
            return np.zeros((0, len(self.classes_)))
        units, owner = self._unit_texts(list(texts))
        return self._pool(self.featurizer_.transform_reference(units), owner, len(texts), self._coef_rows(),
                          self.intercept_)

    def predict_indicator(self, texts: Sequence[str]) -> np.ndarray:
        return self._decide(self.predict_proba(texts), self.thresholds_)

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        """Theme codes per text (at least one each)."""
        return self.predict_with_proba(texts)[0]

    def predict_with_proba(self, texts: Sequence[str]) -> tuple[list[list[str]], np.ndarray]:
        """(theme codes, probabilities) from one pass over the features (the pipeline needs both)."""
        proba = self.predict_proba(texts)
        ind = self._decide(proba, self.thresholds_)
        return [list(compress(self.classes_, row)) for row in ind.tolist()], proba

    # -- persistence (plain JSON + NumPy; see nlp.themes.store) -----------------------------
    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        fmeta, farrays = self.featurizer_.state()
        params = self.get_params()
        params["threshold_grid"] = [float(t) for t in params["threshold_grid"]]
        params["char_ngram_range"] = list(params["char_ngram_range"])
        if params["param_grid"]:
            params["param_grid"] = {k: [float(v) for v in vals] for k, vals in sorted(params["param_grid"].items())}
        meta = {"params": params, "best_params": self.best_params_, "inner_scores": self.inner_scores_,
                "classes": self.classes_, "fallback": self.fallback_, "featurizer": fmeta,
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
        clf.signals_ = dict(meta["featurizer"]["signals"]) if meta["featurizer"].get("signals") else None
        clf.lexicon_ = dict(meta["featurizer"]["lexicon"]) if meta["featurizer"].get("lexicon") else None
        clf.fallback_ = meta.get("fallback")
        clf.best_params_ = meta.get("best_params", {"C": clf.C, "real_weight": clf.real_weight})
        clf.inner_scores_ = meta.get("inner_scores", [])
        clf.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        clf.intercept_ = np.asarray(arrays["intercept"], dtype=np.float64)
        clf.thresholds_ = np.asarray(arrays["thresholds"], dtype=np.float64)
        clf.n_train_ = meta.get("n_train", 0)
        clf.support_ = meta.get("support", {})
        return clf
