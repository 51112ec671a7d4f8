"""PNG charts with ASCII labels only (English theme codes, ASCII group labels): no CJK font needed."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def prevalence_chart(prev: pd.DataFrame, role: str, labels: dict[str, str], path: Path, title: str) -> Path:
    """Horizontal grouped bars: share of reports stating each theme, one bar per group, Wilson 95% CI."""
    data = prev[(prev["role"] == role) & prev["group"].isin(labels)]
    themes = list(dict.fromkeys(data["theme"]))
    groups = list(labels)
    height = 0.8 / max(len(groups), 1)
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(themes) * max(1, len(groups) / 3) + 1.8))
    y = np.arange(len(themes))
    for i, g in enumerate(groups):
        d = data[data["group"] == g].set_index("theme").reindex(themes)
        share = d["share"].to_numpy(dtype=float)
        err = np.vstack([share - d["ci_low"].to_numpy(dtype=float), d["ci_high"].to_numpy(dtype=float) - share])
        ax.barh(y + i * height, share, height, xerr=np.clip(np.nan_to_num(err), 0, None), capsize=1.5,
                error_kw={"elinewidth": 0.7, "ecolor": "0.35"}, label=labels[g])
    ax.set_yticks(y + height * (len(groups) - 1) / 2, themes)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of reports stating the theme as a {role} (95% Wilson CI)")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", title="group")
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return path


def metric_chart(values: pd.DataFrame, metric: str, labels: dict[str, str], path: Path, title: str) -> Path:
    """Box plot (with points) of a numeric fact per group."""
    groups = [g for g in labels if (values["group"] == g).any()]
    fig, ax = plt.subplots(figsize=(max(5, 1.2 * len(groups) + 2), 4.5))
    data = [values.loc[values["group"] == g, "value"].to_numpy(dtype=float) for g in groups]
    if groups:
        ax.boxplot(data, showfliers=False)
        for i, d in enumerate(data, start=1):
            ax.scatter(np.full(len(d), i) + np.linspace(-0.08, 0.08, len(d)), d, s=12, alpha=0.7)
        ax.set_xticks(range(1, len(groups) + 1), [labels[g] for g in groups], rotation=30, ha="right")
    else:
        ax.text(0.5, 0.5, "no values for this metric", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylabel(metric)
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
