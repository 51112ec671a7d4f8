"""From lines of cells to candidate rows, and from candidate rows to table rows.

Rows are anchored on their labels, never on counting the numbers of a section in order:
a row whose label shares its line is tied to that label; an unlabelled row (label lost,
split or printed after the numbers, as in PDF and Markdown extractions) is placed by a
monotone alignment with the template order, helped by the bare labels printed near it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nlp.tables.runtogether import group_candidates, split_candidates
from nlp.tables.tokens import Line, Token
from nlp.text.numbers import parse_cell

VALUE_KINDS = ("value", "digits")
_CELL_KINDS = frozenset((*VALUE_KINDS, "empty"))


@dataclass(slots=True)  # hundreds per report: slots make them smaller and quicker to build
class Cell:
    value: int | float | None
    raw: str
    start: int | None
    end: int | None
    ambiguous: bool = False
    # Run-together digits: the splits of the cell's group (row; table 四 whole) that survived every
    # constraint (set only when more than one did), and the constraint that decided a split cell.
    candidates: list[list[int | float]] | None = None
    decided_by: str | None = None

    def provenance(self) -> dict:
        p = {"raw": self.raw, "start": self.start, "end": self.end, "ambiguous": self.ambiguous}
        if self.candidates is not None:
            p["candidates"] = self.candidates
        if self.decided_by is not None:
            p["decided_by"] = self.decided_by
        return p


MISSING = Cell(None, "", None, None)


@dataclass
class RowCandidate:
    cells: list[Cell]  # ncols cells (for run-together rows: the first candidate)
    line: int
    own: str | None = None  # label printed on the same line
    before: list[str] = field(default_factory=list)  # bare labels between the previous row and this one
    after: list[str] = field(default_factory=list)
    options: list[list[Cell]] = field(default_factory=list)  # run-together splits (>1: ambiguous)


MAX_CANDIDATES = 16  # splits kept in the provenance of an ambiguous cell


def settle(options: list[list[Cell]], decided_by: str, text: str | None = None) -> list[Cell]:
    """One group's cells from the splits that survived every constraint.

    One split: its cells, ``decided_by`` recorded. Several: a cell keeps a value only when every
    split gives it the same one (decided by "same in every split"); any other cell is null,
    ambiguous, with the surviving splits as candidates — never the first split's guess. The raw
    text of a null cell is the group's whole digit run (``text`` given) or its first reading.
    """
    if not options:
        return []
    if len(options) == 1:
        return [replace(c, ambiguous=False, candidates=None, decided_by=decided_by) for c in options[0]]
    splits = [[c.value for c in opt] for opt in options]
    cand = splits[:MAX_CANDIDATES]
    lo = min(c.start for opt in options for c in opt if c.start is not None) if text is not None else None
    hi = max(c.end for opt in options for c in opt if c.end is not None) if text is not None else None
    out = []
    for i, first in enumerate(options[0]):
        values = {s[i] for s in splits}
        spans = {(opt[i].start, opt[i].end) for opt in options}
        if len(values) == 1:  # every split agrees on this cell's value (its digits may shift)
            cell = replace(first, ambiguous=False, candidates=None, decided_by="same in every split")
            if len(spans) > 1 and text is not None:
                a, b = min(x for x, _ in spans), max(y for _, y in spans)
                cell = replace(cell, raw=text[a:b], start=a, end=b)
            out.append(cell)
        elif lo is not None and hi is not None:
            out.append(Cell(None, text[lo:hi], lo, hi, True, cand))
        else:
            out.append(Cell(None, first.raw, first.start, first.end, True, cand))
    return out


def token_cell(tok: Token, offset: int) -> Cell:
    """The cell of a token of the line starting at ``offset``."""
    if tok.kind == "empty":
        return Cell(None, "", offset + tok.start, offset + tok.end)
    return Cell(tok.value if tok.kind == "value" else _int(tok.text), tok.text, offset + tok.start, offset + tok.end)


def _int(text: str) -> int | None:
    v = parse_cell(text)
    return v if isinstance(v, int) else None


def line_values(tokens: Sequence[Token], ncols: int, delimited: bool, offset: int) -> list[Cell]:
    """The value cells of one line (starting at ``offset``), blank cells of tab/pipe layouts included
    by position."""
    return _view_cells(_value_view(tokens, ncols, delimited), offset)


def _value_tokens(tokens: Sequence[Token], ncols: int, delimited: bool) -> tuple[list[Token], int]:
    """The tokens of :func:`line_values`' cells, and how many blank cells follow them."""
    seq = [t for t in tokens if t.kind in _CELL_KINDS]
    lo, hi = 0, len(seq)
    while lo < hi and seq[lo].kind == "empty":
        lo += 1
    while hi > lo and seq[hi - 1].kind == "empty":
        hi -= 1
    if lo == hi:
        return [], 0
    trailing = len(seq) - hi
    seq = seq[lo:hi]  # starts and ends with a filled cell
    filled = [t for t in seq if t.kind != "empty"]
    if len(filled) >= ncols:
        return filled[:ncols], 0
    if len(seq) > ncols:  # more fields than columns: empties are layout, not blanks
        return filled, 0
    if delimited and len(seq) < ncols and trailing:
        # "| 1 | 0 | 0 | 0 | 0 | 0 |  |": the last column was left blank
        return seq, min(trailing, ncols - len(seq))
    return seq, 0


