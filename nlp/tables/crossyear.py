"""Settle ambiguous run-together cells with the same unit's report of the year before or after.

A whitespace-free page can leave a digit run with several splits that fit every identity of its
own report; those cells are null with their candidate splits (rows.settle). Two identities tie a
report to its predecessor (domain.md §1.5 B6, B7):

* this year's 上年结转 (carried_over) = last year's 结转下年度继续办理 (carried_forward), per column;
* 现行有效件数 = last year's + 本年制发 − 本年废止, for 规章 and 行政规范性文件, unless the text
  mentions a clean-up (清理), which legitimately breaks it.

:func:`resolve_pair` keeps only the candidates satisfying them, in either report (last year's
carried_forward is decided by this year's carried_over just as well), re-runs the column
identities of table 三 on what is left, and records ``decided_by`` on every cell it settles.
It works on the JSON shapes of ``report.tables``/``report.table_provenance``.
"""

from __future__ import annotations

from typing import Any

from nlp.model import Report
from nlp.rules.engine import load_rules
from nlp.tables import table3 as t3
from nlp.tables.runtogether import resolve_sum_table

CARRY = "carry-over with the other year's report (B6: 上年结转 = 上年度结转下年度继续办理)"
STOCK = "stock with the other year's report (B7: 现行有效 = 上年现行有效 + 制发 − 废止)"
AFTER = "column identities (A1/A2) after the other year's report"
STOCK_ROWS = ("regulation", "normative_doc")
STOCK_COLS = ("made", "repealed", "valid")


def _suppress_words() -> list[str]:
    for spec in load_rules():
        if spec.get("evaluator") == "stock":
            return list(spec.get("suppress_words") or [])
    return ["清理"]


def _t3(report: Report) -> tuple[dict | None, dict | None]:
    t = (report.tables or {}).get("table3")
    p = (report.table_provenance or {}).get("table3")
    if not t or not p:
        return None, None
    return t, p.get("rows", p)


def _row_candidates(prov_row: dict[str, Any]) -> list[tuple] | None:
    for p in prov_row.values():
        if isinstance(p, dict) and p.get("candidates"):
            return [tuple(c) for c in p["candidates"]]
    return None


def _set_row(values: dict, prov_row: dict, cols: list[str], options: list[tuple], why: str) -> int:
    """Write the cells every remaining option agrees on; returns how many were settled."""
    settled = 0
    for i, col in enumerate(cols):
        p = prov_row.get(col) or {}
        if not p.get("candidates"):
            continue
        seen = {o[i] for o in options}
        if len(seen) == 1:
            values[col] = options[0][i]
            p["ambiguous"] = False
            p.pop("candidates", None)
            p["decided_by"] = why
            settled += 1
        else:
            p["candidates"] = [list(o) for o in options]
    return settled


def _known(row: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (row or {}).items() if v is not None}


def _carry(report: Report, row: str, other: dict[str, Any]) -> int:
    """Filter table 三 ``row`` of ``report`` by the values ``other`` must equal, then re-run A1/A2."""
    table, prov = _t3(report)
    if table is None or not other:
        return 0
    cols = t3.columns()
    cands = _row_candidates(prov.get(row) or {})
    if not cands:
        return 0
    kept = [c for c in cands if all(other.get(col) is None or c[i] == other[col] for i, col in enumerate(cols))]
    if not kept or len(kept) == len(cands):
        return 0  # nothing fits (an inconsistent source decides nothing) or nothing was removed
    fmt = table.get("format") or "2021"
    options = {row: kept}
    for key in t3.row_keys(fmt):
        if key != row and (c := _row_candidates(prov.get(key) or {})):
            options[key] = c
    fixed = {k: tuple(v.get(c) for c in cols) for k, v in table["rows"].items() if k not in options}
    for k in t3.row_keys(fmt):
        fixed.setdefault(k, None)
    kept_idx = resolve_sum_table(
        options, fixed, t3.outcome_keys(fmt), "total_processed", ("new_received", "carried_over"), "carried_forward"
    )
    n = 0
    for key, idx in kept_idx.items():
        why = CARRY if key == row else AFTER
        n += _set_row(table["rows"][key], prov[key], cols, [options[key][i] for i in idx], why)
    return n


def _stock(later: Report, earlier: Report) -> int:
    """B7 on table 二: a candidate (made, repealed, valid) must continue last year's stock."""
    if any(w in (later.text or "") for w in _suppress_words()):
        return 0
    n = 0
    for doc in STOCK_ROWS:
        refs = [f"{doc}.{c}" for c in STOCK_COLS]
        a_cells = ((earlier.tables or {}).get("table2") or {}).get("cells") or {}
        b_cells = ((later.tables or {}).get("table2") or {}).get("cells") or {}
        if not all(r in a_cells and r in b_cells for r in refs):
            continue  # a 2019-format table 二 has no made/repealed/valid
        a_prov = earlier.table_provenance["table2"].get("cells", {})
        b_prov = later.table_provenance["table2"].get("cells", {})
        # This year's row decided by last year's valid, or last year's valid by this year's row.
        prev_valid = a_cells[f"{doc}.valid"]
        b_cands = (b_prov.get(refs[0]) or {}).get("candidates")
        if prev_valid is not None and b_cands:
            kept = [tuple(c) for c in b_cands if prev_valid + c[0] - c[1] == c[2]]
            if kept and len(kept) < len(b_cands):
                n += _set_cells(b_cells, b_prov, refs, kept)
        made, repealed, valid = (b_cells[r] for r in refs)
        a_cands = (a_prov.get(refs[0]) or {}).get("candidates")
        if None not in (made, repealed, valid) and a_cands:
            kept = [tuple(c) for c in a_cands if c[2] + made - repealed == valid]
            if kept and len(kept) < len(a_cands):
                n += _set_cells(a_cells, a_prov, refs, kept)
    return n


def _set_cells(cells: dict, prov: dict, refs: list[str], options: list[tuple]) -> int:
    values = {r: cells[r] for r in refs}
    prov_row = {r: prov[r] for r in refs}
    n = _set_row(values, prov_row, refs, options, STOCK)
    cells.update(values)
    return n


def resolve_pair(earlier: Report, later: Report) -> int:
    """Settle ambiguous cells of both reports with the identities between consecutive years.

    ``earlier`` is the same unit's report of the year before ``later``. Returns the number of
    cells settled (both reports are changed in place; nothing changes when nothing is decided).
    """
    n = 0
    prev_t, _ = _t3(earlier)
    cur_t, _ = _t3(later)
    if prev_t is not None and cur_t is not None:
        n += _carry(later, "carried_over", _known(prev_t["rows"].get("carried_forward")))
        n += _carry(earlier, "carried_forward", _known(cur_t["rows"].get("carried_over")))
    tables_a = (earlier.tables or {}).get("table2")
    tables_b = (later.tables or {}).get("table2")
    if tables_a and tables_b:
        n += _stock(later, earlier)
    return n


def has_candidates(report: Report) -> bool:
    """Whether any cell of the report is ambiguous with candidate splits (worth a neighbour's look)."""

    def visit(node: Any) -> bool:
        if isinstance(node, dict):
            if node.get("candidates"):
                return True
            return any(visit(v) for v in node.values())
        return False

    return visit(report.table_provenance or {})


__all__ = ["has_candidates", "resolve_pair"]
