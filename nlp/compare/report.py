"""``govnlp compare``: write the comparison tables (CSV) and charts (PNG) for one grouping."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.compare.charts import metric_chart, prevalence_chart
from nlp.compare.copying import copying_by_group
from nlp.compare.data import documents
from nlp.compare.labels import group_label
from nlp.compare.metrics import metric_by_group
from nlp.compare.prevalence import ROLE_GROUPS, theme_prevalence
from nlp.indicators import indicator
from nlp.outputs import atomic_write_text


@dataclass
class CompareResult:
    outdir: Path
    files: list[Path] = field(default_factory=list)
    groups: dict[str, str] = field(default_factory=dict)  # group → label used in charts (Chinese)


def chart_labels(groups: list[str], by: str) -> dict[str, str]:
    """Chart labels: groups as written (provinces, agencies, years), levels by their Chinese name
    (the mapping is written to group_labels.csv)."""
    return {g: group_label(g, by) for g in groups}


def _save_csv(df: pd.DataFrame, path: Path) -> Path:
    atomic_write_text(path, df.to_csv(index=False))
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def compare(rundir: str | Path, by: str, metrics: list[str] | None = None, outdir: str | Path | None = None,
            top: int = 8) -> CompareResult:
    """Theme prevalence (+ tests), copying indicators and numeric facts by ``by`` group.

    Tables cover every group; charts show the ``top`` largest groups.
    """
    rundir = Path(rundir)
    out = Path(outdir) if outdir else rundir / f"compare_{by}"
    out.mkdir(parents=True, exist_ok=True)
    result = CompareResult(out)
    docs = documents(rundir, by)
    sizes = docs.groupby("group").size().sort_values(ascending=False, kind="stable")
    all_labels = chart_labels(sorted(sizes.index, key=str), by)
    result.groups = all_labels
    shown = {g: all_labels[g] for g in sorted(sizes.index[:top], key=str)}
    result.files.append(_save_csv(pd.DataFrame({"group": list(all_labels), "label": list(all_labels.values()),
                                                "n_reports": [int(sizes[g]) for g in all_labels]}),
                                  out / "group_labels.csv"))
    prev, tests = theme_prevalence(rundir, by)
    result.files.append(_save_csv(prev, out / "theme_prevalence.csv"))
    result.files.append(_save_csv(tests, out / "theme_tests.csv"))
    for role in ROLE_GROUPS:
        result.files.append(prevalence_chart(prev, role, shown, out / f"theme_prevalence_{role}.png",
                                             by))
    if (rundir / "similarity.parquet").exists():
        result.files.append(_save_csv(copying_by_group(rundir, by), out / "copying.csv"))
    test_rows = []
    for metric in metrics or []:
        ind = indicator(metric)
        metric = ind.name if ind is not None else metric  # 实质公开率 -> substantive_disclosure_rate (ASCII files)
        summary, test, values = metric_by_group(rundir, by, metric)
        result.files.append(_save_csv(summary, out / f"metric_{_slug(metric)}.csv"))
        result.files.append(metric_chart(values, metric, shown, out / f"metric_{_slug(metric)}.png",
                                         by))
        test_rows.append(test)
    if test_rows:
        result.files.append(_save_csv(pd.DataFrame(test_rows), out / "metric_tests.csv"))
    return result
