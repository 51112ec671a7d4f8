"""``govnlp similarity OUTDIR``: boilerplate and copying over a finished run directory.

Reads ``documents``, ``sections`` and ``statements`` (streamed in batches) and writes:

* ``similarity``: one row per report × narrative section — similarity to the same unit's
  previous report, to the most similar report of another unit, near-duplicate counts and
  statute copying;
* ``near_duplicates``: statements (section 五 problems/measures) repeated nearly verbatim by
  two or more units;
* ``followup``: year-over-year follow-up per report that has an earlier report of its unit
  (see :mod:`nlp.similarity.followup`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from nlp.run.consolidate import TableWriter
from nlp.similarity.agencies import canonical_agencies
from nlp.similarity.clusters import NearDuplicateClusters
from nlp.similarity.followup import FOLLOWUP_SCHEMA, FollowupCollector, mentions_rectification
from nlp.similarity.shingles import Signer, canonical, estimate, estimate_many, shingle_hashes
from nlp.similarity.statute import default_statute_index

NARRATIVE_SECTIONS = ("overall", "overall.active", "overall.on_request", "overall.management", "overall.platform",
                      "overall.supervision", "problems", "other")
MIN_CHARS = 20  # shorter sections ("无") carry no copying signal
SECTION_DUPLICATE = 0.9  # estimated Jaccard for "near-duplicate section"
STATEMENT_DUPLICATE = 0.8
MAX_COMPARED_PER_CLUSTER = 20  # bounded exact comparisons per candidate cluster keeps cost linear
_BATCH = 2048

_S, _I, _F = pa.string(), pa.int64(), pa.float64()
SIMILARITY_SCHEMA = pa.schema([
    ("doc_id", _S), ("agency", _S), ("year", _I), ("section", _S), ("n_chars", _I),
    ("prev_doc_id", _S), ("prev_year", _I), ("sim_prev", _F),
    ("max_sim_other", _F), ("most_similar_doc", _S), ("most_similar_agency", _S),
    ("n_near_duplicates_other", _I), ("statute_containment", _F), ("statute_article", _S),
    ("statute_article_containment", _F),
])
NEAR_DUPLICATES_SCHEMA = pa.schema([
    ("cluster", _I), ("n_agencies", _I), ("doc_id", _S), ("agency", _S), ("year", _I), ("index", _I),
    ("role", _S), ("sim_to_representative", _F), ("text", _S),
])


@dataclass
class DocInfo:
    doc_id: str
    agency: str | None
    unit: str  # canonical agency key (the doc id when the agency is unknown)
    year: int | None


def load_documents(outdir: Path) -> dict[str, DocInfo]:
    table = pq.read_table(outdir / "documents.parquet", columns=["doc_id", "ok", "agency", "year"])
    rows = [r for r in table.to_pylist() if r["ok"]]
    units = canonical_agencies([r["agency"] for r in rows])
    docs: dict[str, DocInfo] = {}
    for r in rows:
        docs.setdefault(r["doc_id"], DocInfo(r["doc_id"], r["agency"], units.get(r["agency"]) or f"doc:{r['doc_id']}",
                                             r["year"]))
    return docs


def previous_reports(docs: dict[str, DocInfo]) -> dict[str, str]:
    """doc_id → doc_id of the same unit's latest earlier report."""
    by_unit: dict[str, dict[int, str]] = {}
    for d in docs.values():
        if d.year is not None and not d.unit.startswith("doc:"):
            by_unit.setdefault(d.unit, {}).setdefault(d.year, d.doc_id)
    prev: dict[str, str] = {}
    for years in by_unit.values():
        ordered = sorted(years)
        for earlier, later in zip(ordered, ordered[1:]):
            prev[years[later]] = years[earlier]
    return prev


def _iter_rows(path: Path, columns: list[str]):
    pf = pq.ParquetFile(path)
    for batch in pf.iter_batches(batch_size=_BATCH, columns=columns):
        yield from batch.to_pylist()


