"""The NumPy theme scorer gives the scikit-learn/SciPy path's features and probabilities, bit for bit.

``Featurizer.transform`` / ``entries`` and ``ThemeClassifier.predict_proba`` look n-grams and cues
up in NumPy and sum in SciPy's order; ``transform_reference`` / ``predict_proba_reference`` keep the
scikit-learn path (a dict look-up per n-gram, a regex per theme, sklearn's ``normalize``,
``sp.hstack`` and the sparse product). They are compared on the statements of the seeds and the
real reports (and their whitespace, line-break, full-width and CRLF variants), on the training
statements, and on hand-made edge cases.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from conftest import layout_variants, requires_shared, text_reports
from sklearn.base import clone

from nlp.io import read_document
from nlp.pipeline import parse_text
from nlp.themes import ThemeClassifier, classify_texts, get_model
from nlp.themes.data import load_statements
from nlp.themes.features import Featurizer
from nlp.themes.train import default_training_files


def _report_statements() -> list[list[str]]:
    out = []
    for p in text_reports():
        for text in layout_variants(read_document(p).text):
            out.append([s["text"] for s in parse_text(text, pipeline="statements").statement_records()])
    return [s for s in out if s]


def assert_same_matrix(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert a.data.dtype == b.data.dtype and a.data.tobytes() == b.data.tobytes()


def assert_same_scoring(clf: ThemeClassifier, texts: list[str]) -> None:
    units, _ = clf._unit_texts(texts)
    assert_same_matrix(clf.featurizer_.transform(units), clf.featurizer_.transform_reference(units))
    fast, ref = clf.predict_proba(texts), clf.predict_proba_reference(texts)
    assert fast.tobytes() == ref.tobytes()  # bit-identical, so labels and rounded scores are too
    assert np.array_equal(clf._decide(fast, clf.thresholds_), clf._decide(ref, clf.thresholds_))


def test_default_model_on_report_statements_and_variants() -> None:
    clf = get_model()
    reports = _report_statements()
    assert sum(map(len, reports)) >= 19 * 5  # the seeds alone hold 19 statements, times five variants
    for statements in reports:  # a report at a time, as the pipeline scores them
        assert_same_scoring(clf, statements)
    assert_same_scoring(clf, [s for r in reports for s in r])  # and all at once


@requires_shared
def test_default_model_on_training_statements() -> None:
    texts = [s.text for s in load_statements(default_training_files()).statements]
    assert len(texts) > 1000
    assert_same_scoring(get_model(), texts)


EDGE = ["", "   ", "\n\t", "无", "政策解读", "政策解读形式单一，解读材料不够丰富；回应关切不及时。",
        "依申请公开办理不规范、答复不及时，20个工作日内未答复", "开通H5页面，12345热线转办",
        "村(居)务公开栏更新不及时", "政 策 解 读\u3000不 到 位", "😀政策解读😀",
        "Policy interpretation 形式单一", "a", "，；。", "政" * 300]


def test_default_model_on_edge_cases() -> None:
    clf = get_model()
    assert_same_scoring(clf, EDGE)
    for text in EDGE:
        assert_same_scoring(clf, [text])
    assert clf.predict_proba([]).shape == (0, len(clf.classes_))


def test_cues_longer_than_a_key_and_shared_between_themes() -> None:
    cues = {"a": ["政务公开工作年度报告", "政务公开工作年度总结", "年报"], "b": ["年报", "政务公开"], "c": []}
    corpus = [s for r in _report_statements()[:5] for s in r]  # hundreds of characters: ~10-bit ids
    f = Featurizer((2, 4), None, signals=cues).fit(corpus)
    assert f._index()[0].max_n < 10  # the two long cues share a key-length prefix: both must be checked
    texts = ["本年政务公开工作年度报告", "政务公开工作年度总结", "政务公开工作年度", "年", "", "政务公开\n工作年度总结",
             "年报；政务公开工作年度报告和政务公开工作年度总结"]
    assert_same_matrix(f.transform(texts), f.transform_reference(texts))
    assert f.transform(texts).toarray()[:, -3:].tolist() == [[1, 1, 0], [1, 1, 0], [0, 1, 0], [0, 0, 0],
                                                             [0, 0, 0], [1, 1, 0], [1, 1, 0]]
    assert_same_matrix(f.transform(corpus), f.transform_reference(corpus))


def test_python_counting_when_ngrams_do_not_fit_a_key() -> None:
    texts = [s for r in _report_statements()[:5] for s in r]
    f = Featurizer((1, 12), None).fit(texts)  # 12 characters × ids of 6+ bits: more than 63 bits
    assert not f._index()[0].terms_ok
    assert_same_matrix(f.transform(texts), f.transform_reference(texts))


@pytest.mark.parametrize("estimator", ["logreg", "svm"])
def test_fitted_small_model_scores_like_the_reference(estimator: str) -> None:
    reports = _report_statements()
    texts = [s for r in reports[:10] for s in r]
    a, b = "interpretation_response", "platform_channel"
    labels = [[a] if "解读" in t else [b] for t in texts]
    clf = ThemeClassifier(inner_folds=2, estimator=estimator, word_tokens=None, char_ngram_range=(1, 3),
                          lexicon="theme_lexicon.yaml")
    clf.fit(texts, labels, [a, b], signals={a: ["解读", "政策解读会议"], b: ["网站", "政府网站"]})
    assert clf.lexicon_ and clf.signals_
    assert_same_scoring(clf, texts)
    assert_same_scoring(clf, EDGE + ["\ud800政策解读"])  # a lone surrogate is one position too
    for r in reports:
        assert_same_scoring(clf, r)
    c = clone(clf)  # still a scikit-learn estimator: parameters only, no fitted state
    assert c.get_params() == clf.get_params() and not hasattr(c, "coef_")


def test_classify_texts_scores_are_the_rounded_probabilities() -> None:
    clf = get_model()
    texts = [s for r in _report_statements()[:5] for s in r]
    proba = clf.predict_proba_reference(texts)
    for r, row in zip(classify_texts(texts), proba):
        assert r["scores"] == {c: round(float(p), 4) for c, p in zip(clf.classes_, row)}


def test_decide_equals_the_statement_by_statement_rule() -> None:
    """_decide's array form: fallback dropped beside a real theme, else the best theme over its threshold."""
    clf = get_model()
    rng = np.random.default_rng(0)
    thr = clf.thresholds_
    fb = clf.classes_.index(clf.fallback_) if clf.fallback_ else None
    for _ in range(200):
        proba = rng.random((int(rng.integers(1, 9)), len(clf.classes_))) ** 3
        proba[rng.random(proba.shape) < 0.2] = thr[0]  # ties with a threshold
        ref = proba >= thr
        for i in range(len(ref)):
            if fb is not None and ref[i].sum() > 1:
                ref[i, fb] = False
            if not ref[i].any():
                ref[i, int(np.argmax(proba[i] - thr))] = True
        assert np.array_equal(clf._decide(proba, thr), ref)


