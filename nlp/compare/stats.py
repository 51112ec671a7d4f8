"""Small statistics for group comparisons: Wilson intervals and tests of difference."""
from __future__ import annotations

import math

import numpy as np
from scipy import stats


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (NaN, NaN when n == 0)."""
    if n <= 0:
        return math.nan, math.nan
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def proportion_test(with_counts: list[int], totals: list[int]) -> dict[str, float]:
    """Chi-square test of equal proportions across groups (plus Fisher's exact test for two groups).

    Returns NaNs when the test is undefined (fewer than two groups, or the theme is in none or all reports).
    """
    table = np.array([[k, n - k] for k, n in zip(with_counts, totals) if n > 0])
    out = {"chi2": math.nan, "dof": math.nan, "p_value": math.nan, "min_expected": math.nan,
           "fisher_p_value": math.nan}
    if len(table) < 2 or table[:, 0].sum() == 0 or table[:, 1].sum() == 0:
        return out
    chi2, p, dof, expected = stats.chi2_contingency(table, correction=False)
    out.update(chi2=float(chi2), dof=float(dof), p_value=float(p), min_expected=float(expected.min()))
    if len(table) == 2:
        out["fisher_p_value"] = float(stats.fisher_exact(table)[1])
    return out


def distribution_test(samples: list[np.ndarray]) -> dict[str, float]:
    """Kruskal–Wallis test across groups (needs two groups with values and some variation)."""
    samples = [s for s in samples if len(s)]
    if len(samples) < 2 or len(np.unique(np.concatenate(samples))) < 2:
        return {"kruskal_h": math.nan, "p_value": math.nan}
    h, p = stats.kruskal(*samples)
    return {"kruskal_h": float(h), "p_value": float(p)}
