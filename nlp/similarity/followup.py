"""Year-over-year follow-up of section 五 (domain.md §3.3 item 6).

For each report whose unit has an earlier report in the corpus:

* coverage: share of last report's problem themes that this report answers with a
  measure or a rectification result;
* recurrence: this report's problems that repeat a problem of last report nearly verbatim
  (estimated Jaccard of character shingles ≥ ``RECURRENCE_THRESHOLD``) — unresolved or boilerplate;
* whether section 五 says anything about rectifying last year's problems.
"""
from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pyarrow as pa

from nlp.resources import thresholds
from nlp.similarity.shingles import estimate_many

RECURRENCE_THRESHOLD = thresholds()["followup"]["recurrence"]
PROBLEM_ROLES = {"problem"}
RESPONSE_ROLES = {"measure", "rectification_result", "result"}
_RECTIFICATION = re.compile(
    r"(?:上一?年度?|去年|上年|\d{4}年度?(?:年度)?报告|以往|往年)[^。；]{0,40}(?:问题|不足)[^。；]{0,40}(?:整改|改进|解决)"
    r"|(?:问题|不足)[^。；]{0,10}整改情况|整改落实情况"
)

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
FOLLOWUP_SCHEMA = pa.schema([
    ("doc_id", _S), ("agency", _S), ("year", _I), ("prev_doc_id", _S), ("prev_year", _I),
    ("prev_problem_themes", _S), ("response_themes", _S), ("covered_themes", _S), ("uncovered_themes", _S),
    ("coverage", _F), ("n_problems", _I), ("n_prev_problems", _I), ("n_recurrent", _I), ("recurrence", _F),
    ("max_problem_similarity", _F), ("recurrent_pairs", _S), ("sim_prev_problems_section", _F),
    ("mentions_rectification", _B),
])


def mentions_rectification(text: str) -> bool:
    """Does section 五 report on rectifying earlier problems ("针对2022年度报告中提出的…问题，已整改")?"""
    return bool(_RECTIFICATION.search(re.sub(r"\s+", "", text or "")))


def _themes(value: str | None) -> frozenset[str]:
    return frozenset(t for t in (value or "").split(";") if t and t not in {"other", "none_reported", "generic_only"})


class FollowupCollector:
    """Collects the statements of reports involved in a (previous, current) pair, then scores the pairs."""

    def __init__(self, docs: dict[str, Any], prev: dict[str, str], rectification: dict[str, bool]):
        self.docs, self.prev, self.rectification = docs, prev, rectification
        self.involved = set(prev) | set(prev.values())
        self.problems: dict[str, list[tuple[int, frozenset[str], np.ndarray | None]]] = {}
        self.responses: dict[str, set[str]] = {}
        # theme sets shared per distinct value (a corpus has few combinations): one per statement held 30 MB
        # at 30k reports
        self._theme_sets: dict[str | None, frozenset[str]] = {}

    def add_statement(self, doc_id: str, index: int, role: str | None, themes: str | None,
                      signature: np.ndarray | None) -> None:
        if doc_id not in self.involved:
            return
        theme_set = self._theme_sets.get(themes)
        if theme_set is None:
            theme_set = self._theme_sets[themes] = _themes(themes)
        if role in PROBLEM_ROLES:
            self.problems.setdefault(doc_id, []).append((index, theme_set, signature))
        elif role in RESPONSE_ROLES:
            self.responses.setdefault(doc_id, set()).update(theme_set)

    def _recurrence(self, current: list, previous: list) -> tuple[int, float | None, list]:
        prev_sigs = [(i, s) for i, _, s in previous if s is not None]
        if not prev_sigs:
            return 0, None, []
        matrix = np.stack([s for _, s in prev_sigs])
        n, best_overall, pairs = 0, 0.0, []
        for index, _, sig in current:
            if sig is None:
                continue
            sims = estimate_many(sig, matrix)
            k = int(np.argmax(sims))
            best_overall = max(best_overall, float(sims[k]))
            if sims[k] >= RECURRENCE_THRESHOLD:
                n += 1
                pairs.append([index, prev_sigs[k][0], round(float(sims[k]), 4)])
        return n, round(best_overall, 4), pairs

    def rows(self, problems_sim: dict[str, float | None]) -> list[dict[str, Any]]:
        """One row per report with an earlier report of its unit; ``problems_sim``: doc_id → sim_prev of 五."""
        section_sim = problems_sim
        out = []
        for doc_id, prev_id in self.prev.items():
            doc, prev_doc = self.docs[doc_id], self.docs[prev_id]
            previous = self.problems.get(prev_id, [])
            current = self.problems.get(doc_id, [])
            prev_themes = set().union(*(t for _, t, _ in previous)) if previous else set()
            response = self.responses.get(doc_id, set())
            covered = prev_themes & response
            n_rec, best, pairs = self._recurrence(current, previous)
            out.append({
                "doc_id": doc_id, "agency": doc.agency, "year": doc.year, "prev_doc_id": prev_id,
                "prev_year": prev_doc.year, "prev_problem_themes": ";".join(sorted(prev_themes)),
                "response_themes": ";".join(sorted(response)), "covered_themes": ";".join(sorted(covered)),
                "uncovered_themes": ";".join(sorted(prev_themes - response)),
                "coverage": round(len(covered) / len(prev_themes), 4) if prev_themes else None,
                "n_problems": len(current), "n_prev_problems": len(previous), "n_recurrent": n_rec,
                "recurrence": round(n_rec / len(current), 4) if current else None,
                "max_problem_similarity": best, "recurrent_pairs": json.dumps(pairs),
                "sim_prev_problems_section": section_sim.get(doc_id),
                "mentions_rectification": self.rectification.get(doc_id),
            })
        return out
