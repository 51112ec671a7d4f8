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

from array import array
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nlp.outputs import TableWriter
from nlp.resources import thresholds
from nlp.similarity.agencies import canonical_agencies
from nlp.similarity.clusters import NearDuplicateClusters
from nlp.similarity.features import (
    FEATURES_VERSION,
    NARRATIVE_SECTIONS,
    STATEMENT_PERM,
    section_feature,
    statement_feature,
)
from nlp.similarity.followup import FOLLOWUP_SCHEMA, FollowupCollector
from nlp.similarity.shingles import NUM_PERM, Signer, estimate, estimate_many
from nlp.similarity.statute import default_statute_index

SECTION_DUPLICATE = thresholds()["similarity"]["section_duplicate"]
STATEMENT_DUPLICATE = thresholds()["similarity"]["statement_duplicate"]
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
        for earlier, later in pairwise(ordered):
            prev[years[later]] = years[earlier]
    return prev


def _parquet(path: Path) -> pq.ParquetFile:
    # Without pre-buffering: a pass over the file otherwise caches every column chunk it reads until
    # the pass ends (340 MB of signatures at 50k reports, read once per section key).
    return pq.ParquetFile(path, pre_buffer=False)


def _iter_rows(path: Path, columns: list[str] | None = None):
    pf = _parquet(path)
    for batch in pf.iter_batches(batch_size=_BATCH, columns=columns):
        yield from batch.to_pylist()


def _stored_features(outdir: Path) -> Path | None:
    """``_features.parquet`` when it exists and was made with the current parameters."""
    path = outdir / "_features.parquet"
    if not path.exists():
        return None
    meta = pq.read_schema(path).metadata or {}
    return path if meta.get(b"govnlp_features", b"").decode() == FEATURES_VERSION else None


def iter_features(outdir: Path, kind: str, docs: dict[str, DocInfo], key: str | None = None):
    """Feature rows of ``kind`` ("section" or "statement"; sections of one ``key`` if given) of the
    documents in ``docs``, in table order."""
    stored = _stored_features(outdir)
    if stored is not None:
        for batch in _parquet(stored).iter_batches(batch_size=_BATCH):
            mask = pc.equal(batch.column("kind"), kind)
            if key is not None:
                mask = pc.and_(mask, pc.equal(batch.column("key"), key))
            for r in batch.filter(mask).to_pylist():
                if r["doc_id"] in docs:
                    yield r
    elif kind == "section":
        for r in _iter_rows(outdir / "sections.parquet", ["doc_id", "key", "text"]):
            if (r["key"] == key if key else r["key"] in NARRATIVE_SECTIONS) and r["doc_id"] in docs:
                yield section_feature(r["doc_id"], r["key"], r["text"] or "")
    else:
        for r in _iter_rows(outdir / "statements.parquet", ["doc_id", "index", "role", "themes", "text"]):
            if r["doc_id"] in docs:
                yield statement_feature(r["doc_id"], r["index"], r["role"], r["themes"], r["text"] or "")