# A line as build_rows reads it: (index of its first number or None, the last label before it, and
# either the labels of a line without numbers or its value cells at offset 0, each as (value, raw,
# start, end), with the number of blank cells after them).
_RowView = tuple[int | None, str | None, tuple[Any, ...]]


def line_view(line: Line, ncols: int) -> _RowView:
    """:func:`build_rows`'s reading of a line's tokens for ``ncols`` columns, kept with the tokens
    (Line.views): table lines recur, and their cells differ only by the line's offset."""
    key = ("row", ncols)
    view = line.views.get(key)
    if view is None:
        view = line.views[key] = _line_view(line.tokens, ncols, line.delimited)
    return view


def _line_view(toks: tuple[Token, ...], ncols: int, delimited: bool) -> _RowView:
    first_val, label = None, None  # the first number; the last label before it
    for i, t in enumerate(toks):
        if t.kind in VALUE_KINDS:
            first_val = i
            break
        if t.kind == "label":
            label = t.key
    if first_val is None:
        return None, label, tuple(t.key for t in toks if t.kind == "label")
    return first_val, label, _value_view(toks[first_val:], ncols, delimited)


def _value_view(tokens: Sequence[Token], ncols: int, delimited: bool) -> tuple[tuple[Any, ...], int]:
    """The value cells of :func:`line_values` at offset 0, as (value, raw, start, end), and how many
    blank cells follow them."""
    toks, blanks = _value_tokens(tokens, ncols, delimited)
    return tuple((c.value, c.raw, c.start, c.end) for c in (token_cell(t, 0) for t in toks)), blanks


def _view_cells(view: tuple[Any, ...], offset: int) -> list[Cell]:
    """The cells of a :func:`_value_view` for the line starting at ``offset``."""
    spec, blanks = view
    cells = [Cell(v, raw, offset + s, offset + e) for v, raw, s, e in spec]
    if blanks:  # one Cell for the blank columns
        end = offset + spec[-1][3]
        cells += [Cell(None, "", end, end)] * blanks
    return cells