class SectionSimilarity:
    def __init__(self, docs: dict[str, DocInfo], n_rows: int, signer: Signer):
        self.docs, self.signer = docs, signer
        self.sigs = np.zeros((max(n_rows, 1), signer.num_perm), dtype=np.uint32)
        self.rows: list[dict[str, Any]] = []
        self.row_of: dict[tuple[str, str], int] = {}
        self.clusters = {k: NearDuplicateClusters(signer, SECTION_DUPLICATE) for k in NARRATIVE_SECTIONS}
        self.statute = default_statute_index()
        self.rectification: dict[str, bool] = {}  # doc_id -> 五 mentions rectifying earlier problems

    def add(self, doc_id: str, key: str, text: str) -> None:
        doc = self.docs[doc_id]
        row = {"doc_id": doc_id, "agency": doc.agency, "year": doc.year, "section": key, "n_chars": len(text)}
        if key == "problems":
            self.rectification[doc_id] = mentions_rectification(text)
        if len(canonical(text)) >= MIN_CHARS:
            hashes = shingle_hashes(text)
            match = self.statute.match(hashes)
            row.update(statute_containment=round(match.containment, 4), statute_article=match.article,
                       statute_article_containment=round(match.article_containment, 4))
            i = len(self.rows)
            self.sigs[i] = self.signer.signature(hashes)
            self.row_of[(doc_id, key)] = i
            self.clusters[key].add(i, self.sigs[i], doc.unit, self.sigs)
        self.rows.append(row)

    def finish(self, prev: dict[str, str]) -> list[dict[str, Any]]:
        for i, row in enumerate(self.rows):
            doc = self.docs[row["doc_id"]]
            p = prev.get(row["doc_id"])
            if p:
                row["prev_doc_id"], row["prev_year"] = p, self.docs[p].year
            if (row["doc_id"], row["section"]) not in self.row_of:
                continue
            sig = self.sigs[i]
            j = self.row_of.get((p, row["section"])) if p else None
            if j is not None:
                row["sim_prev"] = round(estimate(sig, self.sigs[j]), 4)
            clusters = self.clusters[row["section"]]
            own = clusters.cluster_of[i]
            row["n_near_duplicates_other"] = clusters.n_other_groups(own, doc.unit)
            best, best_row = 0.0, None
            for cid in set(clusters.similar_clusters(sig)) | {own}:
                others = clusters.other_group_rows(cid, doc.unit, MAX_COMPARED_PER_CLUSTER)
                if others:
                    sims = estimate_many(sig, self.sigs[others])
                    k = int(np.argmax(sims))
                    if sims[k] > best:
                        best, best_row = float(sims[k]), others[k]
            if best_row is not None:
                other = self.docs[self.rows[best_row]["doc_id"]]
                row.update(max_sim_other=round(best, 4), most_similar_doc=other.doc_id,
                           most_similar_agency=other.agency)
            else:
                row["max_sim_other"] = 0.0
        return self.rows


def _statement_duplicates(outdir: Path, docs: dict[str, DocInfo], followup: FollowupCollector
                          ) -> list[dict[str, Any]]:
    signer = Signer(num_perm=64)
    path = outdir / "statements.parquet"
    n = pq.ParquetFile(path).metadata.num_rows
    sigs = np.zeros((max(n, 1), signer.num_perm), dtype=np.uint32)
    clusters = NearDuplicateClusters(signer, STATEMENT_DUPLICATE)
    kept: list[dict[str, Any]] = []
    for r in _iter_rows(path, ["doc_id", "index", "role", "themes", "text"]):
        doc = docs.get(r["doc_id"])
        if doc is None:
            continue
        text = r["text"] or ""
        sig = None
        if len(canonical(text)) >= MIN_CHARS // 2:
            i = len(kept)
            sigs[i] = sig = signer.signature(shingle_hashes(text))
            clusters.add(i, sig, doc.unit, sigs)
            kept.append({"doc_id": doc.doc_id, "agency": doc.agency, "year": doc.year, "index": r["index"],
                         "role": r["role"], "text": text})
        followup.add_statement(doc.doc_id, r["index"], r["role"], r["themes"], sig)
    out = []
    for cid, members in enumerate(clusters.members):
        n_units = len(clusters.groups[cid])
        if n_units < 2:
            continue
        for i in members:
            out.append({"cluster": cid, "n_agencies": n_units, **kept[i],
                        "sim_to_representative": round(clusters.sim_to_rep[i], 4)})
    return out


def _write(outdir: Path, name: str, schema: pa.Schema, rows: list[dict[str, Any]], formats: tuple[str, ...]) -> str:
    writer = TableWriter(outdir, name, schema, formats)
    writer.add(rows)
    writer.close()
    return str(writer.final.get("parquet") or next(iter(writer.final.values())))


def run_similarity(outdir: str | Path, formats: tuple[str, ...] = ("parquet", "csv")
                   ) -> tuple[dict[str, int], dict[str, str]]:
    """Write similarity, near_duplicates and followup tables into a run directory."""
    outdir = Path(outdir)
    docs = load_documents(outdir)
    prev = previous_reports(docs)
    sections_path = outdir / "sections.parquet"
    sections = SectionSimilarity(docs, pq.ParquetFile(sections_path).metadata.num_rows, Signer())
    for r in _iter_rows(sections_path, ["doc_id", "key", "text"]):
        if r["key"] in NARRATIVE_SECTIONS and r["doc_id"] in docs:
            sections.add(r["doc_id"], r["key"], r["text"] or "")
    sim_rows = sections.finish(prev)
    followup = FollowupCollector(docs, prev, sections.rectification)
    dup_rows = _statement_duplicates(outdir, docs, followup)
    followup_rows = followup.rows(sim_rows)
    files = {
        "similarity": _write(outdir, "similarity", SIMILARITY_SCHEMA, sim_rows, formats),
        "near_duplicates": _write(outdir, "near_duplicates", NEAR_DUPLICATES_SCHEMA, dup_rows, formats),
        "followup": _write(outdir, "followup", FOLLOWUP_SCHEMA, followup_rows, formats),
    }
    counts = {"similarity": len(sim_rows), "near_duplicates": len(dup_rows), "followup": len(followup_rows)}
    return counts, files
