"""Copying, boilerplate and follow-up indicators per group (from the similarity tables)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.compare.data import documents, read_table
from nlp.resources import thresholds

STATUTE_COPY = thresholds()["copying"]["statute_copy"]
PEER_COPY = thresholds()["copying"]["peer_copy"]


def copying_by_group(outdir: str | Path, by: str) -> pd.DataFrame:
    docs = documents(outdir, by)
    sim = read_table(outdir, "similarity").merge(docs[["doc_id", "group"]], on="doc_id")
    per_doc = sim.groupby("doc_id").agg(
        statute_copy=("statute_containment", lambda s: bool((s.fillna(0) >= STATUTE_COPY).any())),
        peer_copy=("max_sim_other", lambda s: bool((s.fillna(0) >= PEER_COPY).any())),
    ).reset_index()
    problems = sim[sim["section"] == "problems"][["doc_id", "sim_prev"]].rename(columns={"sim_prev": "sim_prev_problems"})
    per_doc = docs[["doc_id", "group"]].merge(per_doc, on="doc_id", how="left").merge(problems, on="doc_id", how="left")
    followup_path = Path(outdir) / "followup.parquet"
    if followup_path.exists():
        fu = read_table(outdir, "followup", ["doc_id", "coverage", "recurrence"])
        per_doc = per_doc.merge(fu, on="doc_id", how="left")
    else:
        per_doc = per_doc.assign(coverage=pd.NA, recurrence=pd.NA)
    out = per_doc.groupby("group").agg(
        n_reports=("doc_id", "nunique"),
        share_statute_copy=("statute_copy", lambda s: s.fillna(False).astype(bool).mean()),
        share_peer_copy=("peer_copy", lambda s: s.fillna(False).astype(bool).mean()),
        n_with_previous=("sim_prev_problems", "count"),
        mean_sim_prev_problems=("sim_prev_problems", "mean"),
        mean_followup_coverage=("coverage", "mean"),
        mean_problem_recurrence=("recurrence", "mean"),
    ).reset_index()
    return out
