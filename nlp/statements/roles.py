"""Problem or measure: a trained role model over each statement's wording and structure.

Features of a unit: its character uni/bigrams (enumerator stripped), its first two characters, whether
it opens with a measure verb (加强/完善/建立健全 …) or carries a problem cue (不够/有待/欠缺 …), the
role named by its governing heading or opener, the kind of that cue, its position in section 五 and
in its block, and the wording of its neighbours. A logistic regression scores every unit; a constrained
decoding over the section then keeps problems before measures inside a block (a measure may be
followed by a problem only where a new problem heading or a new enumerated item starts), and the
posterior of the chosen label is reported as ``role_confidence``.

The shipped model lives in ``models/roles-default/`` (installed as ``nlp.models``) (model.json + arrays.npz, no pickle).
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from nlp.resources import model_dir
from nlp.statements.split import Unit, patterns, strip_enumerator
from nlp.text.codes import code_points

MODEL_DIR = model_dir("roles-default")
FORMAT = "govnlp-roles/1"
ROLES = ("problem", "measure")


_SPACE_DIGIT = re.compile(r"[\s\d]")
_OPENER = re.compile(r"^(?:(?:19|20)\d\d年度?|下一?步|今后|对此|为此|接下来|同时|另外|此外)[，,]?")
_SUBJECT = re.compile(r"^(?:我们|我[局镇乡委办县区市]|本(?:单位|部门|机关))")


def _gram_text(core: str) -> str:
    """The text whose characters and character bigrams are features: ``core`` (a statement with its
    enumerator stripped) without whitespace and digits."""
    return _SPACE_DIGIT.sub("", core)


def _grams(t: str) -> list[str]:
    """The character uni/bigram features of a :func:`_gram_text`."""
    return [f"c:{c}" for c in set(t)] + [f"b:{a}{b}" for a, b in pairwise(t)]


def _gram_key(gram: str) -> int:
    """The key of a character or bigram in :meth:`RoleModel._gram_columns` (code points < 2^21)."""
    return ord(gram) if len(gram) == 1 else (ord(gram[0]) << 21) | ord(gram[1])


_CUE_NAMES = ("measure_verb", "problem_cue", "will", "done", "planned", "answer")
_PREV_NAMES = tuple(f"prev_{k}" for k in _CUE_NAMES)
_NEXT_NAMES = tuple(f"next_{k}" for k in _CUE_NAMES)


def _cue_values(text: str, core: str) -> tuple[float, ...]:
    """The cue features of a statement (``core``: it without its enumerator), in ``_CUE_NAMES`` order."""
    pats = patterns()
    core = _OPENER.sub("", core)
    core = _SUBJECT.sub("", core)
    answer = pats["answer"].search(core)
    # the problem named in "针对…问题，已…" is the reference of the answer, not a claim of the statement
    claim = core[answer.end():] if answer else text
    return (
        float(bool(pats["measure_verb"].search(core))),
        min(len(pats["problem_cue"].findall(claim)), 3) / 3,
        float("将" in text),
        float(bool(pats["done"].search(text))),
        float(bool(pats["planned"].search(text))),
        # "针对上年度…问题，已…": names a problem but reports work done on it
        float(bool(answer)),
    )


def _unit_parts(units: Sequence[Unit]) -> list[tuple[str, dict[str, float]]]:
    """Per unit: its :func:`_gram_text` and its other features (structure, cues, neighbours)."""
    n = len(units)
    out = []
    cores = [strip_enumerator(u.text) for u in units]
    # a unit's cues are read three times (its own, and as its neighbours' prev_/next_): found once
    cues = [_cue_values(u.text, core) for u, core in zip(units, cores)]
    for i, u in enumerate(units):
        f: dict[str, float] = {f"first2:{cores[i][:2]}": 1.0}
        f.update(zip(_CUE_NAMES, cues[i]))
        f[f"block_role:{u.block_role}"] = 1.0
        f[f"block_kind:{u.block_kind}"] = 1.0
        f[f"block_role_kind:{u.block_role}:{u.block_kind}"] = 1.0
        f["first_block"] = float(u.block == units[0].block)
        f["pos"] = i / max(1, n - 1)
        f["first_in_block"] = float(i == 0 or units[i - 1].block != u.block)
        f["item"] = float(u.item)
        f["merged"] = float(u.merged)
        f["lead_will"] = float("将" in u.lead)
        if i > 0:
            f.update(zip(_PREV_NAMES, cues[i - 1]))
        if i + 1 < n:
            f.update(zip(_NEXT_NAMES, cues[i + 1]))
        f["bias_doc"] = 1.0
        out.append((_gram_text(cores[i]), f))
    return out


def unit_features(units: Sequence[Unit]) -> list[dict[str, float]]:
    """One sparse feature dict per unit (wording, structure, neighbours)."""
    out = []
    for t, rest in _unit_parts(units):
        f: dict[str, float] = dict.fromkeys(_grams(t), 1.0)
        f.update(rest)
        out.append(f)
    return out


def isolated_features(text: str) -> dict[str, float]:
    """Features of a statement seen without its report (synthetic training data): wording only."""
    core = strip_enumerator(text)
    f: dict[str, float] = dict.fromkeys(_grams(_gram_text(core)), 1.0)
    f[f"first2:{core[:2]}"] = 1.0
    f.update(zip(_CUE_NAMES, _cue_values(text, core)))
    f["isolated"] = 1.0
    return f


class RoleModel(BaseEstimator, ClassifierMixin):
    """Binary logistic regression (measure vs problem) over feature dicts; deterministic."""

    def __init__(self, C: float = 1.0, min_df: int = 2, switch_penalty: float = 6.0,
                 item_switch_penalty: float = 2.0, random_state: int = 0) -> None:
        self.C = C
        self.min_df = min_df
        self.switch_penalty = switch_penalty  # cost (nats) of a measure → problem switch mid-block
        self.item_switch_penalty = item_switch_penalty  # … where a new enumerated item starts
        self.random_state = random_state

    def _matrix(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        # the same dense matrix as setting X[r, j] = v one by one (a row's keys are distinct, so are
        # their columns), filled by one flat fancy assignment; the keys are looked up by map() in C
        # (an unknown key gets the column ``width``, dropped), not by a Python step per feature
        vocab = self.vocabulary_
        width = len(vocab)
        sizes = [len(f) for f in feats]
        total = sum(sizes)
        cols = np.fromiter(map(vocab.get, chain.from_iterable(feats), repeat(width)), dtype=np.intp, count=total)
        vals = np.fromiter(chain.from_iterable(f.values() for f in feats), dtype=np.float64, count=total)
        at = cols + np.repeat(np.arange(len(feats), dtype=np.intp) * width, sizes)
        known = cols < width
        X = np.zeros(len(feats) * width, dtype=np.float64)
        X[at[known]] = vals[known]
        return X.reshape(len(feats), width)

    def _gram_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The "c:" and "b:" features as sorted keys (a character's code point; a bigram's two code
        points, the first shifted by 21 bits) with their columns, derived once from ``vocabulary_``."""
        cached = getattr(self, "_gram_cache", None)
        if cached is None or cached[0] is not self.vocabulary_:
            tables = []
            for prefix, size in (("c:", 1), ("b:", 2)):
                names = [(k[2:], j) for k, j in self.vocabulary_.items() if k.startswith(prefix) and len(k) == 2 + size]
                keys = np.array([_gram_key(g) for g, _ in names], dtype=np.int64)
                order = np.argsort(keys)
                tables += [keys[order], np.array([j for _, j in names], dtype=np.intp)[order]]
            cached = self._gram_cache = (self.vocabulary_, *tables)
        return cached[1:]

    def _unit_matrix(self, units: Sequence[Unit]) -> np.ndarray:
        """``_matrix(unit_features(units))`` without building and looking up the gram names: the
        matrix of the other features, then the grams of all units found in :meth:`_gram_columns` at
        once (a dict look-up per gram missed the cache in a pipeline run). Gram and other columns
        differ, and a gram repeated in a unit sets its 1.0 twice: the same matrix."""
        parts = _unit_parts(units)
        X = self._matrix([rest for _, rest in parts])
        flat = X.reshape(-1)
        width = X.shape[1]
        texts = [t for t, _ in parts]
        codes = code_points("".join(texts)).astype(np.int64)
        row = np.repeat(np.arange(len(texts), dtype=np.intp), [len(t) for t in texts])
        pair = np.flatnonzero(row[:-1] == row[1:])  # a bigram stays inside one unit
        char_keys, char_cols, pair_keys, pair_cols = self._gram_columns()
        for rows, keys, table, cols in ((row, codes, char_keys, char_cols),
                                        (row[pair], (codes[pair] << 21) | codes[pair + 1], pair_keys, pair_cols)):
            if len(table) and len(keys):
                i = np.minimum(np.searchsorted(table, keys), len(table) - 1)
                hit = table[i] == keys
                flat[rows[hit] * width + cols[i[hit]]] = 1.0
        return X

    def fit(self, feats: Sequence[dict[str, float]], y: Sequence[str]) -> RoleModel:
        from sklearn.linear_model import LogisticRegression

        df: dict[str, int] = {}
        for f in feats:
            for k in f:
                df[k] = df.get(k, 0) + 1
        names = sorted(k for k, c in df.items() if c >= self.min_df)
        self.vocabulary_ = {k: j for j, k in enumerate(names)}
        clf = LogisticRegression(C=self.C, solver="liblinear", random_state=self.random_state, max_iter=1000)
        clf.fit(self._matrix(feats), np.array([r == "measure" for r in y], dtype=int))
        self.coef_ = clf.coef_[0].astype(np.float64)
        self.intercept_ = float(clf.intercept_[0])
        return self

    def predict_proba(self, feats: Sequence[dict[str, float]]) -> np.ndarray:
        """P(measure) per unit, before decoding."""
        return self._proba(self._matrix(feats))

    def _proba(self, X: np.ndarray) -> np.ndarray:
        z = X @ self.coef_ + self.intercept_
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, feats: Sequence[dict[str, float]]) -> list[str]:
        return ["measure" if p >= 0.5 else "problem" for p in self.predict_proba(feats)]

    def decode(self, units: Sequence[Unit]) -> tuple[list[str], list[float]]:
        """Constrained labelling of one section's units and the posterior of each label."""
        if not units:
            return [], []
        p = np.clip(self._proba(self._unit_matrix(units)), 1e-6, 1 - 1e-6)  # predict_proba(unit_features(units))
        emit = np.log(np.stack([1 - p, p], axis=1)).tolist()  # column 0 problem, 1 measure
        switch = [self._switch(units, i) for i in range(len(units))]
        labels = _viterbi(emit, switch)
        post = _posteriors(emit, switch)
        return [ROLES[k] for k in labels], [round(post[i][k], 3) for i, k in enumerate(labels)]

    def _switch(self, units: Sequence[Unit], i: int) -> float:
        """Log transition into unit i from a measure to a problem (every other transition is 0.0)."""
        if i == 0:
            return 0.0
        u = units[i]
        new_problem_block = u.block != units[i - 1].block and u.block_role in ("problem", None) \
            and u.block_kind == "heading"
        # a clause cut before its own measure ("…单一，今后将…") pairs with it: problem-measure pairs
        # may follow each other ("一是P，对此将M；二是P，下步将M")
        pair_start = i + 1 < len(units) and units[i + 1].merged
        # the order constraint is about plans: work already done ("针对上年度…问题，已…", "首先，2017年我乡
        # 已…") is reported before this year's problems, so a problem may follow it freely
        after_done = bool(patterns()["done"].search(units[i - 1].text)) \
            and not patterns()["planned"].search(units[i - 1].text)
        if not new_problem_block and not pair_start and not after_done:
            return -float(self.item_switch_penalty if u.item else self.switch_penalty)
        return 0.0

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        meta = {"params": self.get_params(), "vocabulary": sorted(self.vocabulary_, key=self.vocabulary_.get),
                "intercept": self.intercept_}
        return meta, {"coef": self.coef_}

    @classmethod
    def from_state(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> RoleModel:
        m = cls(**meta["params"])
        m.vocabulary_ = {k: j for j, k in enumerate(meta["vocabulary"])}
        m.coef_ = np.asarray(arrays["coef"], dtype=np.float64)
        m.intercept_ = float(meta["intercept"])
        return m


# Two states (0 problem, 1 measure) and one non-zero transition per step (``switch[i]``, measure →
# problem into unit i): the recursions run on Python floats, each sum and maximum the same IEEE
# operation the (2, 2) NumPy arrays did (NumPy calls cost more than the arithmetic on two states), and
# only exp and log go through NumPy, whose SIMD exp/log can differ from the math module's in the last bit.

def _viterbi(emit: list[list[float]], switch: list[float]) -> list[int]:
    score = emit[0]
    back: list[tuple[int, int]] = [(0, 0)]
    for i in range(1, len(emit)):
        s0, s1 = score
        to_p = (s0 + 0.0, s1 + switch[i])  # [from problem, from measure] into a problem
        to_m = (s0 + 0.0, s1 + 0.0)
        b = (0 if to_p[0] >= to_p[1] else 1, 0 if to_m[0] >= to_m[1] else 1)  # argmax: first maximum
        back.append(b)
        score = [to_p[b[0]] + emit[i][0], to_m[b[1]] + emit[i][1]]
    path = [0 if score[0] >= score[1] else 1]
    for i in range(len(emit) - 1, 0, -1):
        path.append(back[i][path[-1]])
    return path[::-1]


def _posteriors(emit: list[list[float]], switch: list[float]) -> list[list[float]]:
    """Forward-backward posteriors (log-sum-exp as max + log(sum(exp(x - max)))); the forward step k
    and the backward step n-1-k share one exp and one log call."""
    n = len(emit)
    fw = [emit[0]] + [[0.0, 0.0] for _ in range(n - 1)]
    bw = [[0.0, 0.0] for _ in range(n)]
    for k in range(1, n):
        f0, f1 = fw[k - 1]
        a = (f0 + 0.0, f1 + switch[k], f0 + 0.0, f1 + 0.0)  # [from][to], column by column
        j = n - 1 - k
        v0, v1 = emit[j + 1][0] + bw[j + 1][0], emit[j + 1][1] + bw[j + 1][1]
        b = (0.0 + v0, 0.0 + v1, switch[j + 1] + v0, 0.0 + v1)  # [from][to], row by row
        mf = (max(a[0], a[1]), max(a[2], a[3]))
        mb = (max(b[0], b[1]), max(b[2], b[3]))
        e = np.exp([a[0] - mf[0], a[1] - mf[0], a[2] - mf[1], a[3] - mf[1],
                    b[0] - mb[0], b[1] - mb[0], b[2] - mb[1], b[3] - mb[1]]).tolist()
        lg = np.log([e[0] + e[1], e[2] + e[3], e[4] + e[5], e[6] + e[7]]).tolist()
        fw[k] = [mf[0] + lg[0] + emit[k][0], mf[1] + lg[1] + emit[k][1]]
        bw[j] = [mb[0] + lg[2], mb[1] + lg[3]]
    f0, f1 = fw[-1]
    m = max(f0, f1)
    e0, e1 = np.exp([f0 - m, f1 - m]).tolist()
    z = m + np.log([e0 + e1]).tolist()[0]
    return np.exp([[fw[i][0] + bw[i][0] - z, fw[i][1] + bw[i][1] - z] for i in range(n)]).tolist()


def marker_roles(units: Sequence[Unit]) -> list[str]:
    """The keyword/position baseline: the role the governing heading or opener names; problem before any."""
    return [u.block_role or "problem" for u in units]


def save_model(model: RoleModel, model_dir: str | Path, extra: dict[str, Any] | None = None) -> None:
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    meta, arrays = model.state()
    doc = {"format": FORMAT, "model": meta, **(extra or {})}
    (model_dir / "model.json").write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                          encoding="utf-8")
    np.savez(model_dir / "arrays.npz", **arrays)


def load_model(model_dir: str | Path | None = None) -> RoleModel:
    model_dir = Path(model_dir) if model_dir else MODEL_DIR
    path = model_dir / "model.json"
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: no role model here (expected model.json and arrays.npz); "
                                "train one with `python -m nlp.statements.train_roles`")
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown role model format {doc.get('format')!r} (expected {FORMAT})")
    with np.load(model_dir / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return RoleModel.from_state(doc["model"], arrays)


@lru_cache(maxsize=2)
def default_model(model_dir: str | None = None) -> RoleModel:
    return load_model(model_dir)


def assign_roles(units: Sequence[Unit], method: str = "model",
                 model: RoleModel | None = None) -> tuple[list[str], list[float | None]]:
    """Roles and confidences of one section's units (``method``: model | markers)."""
    if method == "markers":
        return marker_roles(units), [None] * len(units)
    labels, conf = (model or default_model()).decode(units)
    return labels, list(conf)