def runtogether_options(cells: list[Cell], ncols: int, groups: list[int] | None) -> list[list[Cell]]:
    """Splits of digit cells run together ("801000081") into ``ncols`` cells.

    With ``groups`` (sizes of cell groups whose last cell is the sum of the others) only splits
    satisfying those sums are returned; without, every split (table 二 has no sum).
    """
    if any(c.value is None and c.raw for c in cells) or not cells:
        return []
    strings = [c.raw.strip() for c in cells]
    if not all(s.isdigit() for s in strings):
        return []
    # Only digit strings that cannot be single cells ("0000000", "801000081") or a lone string
    # standing for a whole row are split; separated numbers are never re-cut.
    if len(strings) > 1 and not any(len(s) >= 8 or (len(s) > 1 and s[0] == "0") for s in strings):
        return []
    options = []
    spans_list = group_candidates(strings, groups) if groups else split_candidates(strings, ncols)
    for spans in spans_list:
        row = []
        for k, s, e in spans:
            base = cells[k].start or 0
            row.append(Cell(int(strings[k][s:e]), strings[k][s:e], base + s, base + e))
        options.append(row)
    return options


def build_rows(lines: list[Line], ncols: int, groups: list[int] | None = None) -> list[RowCandidate]:
    """Candidate rows (with their own and nearby labels) in text order."""
    rows: list[RowCandidate] = []
    pending_labels: list[str] = []
    buf: list[Cell] = []
    buf_label: str | None = None
    buf_line = 0

    def emit(cells: list[Cell], line: int, own: str | None, options=None) -> None:
        nonlocal pending_labels
        row = RowCandidate(cells, line, own, before=pending_labels, options=options or [])
        if rows:
            rows[-1].after = list(pending_labels)
        rows.append(row)
        pending_labels = []

    def flush() -> None:
        nonlocal buf, buf_label
        if buf:
            opts = runtogether_options(buf, ncols, groups) if len(buf) < ncols else []
            if opts:
                emit(opts[0], buf_line, buf_label, opts)
            # else: a fragment (stray number) — not a row
        buf, buf_label = [], None

    for line in lines:
        first_val, label, rest = line_view(line, ncols)
        if first_val is None:
            if label is not None:
                flush()
                pending_labels.extend(rest)
            continue
        vals = _view_cells(rest, line.offset)
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
            cells, rest = buf[:ncols], buf[ncols:]
            emit(cells, buf_line, buf_label)
            buf, buf_label = rest, None
    flush()
    if rows:
        rows[-1].after = list(pending_labels)
    return rows


def align_rows(rows: list[RowCandidate], keys: list[str]) -> dict[str, tuple[RowCandidate, bool]]:
    """Assign rows to template keys, strictly increasing in template order, maximising label support.

    Returns key -> (row, ambiguous). A row with its own label can only take that label's key.
    """
    index = {k: i for i, k in enumerate(keys)}
    places = [index.get(row.own, -1) if row.own is not None else -1 for row in rows]
    if all(a < b for a, b in zip([-1, *places], places)):
        # Every row carries its own label, in template order (most tables): each row's state extends
        # the previous row's by 20, so _align would give every row its own key, each supported.
        return {row.own: (row, False) for row in rows}
    return _align(rows, keys, index)


def _align(rows: list[RowCandidate], keys: list[str], index: dict[str, int]) -> dict[str, tuple[RowCandidate, bool]]:
    """:func:`align_rows` by dynamic programming over the template keys."""
    K = len(keys)
    # best[j]: best score with last assigned key index j (-1 = none yet); keep back-pointers per row.
    best: dict[int, tuple[float, tuple | None]] = {-1: (0.0, None)}
    history: list[dict[int, tuple[float, tuple | None]]] = []
    for r, row in enumerate(rows):
        if row.own is None:
            best = _advance(best, r, _gains(row, keys, index), K)
        elif row.own in index:
            best = _advance_one(best, r, index[row.own], 20.0)
        # else: a label outside the template can take no key, and every state stays as it was
        history.append(best)
    # Trace back from the best end state.
    j = max(best, key=lambda s: (best[s][0], -s))
    assignment: dict[int, int] = {}
    r = len(rows) - 1
    while r >= 0 and j != -1:
        _, ptr = history[r][j]
        if ptr is not None and ptr[0] == r:
            assignment[r] = j
            j = ptr[1]
        r -= 1
    out: dict[str, tuple[RowCandidate, bool]] = {}
    taken = sorted(assignment.items())
    for n, (r, j) in enumerate(taken):
        row = rows[r]
        supported = row.own == keys[j] or keys[j] in row.before or keys[j] in row.after
        lo = taken[n - 1][1] if n else -1
        hi = taken[n + 1][1] if n + 1 < len(taken) else K
        prev_r = taken[n - 1][0] if n else -1
        next_r = taken[n + 1][0] if n + 1 < len(taken) else len(rows)
        # Unsupported placement is certain only when the gap has exactly as many rows as keys.
        gap_exact = (hi - lo - 1) == (next_r - prev_r - 1)
        out[keys[j]] = (row, not supported and not gap_exact)
    return out


