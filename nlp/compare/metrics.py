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
    """One value per report (doc_id, value) for a prose fact, an indicator or a table cell.

    Facts: the largest level value reported (repeated mentions of the same figure are not summed).
    Indicators and cells: the report's value; reports where it is null are left out.
    """
    source = metric_source(metric)
    if source == "indicator":
        from nlp.indicators import indicator

        ind = read_table(outdir, "indicators", ["doc_id", "indicator", "value"])
        ind = ind[(ind["indicator"] == indicator(metric).name) & ind["value"].notna()]
        return ind[["doc_id", "value"]].reset_index(drop=True)
    if source == "cell":
        table, rest = metric.split(".", 1)
        row, col = rest.rsplit(".", 1)
        cells = read_table(outdir, "table_cells", ["doc_id", "table", "row", "column", "value"])
        cells = cells[(cells["table"] == table) & (cells["row"] == row) & (cells["column"] == col)
                      & cells["value"].notna()]
        return cells[["doc_id", "value"]].reset_index(drop=True)
    facts = read_table(outdir, "facts", ["doc_id", "metric", "value", "scope"])
    facts = facts[(facts["metric"] == metric) & facts["value"].notna() & ~facts["scope"].isin(_NOT_LEVELS)]
    return facts.groupby("doc_id", as_index=False)["value"].max()


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