class SectionSimilarity:
    """Per (report, narrative section): statute copying now, peer and previous-year similarity at the end.

    State is columnar (NumPy arrays indexed by row) so that memory stays small at 20k+ reports.
    """

    def __init__(self, docs: dict[str, DocInfo], n_rows: int, signer: Signer):
        self.docs, self.signer = docs, signer
        n = max(n_rows, 1)
        self.doc_ids = list(docs)
        self.doc_index = {d: i for i, d in enumerate(self.doc_ids)}
        self.sigs = np.zeros((n, signer.num_perm), dtype=np.uint32)
        self.row_doc = np.zeros(n, dtype=np.int32)
        self.row_section = np.zeros(n, dtype=np.int8)
        self.row_chars = np.zeros(n, dtype=np.int32)
        self.row_signed = np.zeros(n, dtype=bool)
        self.statute = np.full((n, 2), np.nan, dtype=np.float32)  # containment, best-article containment
        self.statute_article = np.full(n, -1, dtype=np.int16)
        self.n = 0
        self.row_of: dict[tuple[int, int], int] = {}
        self.clusters: dict[str, NearDuplicateClusters] = {}  # section key -> clusters (made by finish())
        self.article_names = list(default_statute_index().articles)
        self.rectification: dict[str, bool] = {}  # doc_id -> 五 mentions rectifying earlier problems

    def _grow(self) -> None:
        for name in ("sigs", "row_doc", "row_section", "row_chars", "row_signed", "statute", "statute_article"):
            a = getattr(self, name)
            grown = np.zeros((2 * len(a), *a.shape[1:]), dtype=a.dtype)
            grown[: len(a)] = a
            setattr(self, name, grown)

    def add(self, f: dict[str, Any]) -> None:
        """Add one section feature row (see :mod:`nlp.similarity.features`)."""
        if self.n == len(self.row_doc):
            self._grow()
        i, d, k = self.n, self.doc_index[f["doc_id"]], NARRATIVE_SECTIONS.index(f["key"])
        self.n += 1
        self.row_doc[i], self.row_section[i], self.row_chars[i] = d, k, f["n_chars"]
        if f["key"] == "problems":
            self.rectification[f["doc_id"]] = bool(f["rectification"])
        if f["signature"] is None:
            return
        self.statute[i] = (f["statute_containment"], f["statute_article_containment"])
        if f["statute_article"] is not None:
            self.statute_article[i] = self.article_names.index(f["statute_article"])
        self.sigs[i] = np.frombuffer(f["signature"], dtype=np.uint32)
        self.row_signed[i] = True
        self.row_of[(d, k)] = i

    def finish(self) -> None:
        """Cluster the signed rows of each section key, in the order added (the LSH index is built
        over every signature at once: see nlp.similarity.clusters)."""
        signed = np.flatnonzero(self.row_signed[: self.n])
        for k in sorted(set(self.row_section[signed].tolist())):
            clusters = NearDuplicateClusters(self.signer, self.sigs[: self.n], SECTION_DUPLICATE)
            for i in signed[self.row_section[signed] == k].tolist():
                clusters.add(i, self.docs[self.doc_ids[self.row_doc[i]]].unit)
            self.clusters[NARRATIVE_SECTIONS[k]] = clusters

    def _row(self, i: int, prev: dict[str, str]) -> dict[str, Any]:
        doc = self.docs[self.doc_ids[self.row_doc[i]]]
        key = NARRATIVE_SECTIONS[self.row_section[i]]
        row: dict[str, Any] = {"doc_id": doc.doc_id, "agency": doc.agency, "year": doc.year, "section": key,
                               "n_chars": int(self.row_chars[i])}
        p = prev.get(doc.doc_id)
        if p:
            row["prev_doc_id"], row["prev_year"] = p, self.docs[p].year
        if not self.row_signed[i]:
            return row
        row.update(statute_containment=round(float(self.statute[i, 0]), 4),
                   statute_article_containment=round(float(self.statute[i, 1]), 4),
                   statute_article=self.article_names[self.statute_article[i]] if self.statute_article[i] >= 0 else None)
        sig = self.sigs[i]
        j = self.row_of.get((self.doc_index[p], int(self.row_section[i]))) if p else None
        if j is not None:
            row["sim_prev"] = round(estimate(sig, self.sigs[j]), 4)
        clusters = self.clusters[key]
        own = int(clusters.cluster_of[i])
        row["n_near_duplicates_other"] = clusters.n_other_groups(own, doc.unit)
        # The most similar report of another unit among the similar clusters' members, compared in one
        # call; argmax takes the first of equal maxima: the cluster first in order, as a loop would.
        others = clusters.other_rows(sorted(set(clusters.similar_clusters(i)) | {own}), doc.unit,
                                     MAX_COMPARED_PER_CLUSTER)
        best, best_row = 0.0, None
        if len(others):
            sims = estimate_many(sig, self.sigs[others])
            k = int(np.argmax(sims))
            if sims[k] > 0:
                best, best_row = float(sims[k]), int(others[k])
        row["max_sim_other"] = round(best, 4)
        if best_row is not None:
            other = self.docs[self.doc_ids[self.row_doc[best_row]]]
            row.update(most_similar_doc=other.doc_id, most_similar_agency=other.agency)
        return row

    def write(self, writer: TableWriter, prev: dict[str, str]) -> dict[str, float | None]:
        """Stream the similarity rows to ``writer``; return sim_prev of section 五 per doc_id."""
        self.finish()
        problems_sim: dict[str, float | None] = {}
        for i in range(self.n):
            row = self._row(i, prev)
            if row["section"] == "problems":
                problems_sim[row["doc_id"]] = row.get("sim_prev")
            writer.add([row])
        return problems_sim


