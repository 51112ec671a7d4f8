"""Write the panel as CSV (UTF-8 with BOM, so Excel opens Chinese correctly) and as Excel.

The workbook is written in openpyxl's write-only mode (memory flat whatever the corpus size):
a frozen header row and first columns, filters on the header, number formats per column kind
(counts as integers, 万元 with two decimals, ratios as percentages) and a sheet listing every
column's key and, for indicators, its formula. Files are written through nlp.outputs (complete or absent).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from nlp.export.panel import Column, Panel, group_summary
from nlp.indicators import load_indicators
from nlp.outputs import atomic_path

FORMATS = {"count": "0", "change": "0", "amount": "#,##0.00", "ratio": "0.0%", "growth": "0.0%", "text": "@"}
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FROZEN_META = 4  # doc id, file, agency, year stay visible when scrolling right


def _atomic(path: Path, write: Any) -> None:
    with atomic_path(path) as tmp:
        write(tmp)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    _atomic(path, lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))
    return path


def _value(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        v = v.item()
    return v


def _sheet(wb: Workbook, title: str, columns: list[Column], frame: pd.DataFrame, frozen: int) -> None:
    ws = wb.create_sheet(title)
    for i, c in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(c.label) * 1.6))
    ws.freeze_panes = f"{get_column_letter(frozen + 1)}2"
    if len(columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, value=c.label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    ws.append(header)
    keys = [c.key for c in columns]
    for rec in frame[keys].itertuples(index=False, name=None):
        row = []
        for c, v in zip(columns, rec):
            cell = WriteOnlyCell(ws, value=_value(v))
            if c.kind != "text":
                cell.number_format = FORMATS[c.kind]
            row.append(cell)
        ws.append(row)


def write_xlsx(panel: Panel, path: Path, sums: pd.DataFrame | None = None, means: pd.DataFrame | None = None) -> Path:
    wb = Workbook(write_only=True)
    _sheet(wb, "报告", panel.columns, panel.frame, _FROZEN_META)
    by_key = {c.key: c for c in panel.columns}
    for title, table in (("分组合计", sums), ("分组均值", means)):
        if table is None:
            continue
        cols = [Column("group", "分组", "text", "meta"), Column("n_reports", "报告数", "count", "count")]
        for k in table.columns[2:]:
            c = by_key[k]
            kind = c.kind if title == "分组合计" or c.kind in ("ratio", "growth") else "amount"
            cols.append(Column(k, c.label, kind, c.group))
        _sheet(wb, title, cols, table, 1)
    formulas = {f"indicator.{i.name}": f"{i.en}: {i.formula}" for i in load_indicators()}
    legend = pd.DataFrame(
        [{"label": c.label, "key": c.key, "kind": c.kind, "note": formulas.get(c.key, "")} for c in panel.columns]
    )
    _sheet(
        wb,
        "字段说明",
        [Column("label", "列名", "text", "meta"), Column("key", "字段", "text", "meta"),
         Column("kind", "类型", "text", "meta"), Column("note", "公式", "text", "meta")],
        legend,
        1,
    )
    _atomic(path, wb.save)
    return path


def export_panel(panel: Panel, outdir: Path, xlsx: bool = False, by: str | None = None) -> list[Path]:
    """panel.csv (+ groups_sum_BY.csv, groups_mean_BY.csv with ``by``) and panel.xlsx with ``xlsx``."""
    outdir.mkdir(parents=True, exist_ok=True)
    files = [write_csv(panel.labelled(), outdir / "panel.csv")]
    sums = means = None
    if by:
        sums, means = group_summary(panel, "sum"), group_summary(panel, "mean")
        names = {c.key: c.label for c in panel.columns}
        names.update(group=f"分组·{by}", n_reports="报告数")
        files.append(write_csv(sums.rename(columns=names), outdir / f"groups_sum_{by}.csv"))
        files.append(write_csv(means.rename(columns=names), outdir / f"groups_mean_{by}.csv"))
    if xlsx:
        files.append(write_xlsx(panel, outdir / "panel.xlsx", sums, means))
    return files


__all__ = ["FORMATS", "export_panel", "write_csv", "write_xlsx"]
