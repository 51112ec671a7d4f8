"""The wide panel of a run: one row per report, every table cell, indicator and count a column.

Columns are keyed (``meta.agency``, ``table3.new_received.natural_person``,
``indicator.substantive_disclosure_rate``, ``count.n_fail``) and labelled in Chinese from
``resources/export.yaml`` (表三·自然人·本年新收政府信息公开申请数量). Values come from the run's
tables, never recomputed: a null cell (blank, "/", unreadable, ambiguous) stays empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from nlp.compare.data import documents, read_table
from nlp.indicators import load_indicators
from nlp.resources import resource_path
from nlp.tables import table2 as t2
from nlp.tables import table3 as t3
from nlp.tables import table4 as t4
from nlp.text.enumerators import leading_enumerator

META = ("doc_id", "path", "agency", "year", "level", "region", "format_version", "title")


@lru_cache(maxsize=1)
def labels() -> dict[str, Any]:
    with open(resource_path("export.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass
class Column:
    key: str
    label: str
    kind: str  # text, count, amount, ratio, growth, change
    group: str  # meta, cell, indicator, count


@dataclass
class Panel:
    frame: pd.DataFrame  # columns = Column.key, one row per report
    columns: list[Column] = field(default_factory=list)

    def labelled(self) -> pd.DataFrame:
        """The frame with Chinese column labels."""
        return self.frame.rename(columns={c.key: c.label for c in self.columns})


def _short(label: str) -> str:
    """A printed row label without its enumerator and note: "（二）部分公开（区分…）" -> "部分公开"."""
    enum = leading_enumerator(label)
    return (label[enum.end :] if enum else label).split("（区分处理的")[0]


def cell_label(table: str, row: str, col: str) -> str:
    lab = labels()
    if table == "table3":
        rows = lab["table3"]["rows"]
        name = _short(rows.get(row, row))
        group = row.split(".")[0] if "." in row else None
        if group in lab["table3"]["groups"]:
            name = f"{lab['table3']['groups'][group]}·{name}"
        return f"表三·{lab['table3']['columns'].get(col, col)}·{name}"
    if table == "table2":
        over = lab["table2"].get("overrides", {}).get(f"{row}.{col}")
        return f"表二·{lab['table2']['rows'].get(row, row)}·{over or lab['table2']['columns'].get(col, col)}"
    return f"表四·{lab['table4']['blocks'].get(row, row)}·{lab['table4']['columns'].get(col, col)}"


def template_cells() -> list[tuple[str, str, str]]:
    """Every (table, row, column) of the templates, 2021 first, then what 2019 adds."""
    out: list[tuple[str, str, str]] = []
    for fmt in ("2021", "2019"):
        for r in t2.spec()["formats"][fmt]["rows"]:
            out += [("table2", r["key"], c) for c in r["columns"]]
    for fmt in ("2021", "2019"):
        out += [("table3", row, c) for row in t3.row_keys(fmt) for c in t3.columns()]
    out += [("table4", *k.split(".")) for k in t4.cell_keys()]  # type: ignore[misc]
    return list(dict.fromkeys(out))


def _cell_kind(table: str, row: str, col: str) -> str:
    if col == "amount":
        return "amount"
    return "change" if col == "change" else "count"


def build_panel(rundir: str | Path, by: str = "year") -> Panel:
    """The panel of a run directory (``by`` adds the ``group`` column used for group summaries)."""
    docs = documents(rundir, by)
    frame = docs[list(META)].copy()
    frame.insert(len(META), "group", docs["group"].to_numpy())
    cols = [Column(f"{k}" if k != "group" else "group", labels()["meta"].get(k, "分组"), "text", "meta")
            for k in (*META, "group")]
    cols[-1] = Column("group", f"分组·{by}", "text", "meta")
    frame = frame.set_index("doc_id", drop=False)

    cells = read_table(rundir, "table_cells", ["doc_id", "table", "row", "column", "value", "ambiguous"])
    cells = cells[cells["doc_id"].isin(frame.index)]
    key = cells["table"] + "." + cells["row"] + "." + cells["column"]
    wide = cells.assign(key=key).pivot_table(index="doc_id", columns="key", values="value", aggfunc="first")
    present = set(key.unique())
    order = [(t, r, c) for t, r, c in template_cells() if f"{t}.{r}.{c}" in present or not _only_2019(t, r, c)]
    for t, r, c in order:
        k = f"{t}.{r}.{c}"
        frame[k] = wide[k].reindex(frame.index) if k in wide.columns else pd.NA
        cols.append(Column(k, cell_label(t, r, c), _cell_kind(t, r, c), "cell"))

    ind = read_table(rundir, "indicators", ["doc_id", "indicator", "value"])
    iw = ind.pivot_table(index="doc_id", columns="indicator", values="value", aggfunc="first")
    for spec in load_indicators():
        k = f"indicator.{spec.name}"
        frame[k] = iw[spec.name].reindex(frame.index) if spec.name in iw.columns else pd.NA
        cols.append(Column(k, f"指标·{spec.zh}", spec.kind, "indicator"))

    checks = read_table(rundir, "checks", ["doc_id", "status"])
    counts = checks.groupby(["doc_id", "status"]).size().unstack(fill_value=0)
    amb = cells[cells["ambiguous"].fillna(False) & cells["value"].isna()].groupby("doc_id").size()
    stm = read_table(rundir, "statements", ["doc_id", "role", "themes"])
    n_role = stm.groupby(["doc_id", "role"]).size().unstack(fill_value=0)
    extra = {
        "n_checks": checks.groupby("doc_id").size(),
        "n_fail": counts.get("FAIL"),
        "n_uncertain": counts.get("UNCERTAIN"),
        "n_ambiguous_cells": amb,
        "n_problems": n_role.get("problem"),
        "n_measures": n_role.get("measure"),
    }
    for name, series in extra.items():
        k = f"count.{name}"
        frame[k] = (series.reindex(frame.index).fillna(0).astype("int64") if series is not None else 0)
        cols.append(Column(k, labels()["counts"][name], "count", "count"))
    for role, name in (("problem", "problem_themes"), ("measure", "measure_themes")):
        k = f"count.{name}"
        part = stm[stm["role"] == role]
        themes = part.groupby("doc_id")["themes"].agg(_theme_set)
        frame[k] = themes.reindex(frame.index).fillna("")
        cols.append(Column(k, labels()["counts"][name], "text", "count"))
    return Panel(_integers(frame.reset_index(drop=True), cols), cols)


def _integers(frame: pd.DataFrame, cols: list[Column]) -> pd.DataFrame:
    """Count columns as integers (nullable) so that CSV shows 3, not 3.0."""
    for c in cols:
        if c.kind in ("count", "change") and c.key in frame.columns:
            v = pd.to_numeric(frame[c.key], errors="coerce")
            if ((v.dropna() % 1) == 0).all():
                frame[c.key] = v.round().astype("Int64")
    return frame


def _only_2019(t: str, r: str, c: str) -> bool:
    """A cell that exists only in the 2019 template (left out unless some report has it)."""
    if t == "table3":
        return r == "other"
    if t == "table2":
        cols21 = {x["key"]: x["columns"] for x in t2.spec()["formats"]["2021"]["rows"]}
        return r not in cols21 or c not in cols21[r]
    return False


def _theme_set(values: pd.Series) -> str:
    seen: list[str] = []
    for v in values.dropna():
        for code in str(v).split(";"):
            if code and code not in seen:
                seen.append(code)
    return ";".join(sorted(seen))


def group_summary(panel: Panel, stat: str) -> pd.DataFrame:
    """Per group: the number of reports and the sum (counts only: sums of ratios mean nothing) or
    the mean of every numeric column; null cells are skipped, never read as 0."""
    numeric = [c for c in panel.columns if c.group != "meta" and c.kind != "text"]
    if stat == "sum":
        numeric = [c for c in numeric if c.kind in ("count", "amount", "change")]
    frame = panel.frame
    rows = []
    for group, part in frame.groupby("group", sort=True):
        row: dict[str, Any] = {"group": group, "n_reports": len(part)}
        for c in numeric:
            v = pd.to_numeric(part[c.key], errors="coerce")
            row[c.key] = (v.sum(min_count=1) if stat == "sum" else v.mean()) if v.notna().any() else None
        rows.append(row)
    out = pd.DataFrame(rows)
    if stat == "sum":
        out = _integers(out, [Column("n_reports", "", "count", "count"), *numeric])
    return out


__all__ = ["Column", "Panel", "build_panel", "cell_label", "group_summary", "labels", "template_cells"]
