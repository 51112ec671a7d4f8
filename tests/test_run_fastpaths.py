"""The speed-ups of the main job give the answers of the plain code they replace.

Each fast path is compared with a plain reference on the seeds, the real reports (when
../shared is present) and hand-made text: normalisation copying runs of ordinary characters,
marker searches bounded by ``end`` instead of slicing, the memo of tokenised table lines,
theme scoring done once for labels and scores, and LSH band parameters computed without datasketch.
"""
from __future__ import annotations

from conftest import REAL, SEED_FILES
from datasketch import MinHashLSH
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.io import read_document
from nlp.normalize import _ASCII_CLAUSE, _CHAR_MAP, _deleted_positions, _is_cjk, _is_cjk_letter, normalize
from nlp.pipeline import parse_text
from nlp.similarity.clusters import band_params
from nlp.tables import parse_tables
from nlp.tables.labels import find_marker
from nlp.tables.table3 import spec as t3_spec
from nlp.themes import classify_texts, get_model


def report_texts() -> list[str]:
    paths = list(SEED_FILES)
    if REAL.is_dir():
        paths += sorted(p for p in REAL.iterdir() if p.suffix.lower() in (".txt", ".md", ".html"))
    return [read_document(p).text for p in paths]


def reference_normalize(text: str) -> tuple[str, tuple[int, ...]]:
    """The character-by-character loop that normalize() replaces with run copies."""
    deleted = _deleted_positions(text)
    chars: list[str] = []
    omap: list[int] = []
    n, i = len(text), 0
    while i < n:
        if i in deleted:
            i += 1
            continue
        ch = _CHAR_MAP.get(text[i], text[i])
        if ch == " ":
            j = i
            while j < n and j not in deleted and _CHAR_MAP.get(text[j], text[j]) in (" ", ""):
                j += 1
            left = chars[-1] if chars else "\n"
            right = _CHAR_MAP.get(text[j], text[j]) if j < n else "\n"
            if not (_is_cjk(left) or _is_cjk(right)):
                for k in range(i, j):
                    if _CHAR_MAP.get(text[k], text[k]):
                        chars.append(" ")
                        omap.append(k)
            i = j
            continue
        if ch in _ASCII_CLAUSE and ((chars and _is_cjk_letter(chars[-1])) or (i + 1 < n and _is_cjk_letter(text[i + 1]))):
            ch = _ASCII_CLAUSE[ch]
        if ch:
            chars.append(ch)
            omap.append(i)
        i += 1
    return "".join(chars), tuple(omap)


def test_normalize_equals_the_character_loop_on_real_reports() -> None:
    for text in report_texts():
        n = normalize(text)
        assert (n.text, n._map) == reference_normalize(text)


# Characters that exercise every branch: CJK, full-width forms, the spaces and deletions of
# _CHAR_MAP, ASCII clause marks, digits, line breaks and page-number lines.
_ALPHABET = list("政府信息公开年度报告一二三") + list("０１Ａ（）“”\u3000\u00a0\u200b\ufeff\r") + list(" ,;:?!.12ab\n\t-")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_ALPHABET), st.just("\n- 3 -\n"), st.just("第 2 页")), max_size=80))
def test_normalize_equals_the_character_loop_on_generated_text(parts: list[str]) -> None:
    text = "".join(parts)
    n = normalize(text)
    assert (n.text, n._map) == reference_normalize(text)


def test_bounded_marker_search_equals_search_in_a_slice() -> None:
    markers = [t3_spec()["body_start"], *t3_spec()["end_markers"]]
    for text in report_texts():
        for end in (len(text) // 4, len(text) // 2, len(text) - 7, len(text)):
            for start in (0, end // 3):
                assert find_marker(text, markers, start, end) == find_marker(text[:end], markers, start)


def test_table_line_memo_never_leaks_between_texts() -> None:
    texts = report_texts()[:3]
    first = [parse_tables(t) for t in texts]
    again = [parse_tables(t) for t in reversed(texts)][::-1]  # other texts parsed in between
    copies = [parse_tables("".join(list(t))) for t in texts]  # equal text, another object
    assert first == again == copies
    assert first[0] != first[1]


def test_themes_scored_once_equal_separate_predict_and_predict_proba() -> None:
    clf = get_model()
    texts = [st["text"] for text in report_texts()
             for st in parse_text(text, pipeline="statements").statement_records()]
    assert len(texts) >= 15  # the seeds alone hold 19 section-五 statements; real reports add more
    results = classify_texts(texts)
    proba = clf.predict_proba(texts)
    assert [r["themes"] for r in results] == clf.predict(texts)
    for r, row in zip(results, proba):
        assert r["scores"] == {c: round(float(p), 4) for c, p in zip(clf.classes_, row)}


def test_band_parameters_are_datasketch_own() -> None:
    """Computed without datasketch, the choice of its MinHashLSH for every threshold it accepts."""
    for num_perm in (32, 64, 128, 256):
        for threshold in [round(0.05 * k, 2) for k in range(1, 20)]:
            try:
                lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
            except ValueError:  # datasketch refuses fewer than two bands
                continue
            assert band_params(threshold, num_perm) == (lsh.b, lsh.r), (threshold, num_perm)
