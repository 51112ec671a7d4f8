"""Pair problems with measures (domain.md §3.3).

When a report lists as many measures as problems, the order is the prior (parallel enumeration);
theme overlap then adds fan-out links (one measure answering several problems). Otherwise the
links come from theme overlap alone. The fallback theme ``other`` never links anything.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nlp.statements.split import Statement

FALLBACK = "other"


def _themes(st: Statement) -> set[str]:
    return {t for t in st.themes if t != FALLBACK}


def pair_statements(statements: Sequence[Statement], min_overlap: float = 0.5) -> dict[str, Any]:
    """Fill ``Statement.pair`` (indices into ``statements``) and return the summary.

    A problem and a measure are linked when (a) the counts match and they share an ordinal,
    or (b) the problem's themes overlap the measure's: |P ∩ M| / |P| >= ``min_overlap``.
    """
    problems = [i for i, s in enumerate(statements) if s.role == "problem"]
    measures = [i for i, s in enumerate(statements) if s.role == "measure"]
    for s in statements:
        s.pair = []
    # Measures written before any problem rectify last year's problems
    # ("（一）2024年工作中存在问题的改进情况"), so they do not answer this year's list.
    first_problem = problems[0] if problems else len(statements)
    prior = [m for m in measures if m < first_problem and statements[m].status == "done"]
    measures = [m for m in measures if m not in prior]
    ordinal = len(problems) == len(measures) and len(problems) > 0
    links: set[tuple[int, int]] = set()
    if ordinal:
        links.update(zip(problems, measures))
    for p in problems:
        pt = _themes(statements[p])
        if not pt:
            continue
        for m in measures:
            shared = pt & _themes(statements[m])
            if shared and len(shared) / len(pt) >= min_overlap:
                links.add((p, m))
    for p, m in sorted(links):
        statements[p].pair.append(m)
        statements[m].pair.append(p)
    for s in statements:
        s.pair.sort()
    return {
        "n_problems": len(problems),
        "n_measures": len(measures),
        "pairing": "ordinal+themes" if ordinal else "themes",
        "uncovered_problems": [p for p in problems if not statements[p].pair],
        "orphan_measures": [m for m in measures if not statements[m].pair],
        "prior_year_rectifications": prior,
    }
