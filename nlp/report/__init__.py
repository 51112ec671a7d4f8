"""``govnlp report``: a self-contained HTML page per report, in Chinese, and an index (corpus layer).

Reads a ``govnlp run`` directory and its score sheets (``govnlp score``; computed with the default rubric
when absent) and writes ``DIR/index.html`` and ``DIR/units/<doc_id[:16]>.html``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.compare.labels import group_label, labels_zh
from nlp.outputs import atomic_write_text
from nlp.report.data import RunData, records
from nlp.report.html import e, page, status_tag, table_html
from nlp.report.unit import unit_body


@dataclass
class ReportResult:
    outdir: Path
    index: Path | None = None
    pages: dict[str, Path] = field(default_factory=dict)


def unit_file(doc_id: str) -> str:
    return f"units/{doc_id[:16]}.html"


def load_sheets(rundir: Path, rubric: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The score sheets of ``RUNDIR/score/sheets`` (the default rubric's are computed when absent)."""
    folder = rundir / "score" / "sheets"
    if rubric is None and folder.is_dir() and any(folder.glob("*.json")):
        return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
    from nlp.score import score_run

    return {s["doc_id"]: s for s in score_run(rundir, rubric, rundir / "score").sheets}


def _index_body(data: RunData, outdir: Path) -> str:
    lz = labels_zh()
    docs = records(data.documents)
    checks = data._tables["checks"]
    rows = []
    for doc in sorted(docs, key=lambda d: (-(data.sheets.get(d["doc_id"]) or {}).get("score", -1), str(d.get("agency")))):
        sheet = data.sheets.get(doc["doc_id"]) or {}
        did = doc["doc_id"]
        mine = checks[checks["doc_id"] == did] if len(checks) else checks
        n_fail = int((mine["status"] == "FAIL").sum()) if len(mine) else 0
        d19 = (sheet.get("timeliness") or {}).get("status")
        rank = (sheet.get("ranks") or {}).get("level") or {}
        link = f'<a href="{e(unit_file(did))}">{e(doc.get("agency") or did[:12])}</a>' if (outdir / unit_file(did)).exists() else e(doc.get("agency"))
        rows.append([link, e(doc.get("year")), e(lz["levels"].get(doc.get("level") or "unknown", doc.get("level"))),
                     e(group_label(doc.get("region") or "unknown", "region")), (e(sheet.get("score", "—")), 'class="num"'),
                     e(f"{rank['rank']}/{rank['n']}" if rank else ""), e(doc.get("published") or "—"),
                     status_tag(d19), (e(n_fail), 'class="num"'), e(len(sheet.get("deductions") or []))])
    head = ["单位", "年度", "层级", "省份", "得分", "层级内排名", "发布日期", "按时公布", "不通过检查", "扣分项"]
    return (f"<h1>政府信息公开工作年度报告检查总览</h1><p class='muted'>共 {len(docs)} 份报告；"
            f"数据目录：{e(data.rundir)}</p>" + table_html(head, rows))


def write_reports(rundir: str | Path, outdir: str | Path, doc_ids: list[str] | None = None,
                  rubric: str | Path | None = None, embed_font: bool = True) -> ReportResult:
    """Write the unit pages (all reports, or those whose doc_id starts with one of ``doc_ids``) and the index,
    which lists every report and links each page present in ``outdir`` (written now or before)."""
    rundir, out = Path(rundir), Path(outdir)
    data = RunData(rundir, load_sheets(rundir, rubric))
    wanted = data.doc_ids()
    if doc_ids:
        wanted = [d for d in wanted if any(d.startswith(p) for p in doc_ids)]
        unknown = [p for p in doc_ids if not any(d.startswith(p) for d in data.doc_ids())]
        if unknown:
            raise KeyError(f"no processed document with id {', '.join(unknown)} in {rundir}")
    result = ReportResult(out)
    for did in wanted:
        title, body = unit_body(data, did, "../index.html")
        path = out / unit_file(did)
        atomic_write_text(path, page(title, body, embed_font))
        result.pages[did] = path
    result.index = out / "index.html"
    atomic_write_text(result.index, page("年度报告检查总览", _index_body(data, out), embed_font))
    return result


__all__ = ["ReportResult", "write_reports"]
