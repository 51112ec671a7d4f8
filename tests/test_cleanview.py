"""clean_view copies runs of kept characters instead of stepping character by character: the view
and its offsets equal the per-character reference on the seeds, the real reports, their whitespace,
line-break, full-width and CRLF variants, and on generated text; the role model's matrix filled in
one assignment equals the one written entry by entry."""
from __future__ import annotations

import numpy as np
from conftest import layout_variants, text_reports
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.io import read_document
from nlp.pipeline import Pipeline
from nlp.statements import problems_span
from nlp.statements.cleanview import _FOOTER, _MD_HEADING, _SENTENCE_END, _WS, _is_ascii_word, clean_view
from nlp.statements.roles import default_model, unit_features
from nlp.statements.split import split_units


def reference_clean_view(text: str, start: int = 0, end: int | None = None) -> tuple[str, list[int]]:
    """The character-by-character loop clean_view replaces."""
    end = len(text) if end is None else end
    chars: list[str] = []
    offs: list[int] = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        line_start = pos
        pos += len(line)
        if _FOOTER.match(body):
            continue
        skip = 0
        m = _MD_HEADING.match(body)
        if m:
            skip = m.end()
        for i in range(skip, len(body)):
            ch = body[i]
            if ch in _WS:
                continue
            if chars and offs[-1] < line_start + i - 1 and _is_ascii_word(chars[-1]) and _is_ascii_word(ch):
                prev_gap = text[offs[-1] + 1:line_start + i]
                if prev_gap and all(c in " \t\u00a0" for c in prev_gap):
                    chars.append(" ")
                    offs.append(offs[-1] + 1)
            chars.append(ch)
            offs.append(line_start + i)
        if len(line) != len(body) and chars and chars[-1] in _SENTENCE_END:
            chars.append("\n")
            offs.append(line_start + len(body))
    return "".join(chars), offs


def _texts() -> list[str]:
    return [v for p in text_reports() for v in layout_variants(read_document(p).text)]


def test_clean_view_equals_reference_on_reports_and_variants() -> None:
    for text in _texts():
        view = clean_view(text)
        assert (view.text, view.offsets) == reference_clean_view(text)
        a, b = len(text) // 3, 2 * len(text) // 3
        view = clean_view(text, a, b)
        assert (view.text, view.offsets) == reference_clean_view(text, a, b)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab1 　\t\r\n\u00a0。；,#-—5第页共\x0b\u2028\x85问题", max_size=60), st.integers(0, 60),
       st.integers(0, 60))
def test_clean_view_equals_reference_on_generated_text(text: str, a: int, b: int) -> None:
    view = clean_view(text)
    assert (view.text, view.offsets) == reference_clean_view(text)
    a, b = min(a, b, len(text)), min(max(a, b), len(text))
    view = clean_view(text, a, b)
    assert (view.text, view.offsets) == reference_clean_view(text, a, b)


def test_role_matrix_equals_entry_by_entry_fill() -> None:
    model = default_model()
    pipeline = Pipeline(["normalize", "segment", "metadata"])
    n = 0
    for text in _texts():
        report = pipeline.from_text(text)
        span = problems_span(report)
        if span is None:
            continue
        _, units = split_units(report.text, span[0], span[1])
        feats = unit_features(units)
        expected = np.zeros((len(feats), len(model.vocabulary_)))
        for r, f in enumerate(feats):
            for k, v in f.items():
                j = model.vocabulary_.get(k)
                if j is not None:
                    expected[r, j] = v
        got = model._matrix(feats)
        assert got.shape == expected.shape and got.flags.c_contiguous and got.tobytes() == expected.tobytes()
        n += len(feats)
    assert n >= 20
