"""The row alignment of table 三 (rows.align_rows) against the plain quadratic dynamic programme.

``align_rows`` computes each step with a running maximum instead of trying every (state, key)
pair; its ties and back-pointers must stay those of the plain form, which is kept here as the
reference. Rows are random mixes of labelled rows, unlabelled rows and nearby bare labels, the
shapes that PDF and Markdown extractions of real reports produce.
"""
from __future__ import annotations

from conftest import REAL, SEED_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.io import read_document
from nlp.tables.rows import Cell, RowCandidate, _gain, align_rows, build_rows
from nlp.tables.table3 import columns, detect, locate, matcher, row_keys
from nlp.tables.tokens import tokenize

KEYS = row_keys("2021")


def reference_align(rows: list[RowCandidate], keys: list[str]) -> dict[str, tuple[RowCandidate, bool]]:
    index = {k: i for i, k in enumerate(keys)}
    K = len(keys)
    best = {-1: (0.0, None)}
    history = []
    for r, row in enumerate(rows):
        new = dict(best)
        for last, (score, _) in best.items():
            for j in range(last + 1, K):
                gain = _gain(row, keys[j], index)
                if gain == float("-inf"):
                    continue
                cand = score + gain
                if j not in new or cand > new[j][0] + 1e-9:
                    new[j] = (cand, (r, last))
        history.append(new)
        best = new
    j = max(best, key=lambda s: (best[s][0], -s))
    assignment = {}
    r = len(rows) - 1
    while r >= 0 and j != -1:
        _, ptr = history[r][j]
        if ptr is not None and ptr[0] == r:
            assignment[r] = j
            j = ptr[1]
        r -= 1
    out = {}
    taken = sorted(assignment.items())
    for n, (r, j) in enumerate(taken):
        row = rows[r]
        supported = row.own == keys[j] or keys[j] in row.before or keys[j] in row.after
        lo = taken[n - 1][1] if n else -1
        hi = taken[n + 1][1] if n + 1 < len(taken) else K
        prev_r = taken[n - 1][0] if n else -1
        next_r = taken[n + 1][0] if n + 1 < len(taken) else len(rows)
        out[keys[j]] = (row, not supported and hi - lo - 1 != next_r - prev_r - 1)
    return out


key_or_none = st.one_of(st.none(), st.sampled_from(KEYS), st.just("not_a_row"))
row_strategy = st.builds(
    lambda own, before, after: (own, before, after),
    key_or_none,
    st.lists(st.sampled_from(KEYS), max_size=3),
    st.lists(st.sampled_from(KEYS), max_size=3),
)


def make_rows(specs: list[tuple]) -> list[RowCandidate]:
    return [RowCandidate([Cell(i, str(i), i, i + 1)], i, own, list(before), list(after))
            for i, (own, before, after) in enumerate(specs)]


def summary(placed: dict[str, tuple[RowCandidate, bool]]) -> dict[str, tuple[int, bool]]:
    return {k: (row.line, amb) for k, (row, amb) in placed.items()}


@settings(max_examples=300, deadline=None)
@given(st.lists(row_strategy, max_size=40))
def test_alignment_matches_the_plain_dynamic_programme(specs: list[tuple]) -> None:
    rows = make_rows(specs)
    assert summary(align_rows(rows, KEYS)) == summary(reference_align(rows, KEYS))


@settings(max_examples=200, deadline=None)
@given(st.sets(st.integers(0, len(KEYS) - 1)), st.lists(st.lists(st.sampled_from(KEYS), max_size=2), max_size=30))
def test_rows_labelled_in_template_order_take_their_keys_like_the_plain_programme(picked: set[int],
                                                                                 near: list[list[str]]) -> None:
    # The fast path of align_rows: every row has its own label, in template order.
    specs = [(KEYS[j], near[n] if n < len(near) else [], []) for n, j in enumerate(sorted(picked))]
    rows = make_rows(specs)
    assert summary(align_rows(rows, KEYS)) == summary(reference_align(rows, KEYS))


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=len(KEYS)), st.integers(min_value=0, max_value=6))
def test_unlabelled_rows_tie_like_the_plain_programme(n_rows: int, n_labels: int) -> None:
    # Only unlabelled rows and few bare labels: every placement ties, the hardest case for order.
    specs = [(None, KEYS[i:i + 1] if i < n_labels else [], []) for i in range(n_rows)]
    rows = make_rows(specs)
    assert summary(align_rows(rows, KEYS)) == summary(reference_align(rows, KEYS))


def real_candidates() -> list[tuple[str, list[RowCandidate], list[str]]]:
    """Candidate rows of table 三 in the seeds and real reports, as read and with labels cut from their
    numbers (one cell per line: the PDF layout whose rows are placed by alignment alone)."""
    paths = list(SEED_FILES) + (sorted(p for p in REAL.iterdir() if p.suffix.lower() in (".txt", ".md", ".html", ".pdf"))
                                if REAL.is_dir() else [])
    out = []
    for path in paths:
        text = read_document(path).text
        for variant in (text, text.replace("\t", "\n")):
            span = locate(variant)
            if span is None:
                continue
            fmt = detect(variant[span[0]:span[1]])
            lines = tokenize(variant, *span, matcher(fmt))
            out.append((path.name, build_rows(lines, len(columns()), [len(columns())]), row_keys(fmt)))
    return out


def test_alignment_matches_the_plain_programme_on_real_tables() -> None:
    cases = real_candidates()
    assert len(cases) >= 10
    for name, rows, keys in cases:
        placed = align_rows(rows, keys)
        assert summary(placed) == summary(reference_align(rows, keys)), name
    # The seeds' tab layout labels every row: all 25 rows of the 2021 format are placed, none ambiguous.
    name, rows, keys = cases[0]
    placed = align_rows(rows, keys)
    assert len(placed) == len(keys) and not any(amb for _, amb in placed.values()), name


def test_labelled_rows_take_their_own_keys() -> None:
    specs = [(KEYS[0], [], []), (None, [], []), (KEYS[5], [], [])]
    placed = summary(align_rows(make_rows(specs), KEYS))
    assert placed[KEYS[0]] == (0, False) and placed[KEYS[5]] == (2, False)
    # The unlabelled row lands between them, and is ambiguous: 4 keys for 1 row in that gap.
    between = [k for k, (line, _) in placed.items() if line == 1]
    assert len(between) == 1 and 0 < KEYS.index(between[0]) < 5 and placed[between[0]][1]


def test_an_exact_gap_is_not_ambiguous() -> None:
    specs = [(KEYS[0], [], []), (None, [], []), (KEYS[2], [], [])]
    placed = summary(align_rows(make_rows(specs), KEYS))
    assert placed[KEYS[1]] == (1, False)
