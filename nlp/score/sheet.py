"""Score sheets: every deduction of a rubric applied to one report, with its rule and evidence.

Reads the tables of a ``govnlp run`` directory (documents, checks, similarity, statements); the
corpus layer (may use the report layer, never the reverse).
"""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

import pandas as pd

from nlp.compare.labels import labels_zh
from nlp.score.rubric import Deduction, Rubric


def _json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _num(x: Any) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _int(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _occurrences(ded: Deduction, doc: dict[str, Any], checks: pd.DataFrame, sim: pd.DataFrame,
                 stmts: pd.DataFrame) -> list[dict[str, Any]]:
    """The evidence of each occurrence of one deduction in one report (empty: no deduction)."""
    if str(doc.get("format_version")) in ded.skip_formats:
        return []
    if ded.source == "check":
        hits = checks[checks["rule"].map(ded.matches_rule) & checks["status"].isin(ded.statuses)]
        return [{"rule": r.rule, "status": r.status, "message": r.message, "expected": _json(r.expected),
                 "actual": _json(r.actual), "cells": _json(r.cells) or []} for r in hits.itertuples()]
    if ded.source == "missing_section":
        names = labels_zh()["sections"]
        return [{"rule": "missing_section", "section": key, "message": f"未找到：{names.get(key, key)}"}
                for key in _json(doc.get("missing_sections") or "[]") or []]
    if ded.source == "similarity":
        rows = sim if not ded.sections else sim[sim["section"].isin(ded.sections)]
        out = []
        for r in rows.itertuples():
            value = _num(getattr(r, ded.field))
            if value is None or value <= ded.above or (_num(r.n_chars) or 0) < ded.min_chars:
                continue
            ev = {"rule": f"similarity.{ded.field}", "section": r.section, "field": ded.field, "value": value,
                  "threshold": ded.above}
            if ded.field == "sim_prev":
                ev.update(compared_with=r.prev_doc_id, compared_year=_num(r.prev_year))
            elif ded.field == "max_sim_other":
                ev.update(compared_with=r.most_similar_doc, compared_agency=r.most_similar_agency)
            else:
                ev.update(article=r.statute_article)
            ev["message"] = f"{r.section}: {ded.field} = {value:.2f} > {ded.above:.2f}"
            out.append(ev)
        return out
    problems = stmts[stmts["role"] == "problem"]
    if ded.condition == "no_problems":
        return [] if len(problems) else [{"rule": "statements.no_problems", "message": "第五部分未识别出问题陈述"}]
    out = []
    for r in problems.itertuples():  # unpaired_problem
        if not (_json(r.pair) or []):
            out.append({"rule": "statements.unpaired_problem", "index": int(r.index), "start": _int(r.start),
                        "end": _int(r.end), "text": r.text, "message": f"问题 {int(r.index)} 无对应措施"})
    return out


def score_report(rubric: Rubric, doc: dict[str, Any], checks: pd.DataFrame, sim: pd.DataFrame,
                 stmts: pd.DataFrame) -> dict[str, Any]:
    """The score sheet of one report: indicators (max, deducted, score) and each deduction applied."""
    indicators, deductions = [], []
    for ind in rubric.indicators:
        left = ind.max
        for ded in ind.deductions:
            occ = _occurrences(ded, doc, checks, sim, stmts)
            if not occ:
                continue
            groups = [occ] if ded.per_report else [[o] for o in occ]
            from_this = 0.0
            for evidence in groups:
                points = ded.points
                if ded.cap is not None:
                    points = min(points, ded.cap - from_this)
                points = min(points, left)  # the indicator's cap
                deductions.append({"indicator": ind.id, "indicator_name": ind.name, "deduction": ded.id,
                                   "label": ded.label, "rule": evidence[0]["rule"], "points": round(points, 4),
                                   "nominal_points": ded.points, "evidence": evidence})
                from_this += points
                left -= points
        indicators.append({"id": ind.id, "name": ind.name, "max": ind.max, "deducted": round(ind.max - left, 4),
                           "score": round(left, 4)})
    score = round(sum(i["score"] for i in indicators) * rubric.total / max(sum(i.max for i in rubric.indicators), 1e-9), 2)
    check_deds = [d for ind in rubric.indicators for d in ind.deductions if d.source == "check"]
    pending = checks[checks["status"] == "UNCERTAIN"]
    pending = pending[pending["rule"].map(lambda r: any(d.matches_rule(r) for d in check_deds))]
    d19 = checks[checks["rule"].str.startswith("D19")]
    timeliness = ({"status": d19.iloc[0]["status"], "deadline": d19.iloc[0]["expected"],
                   "message": d19.iloc[0]["message"]} if len(d19) else None)
    return {"doc_id": doc["doc_id"], "path": doc.get("path"), "agency": doc.get("agency"), "year": doc.get("year"),
            "level": doc.get("level"), "region": doc.get("region"), "format_version": doc.get("format_version"),
            "published": doc.get("published"), "published_source": doc.get("published_source"),
            "rubric": {"name": rubric.name, "version": rubric.version, "path": rubric.path},
            "timeliness": timeliness, "total": rubric.total, "score": score, "indicators": indicators, "deductions": deductions,
            # UNCERTAIN results of rules the rubric deducts for (an operand is null): shown, never deducted
            "not_decided": [{"rule": r.rule, "status": r.status, "message": r.message} for r in pending.itertuples()]}


def rank_within(scores: pd.DataFrame, groupings: tuple[str, ...]) -> pd.DataFrame:
    """rank_<g> (1 = best; ties share the best rank) and n_<g> within each group of ``groupings``."""
    out = scores.copy()
    for g in groupings:
        key = out[g].astype("string").fillna("unknown")
        out[f"rank_{g}"] = out.groupby(key)["score"].rank(method="min", ascending=False).astype("Int64")
        out[f"n_{g}"] = out.groupby(key)["score"].transform("count").astype("Int64")
    return out


def by_doc(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    groups: dict[str, pd.DataFrame] = defaultdict(lambda: df.iloc[0:0])
    for doc_id, part in df.groupby("doc_id", sort=False):
        groups[doc_id] = part
    return groups
