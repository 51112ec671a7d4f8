"""PNG charts labelled in Chinese: theme names from themes.yaml (codes beside them), groups as written.

Every chart is drawn with the CJK font shipped in the ``mplfonts`` wheel (:mod:`nlp.compare.fonts`).
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from nlp.compare.fonts import cjk_rc
from nlp.compare.labels import labels_zh, theme_names
from nlp.indicators import indicator
from nlp.outputs import atomic_path


def _save(fig: plt.Figure, path: Path, **kw: object) -> Path:
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=110, **kw)
    plt.close(fig)
    return path


def theme_tick(code: str) -> str:
    """思想认识与组织领导 (awareness_leadership): the Chinese name, the code in brackets."""
    name = theme_names().get(code)
    return f"{name}（{code}）" if name else code


def prevalence_chart(prev: pd.DataFrame, role: str, labels: dict[str, str], path: Path, by: str) -> Path:
    """Horizontal grouped bars: share of reports stating each theme, one bar per group, Wilson 95% CI."""
    text = labels_zh()
    role_zh = text["roles"].get(role, role)
    data = prev[(prev["role"] == role) & prev["group"].isin(labels)]
    themes = list(dict.fromkeys(data["theme"]))
    groups = list(labels)
    height = 0.8 / max(len(groups), 1)
    with plt.rc_context(cjk_rc()):
        fig, ax = plt.subplots(figsize=(11, 0.45 * len(themes) * max(1, len(groups) / 3) + 1.8))
        y = np.arange(len(themes))
        for i, g in enumerate(groups):
            d = data[data["group"] == g].set_index("theme").reindex(themes)
            share = d["share"].to_numpy(dtype=float)
            err = np.vstack([share - d["ci_low"].to_numpy(dtype=float), d["ci_high"].to_numpy(dtype=float) - share])
            ax.barh(y + i * height, share, height, xerr=np.clip(np.nan_to_num(err), 0, None), capsize=1.5,
                    error_kw={"elinewidth": 0.7, "ecolor": "0.35"}, label=labels[g])
        ax.set_yticks(y + height * (len(groups) - 1) / 2, [theme_tick(t) for t in themes])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(text["chart"]["prevalence_xlabel"].format(role=role_zh))
        ax.set_title(text["chart"]["prevalence_title"].format(role=role_zh, by=text["groupings"].get(by, by)))
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", title=text["chart"]["legend_title"])
        fig.text(0.01, 0.005, text["chart"]["theme_note"], fontsize="x-small", color="0.4")
        fig.tight_layout()
        return _save(fig, path, bbox_inches="tight")


def metric_chart(values: pd.DataFrame, metric: str, labels: dict[str, str], path: Path, by: str) -> Path:
    """Box plot (with points) of a numeric fact per group."""
    text = labels_zh()["chart"]
    by_zh = labels_zh()["groupings"].get(by, by)
    groups = [g for g in labels if (values["group"] == g).any()]
    ind = indicator(metric)
    name = labels_zh()["metrics"].get(metric) or (ind.zh if ind is not None else None)
    shown = f"{name}（{metric}）" if name else metric
    with plt.rc_context(cjk_rc()):
        fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(groups) + 2), 4.5))
        data = [values.loc[values["group"] == g, "value"].to_numpy(dtype=float) for g in groups]
        if groups:
            ax.boxplot(data, showfliers=False)
            for i, d in enumerate(data, start=1):
                ax.scatter(np.full(len(d), i) + np.linspace(-0.08, 0.08, len(d)), d, s=12, alpha=0.7)
            ax.set_xticks(range(1, len(groups) + 1), [labels[g] for g in groups], rotation=30, ha="right")
        else:
            ax.text(0.5, 0.5, text["no_values"], ha="center", va="center", transform=ax.transAxes)
        ax.set_ylabel(text["metric_ylabel"].format(metric=metric))
        ax.set_title(text["metric_title"].format(metric=shown, by=by_zh))
        fig.tight_layout()
        return _save(fig, path)
