"""Numeric facts by group: per-report values of one metric, summarised per group."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nlp.compare.data import documents, read_table
from nlp.compare.stats import distribution_test

_NOT_LEVELS = {"change", "delta", "pct_change"}  # changes are not levels (domain.md §4.3)


def metric_source(metric: str) -> str:
    """Where ``metric`` is read: "indicator" (a name of resources/indicators.yaml, English key or
    Chinese name), "cell" (a table cell key such as table3.granted.total) or "fact" (a prose metric)."""
    from nlp.indicators import indicator

    if indicator(metric) is not None:
        return "indicator"
    if metric.split(".", 1)[0] in ("table2", "table3", "table4") and metric.count(".") >= 2:
        return "cell"
    return "fact"


def metric_values(outdir: str | Path, metric: str) -> pd.DataFrame:
    """One value per report, with its ``source``: an indicator, a table cell, or a quantity followed
    across the format change.

    Indicators (``indicators``) and cells (``table_cells``): the report's value; reports where it is
    null are left out. Any other metric: a table beats the prose — the pre-2019 statistics annex
    (``legacy_stats`` rows whose ``metric`` is this one, e.g. 主动公开政府信息数 → active_disclosure.total),
    then the 2019/2021 table cells that are its counterpart (收到申请数 → table 三 new_received.total),
    then the largest level value the prose reports (repeated mentions of one figure are not summed).
    """
    source = metric_source(metric)
    if source == "indicator":
        from nlp.indicators import indicator

        ind = read_table(outdir, "indicators", ["doc_id", "indicator", "value"])
        ind = ind[(ind["indicator"] == indicator(metric).name) & ind["value"].notna()]
        return ind[["doc_id", "value"]].reset_index(drop=True).assign(source="indicators")
    if source == "cell":
        table, rest = metric.split(".", 1)
        row, col = rest.rsplit(".", 1)
        cells = read_table(outdir, "table_cells", ["doc_id", "table", "row", "column", "value"])
        cells = cells[(cells["table"] == table) & (cells["row"] == row) & (cells["column"] == col)
                      & cells["value"].notna()]
        return cells[["doc_id", "value"]].reset_index(drop=True).assign(source="table_cells")
    facts = read_table(outdir, "facts", ["doc_id", "metric", "value", "scope"])
    facts = facts[(facts["metric"] == metric) & facts["value"].notna() & ~facts["scope"].isin(_NOT_LEVELS)]
    parts = [_legacy_values(outdir, metric), _table_values(outdir, metric),
             facts.groupby("doc_id", as_index=False)["value"].max().assign(source="facts")]
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else parts[-1]
    return out.drop_duplicates("doc_id", keep="first").reset_index(drop=True)


def _legacy_values(outdir: str | Path, metric: str) -> pd.DataFrame:
    try:
        rows = read_table(outdir, "legacy_stats", ["doc_id", "metric", "value"])
    except FileNotFoundError:  # a run made before the annex was parsed
        return pd.DataFrame(columns=["doc_id", "value", "source"])
    rows = rows[(rows["metric"] == metric) & rows["value"].notna()]
    return rows.groupby("doc_id", as_index=False)["value"].first().assign(source="legacy_stats")


def _table_values(outdir: str | Path, metric: str) -> pd.DataFrame:
    """Sum of the 2019/2021 table cells the legacy schema names as the metric's counterpart."""
    from nlp.tables.legacy import counterparts

    refs = sorted({r for c in counterparts().values() if c.get("metric") == metric
                   for r in (c.get("counterpart") or []) if r.startswith("table")})
    if not refs:
        return pd.DataFrame(columns=["doc_id", "value", "source"])
    cells = read_table(outdir, "table_cells", ["doc_id", "table", "row", "column", "value"])
    ref = cells["table"] + "." + cells["row"] + "." + cells["column"]
    cells = cells[ref.isin(refs)]
    # every counterpart cell must be read: a partial sum would be a confident wrong value
    n = cells.groupby("doc_id")["value"].agg(["count", "sum"]).reset_index()
    n = n[n["count"] == len(refs)]
    return pd.DataFrame({"doc_id": n["doc_id"], "value": n["sum"], "source": "table"})


def metric_by_group(outdir: str | Path, by: str, metric: str) -> tuple[pd.DataFrame, dict[str, float], pd.DataFrame]:
    """(summary per group, Kruskal–Wallis test across groups, per-report values with group)."""
    docs = documents(outdir, by)
    values = metric_values(outdir, metric).merge(docs[["doc_id", "group"]], on="doc_id")
    rows = []
    for group, n in docs.groupby("group").size().items():
        v = values.loc[values["group"] == group, "value"].to_numpy(dtype=float)
        q = np.quantile(v, [0.25, 0.5, 0.75]) if len(v) else [np.nan] * 3
        rows.append({"group": group, "metric": metric, "n_reports": int(n), "n_with_value": len(v),
                     "mean": v.mean() if len(v) else np.nan, "std": v.std(ddof=1) if len(v) > 1 else np.nan,
                     "min": v.min() if len(v) else np.nan, "q25": q[0], "median": q[1], "q75": q[2],
                     "max": v.max() if len(v) else np.nan})
    test = distribution_test([values.loc[values["group"] == g, "value"].to_numpy(dtype=float)
                              for g in sorted(values["group"].unique())])
    return pd.DataFrame(rows), {"metric": metric, **test}, values
