"""Table 三 (收到和处理政府信息公开申请情况): 25 rows (2021) or 23 rows (2019) × 7 columns."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp.tables.labels import (
    LabelMatcher,
    Template,
    detect_format,
    find_marker,
    label_body,
    load_yaml,
    squeeze,
    squeeze_span,
    squeeze_word,
)
from nlp.tables.rows import MISSING, Cell, RowCandidate, align_rows, build_rows, settle
from nlp.tables.runtogether import resolve_sum_table
from nlp.tables.tokens import adds_no_row, tokenize

SPEC = "table3.yaml"


def spec() -> dict[str, Any]:
    return load_yaml(SPEC)


def columns() -> list[str]:
    return list(spec()["columns"])


def row_keys(fmt: str) -> list[str]:
    return [r["key"] for r in spec()["formats"][fmt]["rows"]]


def outcome_keys(fmt: str) -> list[str]:
    """The rows summed into （七）总计."""
    keys = row_keys(fmt)
    return keys[keys.index("granted") : keys.index("total_processed")]


@lru_cache(maxsize=4)
def matcher(fmt: str) -> LabelMatcher:
    f = spec()["formats"][fmt]
    tpls = [
        Template(r["key"], label_body(r["label"])[0], str(r.get("enum")) if r.get("enum") else None)
        for r in f["rows"]
    ]
    tpls += [Template("", label_body(w)[0], ignore=True) for w in f.get("ignore", [])]
    return LabelMatcher(tpls)


def locate(text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """(body_start, end) of table 三 inside ``text[start:end]``: from the first row label to table 四."""
    end = len(text) if end is None else end
    s = find_marker(text, [spec()["body_start"]], start, end)
    if s < 0:
        return None
    line_start = text.rfind("\n", 0, s) + 1
    e = find_marker(text, spec()["end_markers"], s, end)
    return line_start, (e if e >= 0 else end)


def detect(region: str, flat: str | None = None) -> str:
    """The layout of the region (2021 or 2019); ``flat``: ``squeeze(region)`` when the caller has it."""
    sigs = spec()["signatures"]
    flat = squeeze(region) if flat is None else flat
    if any(squeeze_word(w) in flat for w in sigs["2021"]):
        return "2021"
    if "其他处理" in flat:  # a （六）其他处理 row with no sub-items: the 2019 layout
        return "2019"
    return detect_format(region, sigs, spec()["default_format"], flat)


def parse_table3(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Parse table 三 found in ``text[start:end]``.

    Returns {"format", "rows": {row: {col: value}}, "provenance": {row: {col: {...}}},
    "unplaced": [...]} or None when the table is absent.
    """
    span = locate(text, start, end)
    return None if span is None else parse_region(text, *span)


def _format(text: str, s: int, e: int) -> str:
    return detect(text[s:e], squeeze_span(text, s, e))


def same_rows(text: str, s: int, e: int, e2: int) -> bool:
    """Whether the region ``text[s:e2]`` (``e2`` > ``e``) parses as ``text[s:e]`` (its span aside): the
    same format and nothing after ``e`` that a row could take."""
    fmt = _format(text, s, e)
    return _format(text, s, e2) == fmt and adds_no_row(text, e, e2, matcher(fmt))


def parse_region(text: str, s: int, e: int) -> dict[str, Any] | None:
    """Parse the table whose region :func:`locate` found at ``text[s:e]``."""
    fmt = _format(text, s, e)
    keys = row_keys(fmt)
    cols = columns()
    lines = tokenize(text, s, e, matcher(fmt))
    candidates = build_rows(lines, len(cols), [len(cols)])
    placed = align_rows(candidates, keys)
    _resolve_runtogether(placed, fmt, text)
    rows: dict[str, dict[str, Any]] = {}
    prov: dict[str, dict[str, Any]] = {}
    for key in keys:
        row, ambiguous = placed.get(key, (None, False))
        if row is None:
            cells = [MISSING] * len(cols)
        else:
            cells = [_cell(c, True) for c in row.cells] if ambiguous else row.cells
        rows[key] = {c: cell.value for c, cell in zip(cols, cells)}
        prov[key] = {c: cell.provenance() for c, cell in zip(cols, cells)}
    used = {id(r) for r, _ in placed.values()}
    unplaced = [{"line": r.line, "raw": [c.raw for c in r.cells]} for r in candidates if id(r) not in used]
    return {"format": fmt, "rows": rows, "provenance": prov, "unplaced": unplaced, "span": [s, e]}


def _cell(cell: Cell, misplaced: bool) -> Cell:
    """A cell of a row whose place among the labels is uncertain is null: never a guess."""
    if not misplaced:
        return cell
    return Cell(None, cell.raw, cell.start, cell.end, True, cell.candidates, "row place uncertain")


ROW_SUM = "row sum (总计 = the six applicant columns)"
COLUMN_IDENTITIES = "column identities (A1 勾稽, A2 outcome sum)"


def _resolve_runtogether(
    placed: dict[str, tuple[RowCandidate, bool]], fmt: str, text: str | None = None
) -> None:
    """Settle the digit splits of run-together rows with the row sum, then the column identities.

    A row keeps a value only where every split surviving both is the same (rows.settle); the
    constraint that decided each split row is recorded in its cells' provenance.
    """
    for r, _ in placed.values():
        if len(r.options) == 1:
            r.cells = settle(r.options, ROW_SUM)
    multi = {k: r for k, (r, _) in placed.items() if len(r.options) > 1}
    if not multi:
        return
    options = {k: [tuple(c.value for c in opt) for opt in r.options] for k, r in multi.items()}
    fixed = {k: tuple(c.value for c in r.cells) for k, (r, _) in placed.items() if k not in multi}
    for k in row_keys(fmt):
        if k not in options:
            fixed.setdefault(k, None)  # a row the parser did not find: unknown
    kept = resolve_sum_table(
        options,
        fixed,
        outcome_keys(fmt),
        "total_processed",
        ("new_received", "carried_over"),
        "carried_forward",
    )
    for k, idx in kept.items():
        row = multi[k]
        row.options = [row.options[i] for i in idx]
        row.cells = settle(row.options, COLUMN_IDENTITIES, text)