def _gains(row: RowCandidate, keys: list[str], index: dict[str, int]) -> list[float | None]:
    """Gain of placing ``row`` at each key index (None: impossible)."""
    if row.own is not None:
        out: list[float | None] = [None] * len(keys)
        if row.own in index:
            out[index[row.own]] = 20.0
        return out
    return [_gain(row, k, index) for k in keys]


def _advance(best: dict[int, tuple[float, tuple | None]], r: int, gains: list[float | None], K: int
             ) -> dict[int, tuple[float, tuple | None]]:
    """One step of the alignment: states after row ``r`` (skipping the row keeps every state).

    State j takes the best earlier state s < j plus gains[j]; among equal scores the state met first
    (dict order) wins, and an existing state is replaced only by a strictly better score. New states
    are added in the order "for each earlier state in dict order, keys above it ascending", which the
    trace-back's ties depend on. Scores are sums of halves, so the comparisons are exact.
    """
    new = dict(best)
    order = list(best)
    rank = {s: n for n, s in enumerate(order)}
    states = sorted(order)
    run_score, run_state, run_rank = float("-inf"), None, 0
    k = 0
    chosen: dict[int, tuple[float, tuple]] = {}
    for j in range(K):
        while k < len(states) and states[k] < j:
            s = states[k]
            sc = best[s][0]
            if sc > run_score or (sc == run_score and rank[s] < run_rank):
                run_score, run_state, run_rank = sc, s, rank[s]
            k += 1
        g = gains[j]
        if g is None or run_state is None:
            continue
        cand = run_score + g
        if j not in new or cand > new[j][0] + 1e-9:
            chosen[j] = (cand, (r, run_state))
    lo = K
    for last in order:  # insertion order of the states the original loop would create
        if last + 1 < lo:
            for j in range(last + 1, lo):
                if j in chosen and j not in best:
                    new[j] = chosen[j]
            lo = last + 1
    for j, val in chosen.items():
        if j in best:
            new[j] = val
    return new


def _advance_one(best: dict[int, tuple[float, tuple | None]], r: int, j: int, gain: float
                 ) -> dict[int, tuple[float, tuple | None]]:
    """:func:`_advance` for a row that can take key ``j`` only (its own label): most rows. The best
    earlier state s < j (the first met in dict order among equal scores) gives state ``j``; a new
    state goes last, as :func:`_advance` would add it. ``best`` itself is returned when nothing changes
    (states are never modified in place)."""
    run_score, run_state = float("-inf"), None
    for s, (sc, _) in best.items():
        if s < j and sc > run_score:
            run_score, run_state = sc, s
    if run_state is None:
        return best
    cand = run_score + gain
    old = best.get(j)
    if old is not None and not cand > old[0] + 1e-9:
        return best
    new = dict(best)
    new[j] = (cand, (r, run_state))
    return new


def _gain(row: RowCandidate, key: str, index: dict[str, int]) -> float:
    # Placing a row always beats leaving it out (10); nearby labels only break ties (< 1 row).
    if row.own is not None:
        return 20.0 if row.own == key else float("-inf")
    gain = 10.0
    if key in row.before:
        gain += 3.0 if row.before[-1] == key else 1.5
    if key in row.after:
        gain += 2.0 if row.after[0] == key else 1.0
    return min(gain, 14.0)
