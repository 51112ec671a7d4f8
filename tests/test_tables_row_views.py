"""Candidate rows read from line views kept with a line's shared tokens (rows.line_view) equal the rows
read line by line with line_values (the code they replace, kept here), on the seeds, the real reports
(when ../shared is present), their variants and recurring lines."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_fastpaths_analysis import _LINE_LIST, _LINES, texts_and_variants

from nlp.tables import table3
from nlp.tables.rows import Cell, RowCandidate, build_rows, line_values, runtogether_options
from nlp.tables.tokens import Line, tokenize


def reference_build_rows(lines: list[Line], ncols: int, groups: list[int] | None) -> list[RowCandidate]:
    """build_rows as it was, each line's cells read with line_values at its offset."""
    rows: list[RowCandidate] = []
    pending: list[str] = []
    buf: list[Cell] = []
    buf_label, buf_line = None, 0

    def emit(cells, line, own, options=None):
        nonlocal pending
        if rows:
            rows[-1].after = list(pending)
        rows.append(RowCandidate(cells, line, own, before=pending, options=options or []))
        pending = []

    def flush():
        nonlocal buf, buf_label
        if buf:
            opts = runtogether_options(buf, ncols, groups) if len(buf) < ncols else []
            if opts:
                emit(opts[0], buf_line, buf_label, opts)
        buf, buf_label = [], None

    for line in lines:
        toks = line.tokens
        first_val, label = None, None
        for i, t in enumerate(toks):
            if t.kind in ("value", "digits"):
                first_val = i
                break
            if t.kind == "label":
                label = t.key
        if first_val is None:
            if label is not None:
                flush()
                pending.extend(t.key for t in toks if t.kind == "label")
            continue
        vals = line_values(toks[first_val:], ncols, line.delimited, line.offset)
        if label is not None or len(vals) >= ncols:
            flush()
        if len(vals) >= ncols:
            emit(vals[:ncols], line.index, label)
            continue
        opts = runtogether_options(vals, ncols, groups) if (label is not None or not buf) else []
        if opts:
            flush()
            emit(opts[0], line.index, label, opts)
            continue
        if not buf:
            buf_label, buf_line = label, line.index
        buf.extend(vals)
        if len(buf) >= ncols:
            emit(buf[:ncols], buf_line, buf_label)
            buf, buf_label = buf[ncols:], None
    flush()
    if rows:
        rows[-1].after = list(pending)
    return rows


def _same_rows(got: list[RowCandidate], want: list[RowCandidate]) -> bool:
    # equal cells, and the blank cells of one line shared as line_values shares them
    return got == want and all(
        [id(c) for c in g.cells].count(id(g.cells[-1])) == [id(c) for c in w.cells].count(id(w.cells[-1]))
        for g, w in zip(got, want) if g.cells)


def test_rows_from_line_views_equal_line_values_per_line() -> None:
    seen = 0
    for text in [_LINES, *texts_and_variants()]:
        for fmt in ("2021", "2019"):
            lines = tokenize(text, 0, len(text), table3.matcher(fmt))
            for ncols, groups in ((7, [7]), (3, None), (15, [5, 5, 5])):
                got = build_rows(lines, ncols, groups)
                assert _same_rows(got, reference_build_rows(lines, ncols, groups))
                seen += len(got)
    assert seen > 500


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_LINE_LIST + ["\t0", "| 0 | 0 |", "| 1 | 2 |  |  |", "（七）总计\t1\t2\t\t", "1 / 2",
                                              "8010000812", "（一）予以公开", ""]), min_size=1, max_size=8),
       st.integers(1, 8))
def test_recurring_lines_give_the_rows_of_their_own_reading(lines: list[str], ncols: int) -> None:
    # A line's view is made once per line text and column count, and shared by the lines at other offsets.
    text = "\n".join(lines + lines[::-1] + lines)
    parsed = tokenize(text, 0, len(text), table3.matcher("2021"))
    for groups in ([ncols], None):
        assert _same_rows(build_rows(parsed, ncols, groups), reference_build_rows(parsed, ncols, groups))
