"""The run's cross-year pass: reports of the same unit in consecutive years, used together.

After every document has its shard and before the tables are consolidated:

1. A report with ambiguous run-together cells (null with candidate splits) whose unit has a report
   of the year before or after in the run is processed again with them: the cross-year
   identities settle what they can (:func:`nlp.tables.crossyear.resolve_pair`, B6 carry-over and B7
   stock) and its checks are re-run against the previous report. Its shard is rewritten and
   remembers which neighbours it used, so a resumed run does not redo it.
2. Indicators against last year (申请增长率, 规范性文件存量变化 …) are computed for every report
   whose unit has a report of the year before; they replace the shard's indicator rows at
   consolidation (``patches``), the shards themselves are not rewritten for this.

Units are agency names reconciled across years (:func:`nlp.similarity.agencies.canonical_agencies`);
a unit with two reports in one year is not paired for that year (which one is "the" report is
unknown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.model import Report
from nlp.run.shards import ShardStore
from nlp.similarity.agencies import canonical_agencies

Patches = dict[str, dict[str, list[dict[str, Any]]]]


def _cells(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"{r['table']}.{r['row']}.{r['column']}": r.get("value") for r in rows}


def _scan(store: ShardStore, entries: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    info: dict[str, dict[str, Any]] = {}
    for path, doc_id in entries:
        if doc_id in info:
            continue
        shard = store.read(doc_id)
        if not shard or not shard.get("ok"):
            continue
        rows = shard["rows"]
        doc = rows["documents"][0]
        cells = rows.get("table_cells", [])
        info[doc_id] = {
            "path": path,
            "agency": doc.get("agency"),
            "year": doc.get("year"),
            "cells": _cells(cells),
            "ambiguous": any(r.get("candidates") for r in cells),
            "used": shard.get("crossyear"),
        }
    return info


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
    processor(info[doc_id]["path"], doc_id, adjust)
    store = ShardStore(outdir)
    shard = store.read(doc_id)
    if shard is None:
        return False
    shard["crossyear"] = sorted(pairs.values())
    info[doc_id]["cells"] = _cells(shard["rows"].get("table_cells", []))
    store.write(doc_id, shard)
    return True


def crossyear_pass(outdir: str | Path, entries: list[tuple[str, str]], components: list[str],
                   config: dict | None = None) -> tuple[Patches, dict[str, int]]:
    """Run both steps; returns (indicator patches for consolidation, counts)."""
    from nlp.indicators import compute_indicators

    outdir = Path(outdir)
    store = ShardStore(outdir)
    info = _scan(store, entries)
    pairs = pair_units(info)
    resettled = 0
    for doc_id, near in pairs.items():
        d = info[doc_id]
        if d["ambiguous"] and d["used"] != sorted(near.values()) and "tables" in components:
            resettled += _resettle(doc_id, info, near, components, outdir, config)
    patches: Patches = {}
    if "tables" in components:
        for doc_id, near in pairs.items():
            prev = near.get("previous")
            if prev is None:
                continue
            rows = compute_indicators(info[doc_id]["cells"], info[prev]["cells"])
            patches[doc_id] = {"indicators": [{"doc_id": doc_id, **r, "prev_doc_id": prev} for r in rows]}
    return patches, {"crossyear_pairs": sum("previous" in v for v in pairs.values()),
                     "crossyear_resettled": resettled}


__all__ = ["crossyear_pass", "pair_units"]