def _statement_duplicates(outdir: Path, docs: dict[str, DocInfo], followup: FollowupCollector,
                          writer: TableWriter) -> None:
    signer = Signer(num_perm=STATEMENT_PERM)
    path = outdir / "statements.parquet"
    n = pq.ParquetFile(path).metadata.num_rows
    sigs = np.zeros((max(n, 1), signer.num_perm), dtype=np.uint32)
    # signed row -> doc_id, statement index, unit (two lists of shared strings and an int array: a tuple per
    # statement held 17 MB at 30k reports)
    kept_doc: list[str] = []
    kept_index = array("q")
    units: list[str] = []
    for r in iter_features(outdir, "statement", docs):
        doc = docs[r["doc_id"]]
        sig = None
        if r["signature"] is not None:
            i = len(kept_doc)
            sigs[i] = np.frombuffer(r["signature"], dtype=np.uint32)
            sig = sigs[i]
            kept_doc.append(doc.doc_id)
            kept_index.append(r["index"])
            units.append(doc.unit)
        followup.add_statement(doc.doc_id, r["index"], r["role"], r["themes"], sig)
    clusters = NearDuplicateClusters(signer, sigs[: len(kept_doc)], STATEMENT_DUPLICATE)
    for i, unit in enumerate(units):
        clusters.add(i, unit)
    listed: dict[tuple[str, int], tuple[int, int, float]] = {}
    for cid in clusters.multi_member():
        groups = clusters.groups(cid)
        if len(groups) >= 2:
            for i in clusters.members(cid):
                listed[(kept_doc[i], kept_index[i])] = (cid, len(groups), round(float(clusters.sim_to_rep[i]), 4))
    if not listed:
        return
    rows = []
    for r in _iter_rows(path, ["doc_id", "index", "role", "text"]):  # second pass: texts of listed statements
        hit = listed.get((r["doc_id"], r["index"]))
        if hit:
            doc = docs[r["doc_id"]]
            rows.append({"cluster": hit[0], "n_agencies": hit[1], "doc_id": doc.doc_id, "agency": doc.agency,
                         "year": doc.year, "index": r["index"], "role": r["role"], "sim_to_representative": hit[2],
                         "text": r["text"]})
    rows.sort(key=lambda r: (r["cluster"], r["doc_id"], r["index"]))
    writer.add(rows)


def run_similarity(outdir: str | Path, formats: tuple[str, ...] = ("parquet",)
                   ) -> tuple[dict[str, int], dict[str, str]]:
    """Write similarity, near_duplicates and followup tables into a run directory."""
    outdir = Path(outdir)
    docs = load_documents(outdir)
    prev = previous_reports(docs)
    writers = {"similarity": TableWriter(outdir, "similarity", SIMILARITY_SCHEMA, formats),
               "near_duplicates": TableWriter(outdir, "near_duplicates", NEAR_DUPLICATES_SCHEMA, formats),
               "followup": TableWriter(outdir, "followup", FOLLOWUP_SCHEMA, formats)}
    try:
        # One section key at a time: comparisons are within a key, and memory is 1/8 of all at once.
        problems_sim: dict[str, float | None] = {}
        rectification: dict[str, bool] = {}
        for key in NARRATIVE_SECTIONS:
            sections = SectionSimilarity(docs, len(docs) + 1, Signer(NUM_PERM))
            for f in iter_features(outdir, "section", docs, key):
                sections.add(f)
            sim = sections.write(writers["similarity"], prev)
            if key == "problems":
                problems_sim, rectification = sim, sections.rectification
            del sections
        followup = FollowupCollector(docs, prev, rectification)
        _statement_duplicates(outdir, docs, followup, writers["near_duplicates"])
        writers["followup"].add(followup.rows(problems_sim))
        for w in writers.values():
            w.close()
    except BaseException:
        for w in writers.values():
            w.abort()
        raise
    counts = {name: w.n_rows for name, w in writers.items()}
    files = {name: str(w.final.get("parquet") or next(iter(w.final.values()))) for name, w in writers.items()}
    return counts, files
