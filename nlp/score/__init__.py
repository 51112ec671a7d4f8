"""``govnlp score``: score sheets with evidence and rankings within groups (corpus layer)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.compare.data import read_table
from nlp.outputs import atomic_write_text, write_frame
from nlp.score.rubric import Rubric, load_rubric
from nlp.score.sheet import by_doc, rank_within, score_report

GROUPINGS = ("level", "region", "year")


@dataclass
class ScoreResult:
    outdir: Path
    sheets: list[dict] = field(default_factory=list)
    scores: pd.DataFrame | None = None
    files: list[Path] = field(default_factory=list)


def _optional(rundir: Path, name: str, columns: list[str]) -> pd.DataFrame:
    if (rundir / f"{name}.parquet").exists():
        return read_table(rundir, name)
    return pd.DataFrame(columns=columns)


def score_run(rundir: str | Path, rubric: Rubric | str | Path | None = None,
              outdir: str | Path | None = None) -> ScoreResult:
    """Score every processed report of a run directory; write ``scores``, ``score_deductions`` (Parquet +
    CSV) and ``sheets/<doc_id>.json`` to ``outdir`` (default ``RUNDIR/score``)."""
    rundir = Path(rundir)
    rub = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    out = Path(outdir) if outdir else rundir / "score"
    docs = read_table(rundir, "documents")
    docs = docs[docs["ok"].fillna(False) & docs["duplicate_of"].isna()].drop_duplicates("doc_id")
    checks = by_doc(_optional(rundir, "checks", ["doc_id", "rule", "status", "message", "expected", "actual", "cells"]))
    sim = by_doc(_optional(rundir, "similarity", ["doc_id", "section"]))
    stmts = by_doc(_optional(rundir, "statements", ["doc_id", "index", "role", "pair", "start", "end", "text"]))
    result = ScoreResult(out)
    rows, ded_rows = [], []
    for doc in docs.to_dict("records"):
        doc = {k: (None if not isinstance(v, (list, dict)) and pd.isna(v) else v) for k, v in doc.items()}
        sheet = score_report(rub, doc, checks[doc["doc_id"]], sim[doc["doc_id"]], stmts[doc["doc_id"]])
        result.sheets.append(sheet)
        row = {k: sheet[k] for k in ("doc_id", "path", "agency", "year", "level", "region", "published", "score")}
        row.update({f"score_{i['id']}": i["score"] for i in sheet["indicators"]})
        row["n_deductions"] = len(sheet["deductions"])
        row["n_not_decided"] = len(sheet["not_decided"])
        rows.append(row)
        for d in sheet["deductions"]:
            ded_rows.append({"doc_id": doc["doc_id"], "agency": doc.get("agency"), **{k: d[k] for k in (
                "indicator", "deduction", "label", "rule", "points")},
                "evidence": json.dumps(d["evidence"], ensure_ascii=False, sort_keys=True)})
    scores = rank_within(pd.DataFrame(rows), GROUPINGS) if rows else pd.DataFrame(rows)
    ranks = scores.set_index("doc_id") if len(scores) else None
    for sheet in result.sheets:
        if ranks is not None:
            r = ranks.loc[sheet["doc_id"]]
            sheet["ranks"] = {g: {"group": None if pd.isna(r[g]) else str(r[g]), "rank": int(r[f"rank_{g}"]),
                                  "n": int(r[f"n_{g}"])} for g in GROUPINGS}
        atomic_write_text(out / "sheets" / f"{sheet['doc_id']}.json",
                          json.dumps(sheet, ensure_ascii=False, indent=1, default=str))
    result.scores = scores
    result.files += write_frame(scores, out, "scores")
    deductions = pd.DataFrame(ded_rows, columns=["doc_id", "agency", "indicator", "deduction", "label", "rule",
                                                 "points", "evidence"])
    result.files += write_frame(deductions, out, "score_deductions")
    return result


__all__ = ["GROUPINGS", "Rubric", "ScoreResult", "load_rubric", "score_run"]
