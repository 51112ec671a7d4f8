"""Theme prevalence by group: the share of reports stating each theme as a problem / as a measure."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.compare.data import documents, read_table
from nlp.compare.stats import proportion_test, wilson_interval

# A report "states theme T as a measure" through a planned measure or a claimed result.
ROLE_GROUPS = {"problem": ("problem",), "measure": ("measure", "rectification_result", "result")}
_NOT_THEMES = {"", "none_reported", "generic_only"}


def _theme_codes(observed: set[str]) -> list[str]:
    try:
        from nlp.themes.taxonomy import load_taxonomy

        codes = load_taxonomy().codes
    except (ImportError, OSError, ValueError):  # the taxonomy is optional here: fall back to the codes seen
        codes = []
    return codes + sorted(observed - set(codes))


def report_themes(outdir: str | Path) -> pd.DataFrame:
    """One row per (doc_id, role group, theme) stated at least once."""
    st = read_table(outdir, "statements", ["doc_id", "role", "themes"])
    rows = []
    for role_group, roles in ROLE_GROUPS.items():
        part = st[st["role"].isin(roles)]
        exploded = part.assign(theme=part["themes"].fillna("").str.split(";")).explode("theme")
        exploded = exploded[~exploded["theme"].isin(_NOT_THEMES)]
        rows.append(exploded[["doc_id", "theme"]].drop_duplicates().assign(role=role_group))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["doc_id", "theme", "role"])


def theme_prevalence(outdir: str | Path, by: str, confidence: float = 0.95) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(prevalence per group × role × theme with Wilson interval, one test per role × theme).

    The denominator is every successfully processed report of the group: a report that states
    no problem counts as not stating the theme.
    """
    docs = documents(outdir, by)
    themes = report_themes(outdir).merge(docs[["doc_id", "group"]], on="doc_id")
    totals = docs.groupby("group").size()
    codes = _theme_codes(set(themes["theme"]))
    prevalence, tests = [], []
    for role in ROLE_GROUPS:
        counts = themes[themes["role"] == role].groupby(["theme", "group"])["doc_id"].nunique()
        for theme in codes:
            ks, ns = [], []
            for group, n in totals.items():
                k = int(counts.get((theme, group), 0))
                low, high = wilson_interval(k, int(n), confidence)
                prevalence.append({"group": group, "role": role, "theme": theme, "n_reports": int(n),
                                   "n_stating": k, "share": k / n if n else float("nan"),
                                   "ci_low": low, "ci_high": high})
                ks.append(k)
                ns.append(int(n))
            tests.append({"role": role, "theme": theme, "n_groups": len(ns), "n_stating": sum(ks),
                          **proportion_test(ks, ns)})
    return pd.DataFrame(prevalence), pd.DataFrame(tests)