def test_key_table_finds_exactly_its_keys() -> None:
    """KeyTable.find: the slot holding the key, −1 for any other key (collisions and probe runs included:
    few slot bits and keys crowded into one region force long runs)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nlp.themes.ngrams import KeyTable

    keys = st.one_of(st.integers(0, 2 ** 62), st.integers(0, 40), st.integers(2 ** 44, 2 ** 44 + 40))

    @settings(max_examples=300, deadline=None)
    @given(st.sets(keys, max_size=200), st.lists(keys, max_size=100))
    def check(stored, queries):
        stored = sorted(stored)
        table = KeyTable(np.asarray(stored, dtype=np.int64))
        assert (table.key >= 0).sum() == len(stored) and len(table.key) > 2 * len(stored)
        assert np.array_equal(table.key[table.slot], np.asarray(stored, dtype=np.int64))
        q = np.asarray(stored + queries, dtype=np.int64)
        got = table.find(q)
        want = [k in set(stored) for k in q.tolist()]
        assert ((got >= 0) == np.asarray(want, dtype=bool)).all()
        assert np.array_equal(table.key[got[got >= 0]], q[got >= 0])

    check()


def test_split_counts_is_unique_with_counts() -> None:
    """_split_counts (sort and neighbour compare) gives np.unique(return_counts=True)'s keys and counts."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nlp.themes.features import _split_counts

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.integers(0, 2 ** 40), max_size=300), st.integers(1, 2 ** 20))
    def check(keys, width):
        rows, cols, counts = _split_counts(np.asarray(keys, dtype=np.int64), width)
        uniq, want = np.unique(np.asarray(keys, dtype=np.int64), return_counts=True)
        assert np.array_equal(rows * width + cols, uniq) and np.array_equal(counts, want)
        assert (cols < width).all()

    check()
