"""One report's table 三 as a sheet laid out like the printed statutory table.

Merged header cells (申请人情况 over the seven columns, 法人或其他组织 over five, the corner note
over the label columns), row labels in three label columns (三、本年度办理结果 spanning the outcome
rows, （三）不予公开 spanning its eight sub-rows …) and the values. A null cell stays blank; an
ambiguous one is shaded and carries a comment listing its candidate splits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from nlp.compare.data import read_table
from nlp.export.panel import labels
from nlp.outputs import atomic_path
from nlp.tables import table3 as t3

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_AMBIGUOUS = PatternFill("solid", fgColor="FFF2CC")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def find_doc(rundir: str | Path, ref: str) -> pd.Series:
    """The documents row for ``ref``: a doc_id (or a prefix of 8+ characters) or an input path."""
    docs = read_table(rundir, "documents")
    docs = docs[docs["ok"].fillna(False)]
    hit = docs[(docs["doc_id"] == ref) | (docs["path"] == ref) | docs["path"].str.endswith("/" + ref)]
    if hit.empty and len(ref) >= 8:
        hit = docs[docs["doc_id"].str.startswith(ref)]
    if hit.empty:
        raise KeyError(f"{ref}: no processed report with this doc_id or path in {rundir}")
    return hit.iloc[0]


def _grid(fmt: str) -> list[tuple[str, str | None, str | None, str]]:
    """(key, level-1 label, level-2 label, level-3 label) per row; None = inside a merged span."""
    lab = labels()["table3"]
    out = []
    for key in t3.row_keys(fmt):
        text = lab["rows"].get(key, key)
        group = key.split(".")[0] if "." in key else None
        if key in ("new_received", "carried_over", "carried_forward"):
            out.append((key, text, None, None))
        elif group:
            out.append((key, lab["outcomes"], lab["group_rows"][group], text))
        else:
            out.append((key, lab["outcomes"], text, None))
    return out


def write_table3_sheet(rundir: str | Path, ref: str, path: Path) -> Path:
    """Write the workbook ``path`` with one sheet: table 三 of report ``ref`` as printed."""
    doc = find_doc(rundir, ref)
    cells = read_table(rundir, "table_cells")
    cells = cells[(cells["doc_id"] == doc["doc_id"]) & (cells["table"] == "table3")]
    if cells.empty:
        raise KeyError(f"{ref}: table 三 was not found in this report")
    fmt = str(cells["format"].dropna().iloc[0]) if cells["format"].notna().any() else "2021"
    values = {(r.row, r.column): r for r in cells.itertuples(index=False)}
    lab = labels()["table3"]
    cols = t3.columns()
    wb = Workbook()
    ws = wb.active
    ws.title = "表三"
    ws.cell(1, 1, f"{doc['agency'] or ''} {doc['year'] or ''} {lab['title']}").font = Font(bold=True, size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3 + len(cols))
    # Header: rows 2-4.
    _put(ws, 2, 1, lab["corner"], 4, 3)
    _put(ws, 2, 4, lab["applicant"], 2, 3 + len(cols))
    _put(ws, 3, 4, lab["columns"][cols[0]], 4, 4)
    _put(ws, 3, 5, lab["legal_persons"], 3, 4 + len(cols) - 2)
    for j, c in enumerate(cols[1:-1], start=5):
        _put(ws, 4, j, lab["columns"][c], 4, j)
    _put(ws, 3, 3 + len(cols), lab["columns"][cols[-1]], 4, 3 + len(cols))
    grid = _grid(fmt)
    first = 5
    for i, (key, l1, l2, l3) in enumerate(grid):
        r = first + i
        for j, c in enumerate(cols, start=4):
            rec = values.get((key, c))
            cell = ws.cell(r, j, None if rec is None or pd.isna(rec.value) else _num(rec.value))
            cell.border, cell.alignment = _BOX, _CENTER
            if rec is not None and bool(rec.ambiguous) and pd.isna(rec.value):
                cell.fill = _AMBIGUOUS
                cands = json.loads(rec.candidates) if isinstance(rec.candidates, str) else []
                note = "歧义：多种拆分均符合勾稽关系" + (f"，候选 {cands[:4]}" if cands else "")
                cell.comment = Comment(note, "govnlp")
        if l2 is None:  # a top-level row: its label spans the three label columns
            _put(ws, r, 1, l1, r, 3)
        elif l3 is None:
            _put(ws, r, 2, l2, r, 3)
        else:
            ws.cell(r, 3, l3).alignment = _LEFT
            ws.cell(r, 3).border = _BOX
    _merge_runs(ws, grid, first, 0, col=1)
    _merge_runs(ws, grid, first, 1, col=2, only_groups=True)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 36
    ws.freeze_panes = "D5"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _num(v: float) -> Any:
    return int(v) if float(v).is_integer() else float(v)


def _put(ws: Any, r1: int, c1: int, text: str, r2: int, c2: int) -> None:
    ws.cell(r1, c1, text)
    for r in range(r1, r2 + 1):
        for c in range(c1, c2 + 1):
            ws.cell(r, c).border = _BOX
            ws.cell(r, c).alignment = _CENTER if c1 > 3 or r1 < 5 else _LEFT
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _merge_runs(ws: Any, grid: list, first: int, level: int, col: int, only_groups: bool = False) -> None:
    """Merge consecutive rows sharing a level-1 (三、本年度办理结果) or level-2 group label."""
    i = 0
    while i < len(grid):
        label = grid[i][1 + level]
        j = i
        while j + 1 < len(grid) and grid[j + 1][1 + level] == label and label is not None:
            j += 1
        if label is not None and j > i and (not only_groups or grid[i][3] is not None):
            _put(ws, first + i, col, label, first + j, col)
        elif label is not None and j == i and level == 0 and grid[i][2] is not None:
            _put(ws, first + i, col, label, first + i, col)
        i = j + 1


__all__ = ["find_doc", "write_table3_sheet"]
