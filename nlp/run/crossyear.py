"""The run's cross-year pass: reports of the same unit in consecutive years, used together.

After every document has its results and before the tables are consolidated:

1. A report with ambiguous run-together cells (null with candidate splits) whose unit has a report
   of the year before or after in the run is processed again with them: the cross-year
   identities settle what they can (:func:`nlp.tables.crossyear.resolve_pair`, B6 carry-over and B7
   stock) and its checks are re-run against the previous report. It is written again as a part
   of its own that remembers which neighbours it used, so a resumed run does not redo it.
2. Indicators against last year (申请增长率, 规范性文件存量变化 …) are computed for every report
   whose unit has a report of the year before; they replace the part's indicator rows at
   consolidation (``patches``), the parts themselves are not rewritten for this.

Units are agency names reconciled across years (:func:`nlp.similarity.agencies.canonical_agencies`);
a unit with two reports in one year is not paired for that year (which one is "the" report is
unknown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.model import Report
from nlp.run.parts import PartStore
from nlp.similarity.agencies import canonical_agencies

Patches = dict[str, dict[str, list[dict[str, Any]]]]


def _cells(store: PartStore, doc_ids: set[str]) -> dict[str, dict[str, Any]]:
    """doc_id -> {"table.row.column": value} for ``doc_ids`` (read from their parts)."""
    index = store.index()
    out: dict[str, dict[str, Any]] = {d: {} for d in doc_ids}
    for part in sorted({index[d].part for d in doc_ids if d in index}):
        t = store.read(part, "table_cells", ["doc_id", "table", "row", "column", "value"])
        for doc_id, table, row, column, value in zip(*(c.to_pylist() for c in t.columns)):
            if doc_id in out and index[doc_id].part == part:
                out[doc_id][f"{table}.{row}.{column}"] = value
    return out


def _scan(store: PartStore, entries: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """Unit, year, ambiguity and neighbours used of every successful document (no cells: only the
    documents that turn out to have a neighbour need theirs)."""
    index = store.index()
    wanted: dict[str, str] = {}
    for path, doc_id in entries:
        entry = index.get(doc_id)
        if entry is not None and entry.ok:
            wanted.setdefault(doc_id, path)
    info: dict[str, dict[str, Any]] = {}
    for part in sorted({index[d].part for d in wanted}):
        docs = store.read(part, "documents", ["doc_id", "agency", "year"])
        cells = store.read(part, "table_cells", ["doc_id", "candidates"])
        ambiguous = {d for d, c in zip(*(col.to_pylist() for col in cells.columns)) if c}
        for doc_id, agency, year in zip(*(col.to_pylist() for col in docs.columns)):
            if doc_id in wanted and index[doc_id].part == part:
                info[doc_id] = {"path": wanted[doc_id], "agency": agency, "year": year,
                                "ambiguous": doc_id in ambiguous, "used": index[doc_id].crossyear}
    return {d: info[d] for d in wanted if d in info}  # input order


def pair_units(info: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """doc_id -> {"previous": doc_id, "next": doc_id} for reports whose unit has one a year apart."""
    ids = list(info)
    units = canonical_agencies([info[d]["agency"] for d in ids])
    slots: dict[tuple[str, int], list[str]] = {}
    for d in ids:
        agency, year = info[d]["agency"], info[d]["year"]
        if agency and isinstance(year, int):
            slots.setdefault((units[agency], year), []).append(d)
    out: dict[str, dict[str, str]] = {}
    for (unit, year), docs in slots.items():
        if len(docs) != 1:
            continue
        for key, other in (("previous", year - 1), ("next", year + 1)):
            match = slots.get((unit, other), [])
            if len(match) == 1:
                out.setdefault(docs[0], {})[key] = match[0]
    return out


def _resettle(doc_id: str, info: dict, pairs: dict[str, str], components: list[str], outdir: Path,
              config: dict | None) -> bool:
    """Process ``doc_id`` again, settling its ambiguous cells with its neighbours' tables."""
    from nlp.pipeline import Pipeline
    from nlp.rules import ChecksComponent
    from nlp.run.worker import DocumentProcessor
    from nlp.tables.crossyear import resolve_pair

    parse = Pipeline("parse")
    neighbours: dict[str, Report] = {}
    for k, d in pairs.items():
        try:
            rep = parse.from_path(info[d]["path"])
        except Exception:  # noqa: BLE001, S112 — a neighbour that cannot be read again decides nothing
            continue
        if rep.ok:
            neighbours[k] = rep

    def adjust(report: Report) -> None:
        n = 0
        if "previous" in neighbours:
            n += resolve_pair(neighbours["previous"], report)
        if "next" in neighbours:
            n += resolve_pair(report, neighbours["next"])
        if "checks" in components and "previous" in neighbours:
            # B6/B7 against last year, on the settled cells
            report.checks = ChecksComponent().check(report, neighbours["previous"])
        elif n and "checks" in components:
            report.checks = ChecksComponent().check(report)

    processor = DocumentProcessor(components, outdir, config)
    processor.process_batch([(info[doc_id]["path"], doc_id)], adjust, crossyear=sorted(pairs.values()))
    return True


def crossyear_pass(outdir: str | Path, entries: list[tuple[str, str]], components: list[str],
                   config: dict | None = None) -> tuple[Patches, dict[str, int]]:
    """Run both steps; returns (indicator patches for consolidation, counts)."""
    from nlp.indicators import compute_indicators

    outdir = Path(outdir)
    store = PartStore(outdir)
    info = _scan(store, entries)
    pairs = pair_units(info)
    resettled = 0
    for doc_id, near in pairs.items():
        d = info[doc_id]
        if d["ambiguous"] and d["used"] != sorted(near.values()) and "tables" in components:
            resettled += _resettle(doc_id, info, near, components, outdir, config)
    patches: Patches = {}
    if "tables" in components:
        with_previous = {d: near["previous"] for d, near in pairs.items() if "previous" in near}
        cells = _cells(PartStore(outdir), set(with_previous) | set(with_previous.values()))
        for doc_id, prev in with_previous.items():
            rows = compute_indicators(cells[doc_id], cells[prev])
            patches[doc_id] = {"indicators": [{"doc_id": doc_id, **r, "prev_doc_id": prev} for r in rows]}
    return patches, {"crossyear_pairs": sum("previous" in v for v in pairs.values()),
                     "crossyear_resettled": resettled}


__all__ = ["crossyear_pass", "pair_units"]
