"""Development evaluation of section-五 statements: found rate and role accuracy, per format and layout.

Gold: ``corpus/annotations/section5_dev.jsonl`` (passages written after reading real reports, offsets
into the passage) and ``corpus/annotations/statements.jsonl`` (statements of the seeds and the real
reports in ../shared, offsets into ``Report.text``). A gold statement is *found* when one predicted
statement covers at least half of it (one-to-one, greedy by overlap); role and status are scored on
found statements. Scores are leave-one-report-out: the role model used on a document never saw it.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.statements.split import Statement

REPO_ROOT = Path(__file__).resolve().parents[2]
ANNOTATIONS = REPO_ROOT / "corpus" / "annotations"
DEV_FILE = ANNOTATIONS / "section5_dev.jsonl"
REAL_FILE = ANNOTATIONS / "statements.jsonl"
MIN_COVER = 0.5


@dataclass
class GoldDoc:
    """One report (or written passage) with its section-五 span and hand-labelled statements."""

    doc: str
    text: str
    span: tuple[int, int]
    year: int | None
    format: str  # 2021 | 2019 | 2008 (the three report formats)
    layouts: list[str]
    gold: list[dict[str, Any]] = field(default_factory=list)  # start, end, role, status
    source: str = "written"


def load_written(path: Path = DEV_FILE) -> list[GoldDoc]:
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            docs.append(GoldDoc(r["doc"], r["text"], (0, len(r["text"])), r["year"], r["format"],
                                list(r["layouts"]), r["statements"], r["source"]))
    return docs


def load_real(path: Path = REAL_FILE, doc_dirs: Sequence[Path] | None = None) -> tuple[list[GoldDoc], list[str]]:
    """Seeds and ../shared real reports with their labelled statements; (docs, skipped notes)."""
    import hashlib

    from nlp.pipeline import Pipeline
    from nlp.statements import problems_span
    from nlp.themes.data import default_doc_dirs

    dirs = list(doc_dirs or default_doc_dirs())
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            by_doc[r["doc"]].append(r)
    pipe = Pipeline(["normalize", "segment", "metadata"])
    docs, skipped = [], []
    for name, recs in by_doc.items():
        p = next((Path(d) / name for d in dirs if (Path(d) / name).is_file()), None)
        if p is None:
            skipped.append(f"{name}: not found")
            continue
        report = pipe.from_path(p)
        if hashlib.sha256(report.text.encode("utf-8")).hexdigest() != recs[0].get("doc_sha256"):
            skipped.append(f"{name}: reads differently now; re-annotate")
            continue
        span = problems_span(report)
        lo = min(r["start"] for r in recs)
        hi = max(r["end"] for r in recs)
        span2 = (min(span[0], lo), max(span[1], hi)) if span else (lo, hi)
        year = report.meta.year if report.meta else None
        gold = [{"start": r["start"], "end": r["end"], "role": r["role"], "status": r["status"]} for r in recs]
        layouts = ["real_seed" if r.get("source") == "seed" else "real_report" for r in recs[:1]]
        docs.append(GoldDoc(name, report.text, span2 if span is None else (span[0], span[1]), year,
                            "2021", layouts, gold, recs[0].get("source", "real")))
    return docs, skipped


def match(gold: Sequence[dict], pred: Sequence[Statement]) -> list[int | None]:
    """For every gold statement, the index of its predicted statement (or None): one-to-one, greedy."""
    pairs = []
    for gi, g in enumerate(gold):
        glen = max(1, g["end"] - g["start"])
        for pi, p in enumerate(pred):
            ov = min(g["end"], p.end) - max(g["start"], p.start)
            if ov > 0 and ov / glen >= MIN_COVER:
                pairs.append((-ov / max(glen, p.end - p.start), gi, pi))
    out: list[int | None] = [None] * len(gold)
    used: set[int] = set()
    for _, gi, pi in sorted(pairs):
        if out[gi] is None and pi not in used:
            out[gi] = pi
            used.add(pi)
    return out


Predictor = Callable[[GoldDoc], list[Statement]]


def score(docs: Iterable[GoldDoc], predict: Predictor) -> dict[str, Any]:
    """Counts per doc, format and layout: gold, found, role right, status right (found measures)."""
    tallies: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    per_doc = {}
    empty = []
    for d in docs:
        pred = predict(d)
        if not pred and d.text[d.span[0]:d.span[1]].strip():
            empty.append(d.doc)
        m = match(d.gold, pred)
        keys = ["all", f"format:{d.format}"] + [f"layout:{x}" for x in d.layouts]
        t = defaultdict(int)
        for g, pi in zip(d.gold, m):
            t["gold"] += 1
            t[f"gold_{g['role']}"] += 1
            if pi is None:
                continue
            p = pred[pi]
            t["found"] += 1
            t["role_ok"] += p.role == g["role"]
            t[f"role_ok_{g['role']}"] += p.role == g["role"]
            t[f"found_{g['role']}"] += 1
            if g["role"] == "measure" and p.role == "measure":
                t["status_n"] += 1
                t["status_ok"] += p.status == g["status"]
        t["pred"] = len(pred)
        per_doc[d.doc] = dict(t)
        for k in keys:
            for name, v in t.items():
                tallies[k][name] += v
            tallies[k]["docs"] += 1
    return {"groups": {k: dict(v) for k, v in tallies.items()}, "docs": per_doc, "empty": empty}


def rates(t: dict[str, int]) -> dict[str, float | None]:
    def div(a: str, b: str) -> float | None:
        return round(t.get(a, 0) / t[b], 3) if t.get(b) else None
    return {"found": div("found", "gold"), "role_acc": div("role_ok", "found"),
            "problem_acc": div("role_ok_problem", "found_problem"),
            "measure_acc": div("role_ok_measure", "found_measure"), "status_acc": div("status_ok", "status_n")}


def format_table(results: dict[str, dict[str, Any]], keys: Sequence[str] | None = None) -> str:
    """Markdown table: one row per group, one column block per system."""
    systems = list(results)
    groups = keys or sorted(results[systems[0]]["groups"], key=lambda k: (k != "all", not k.startswith("format"), k))
    head = "| group | reports | gold | " + " | ".join(
        f"{s} found | {s} role acc" for s in systems) + " |"
    lines = [head, "|" + "---|" * (3 + 2 * len(systems))]
    for g in groups:
        t0 = results[systems[0]]["groups"].get(g, {})
        cells = [g, str(t0.get("docs", 0)), str(t0.get("gold", 0))]
        for s in systems:
            r = rates(results[s]["groups"].get(g, {}))
            cells += [f"{r['found']:.3f}" if r["found"] is not None else "–",
                      f"{r['role_acc']:.3f}" if r["role_acc"] is not None else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
