"""Flatten one processed :class:`Report` into rows of the run tables (see :mod:`nlp.run.schema`).

Extensions come from components built separately, so every accessor is tolerant: a
missing or oddly shaped extension yields no rows rather than an exception.
"""
from __future__ import annotations

import json
from typing import Any

import orjson

from nlp.model import Report
from nlp.rules.evidence import REF_SEPARATOR, split_cells
from nlp.run.schema import SCHEMAS, SECTION_LENGTH_COLUMNS
from nlp.text.numbers import plain_number

Rows = dict[str, list[dict[str, Any]]]

# Nested values (provenance, check evidence, scores) are stored as compact JSON with sorted keys. orjson
# writes them ten times faster than the json module; a value it refuses (a string with surrogate-escaped
# file-name bytes) falls back to json, whose output the table writer then makes writable.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
_FALLBACK = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def _json(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is int:  # a check's expected/actual count: its digits, as orjson writes them
        return str(value)
    try:
        return orjson.dumps(value, default=str, option=_OPTIONS).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return _FALLBACK.encode(value)


def _num(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        number = plain_number(value)
        return None if number is None else float(number)
    return None


def _int(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _span(record: dict[str, Any]) -> tuple[int | None, int | None]:
    span = record.get("span")
    if isinstance(span, (list, tuple)) and len(span) == 2:
        return _int(span[0]), _int(span[1])
    if isinstance(span, dict):
        return _int(span.get("start")), _int(span.get("end"))
    return _int(record.get("start")), _int(record.get("end"))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else _json(value)


def section_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    rows = []
    for sec in report.sections:
        for s, parent in [(sec, None)] + [(sub, sec.key) for sub in sec.subsections]:
            rows.append({"doc_id": doc_id, "key": s.key, "parent": parent, "number": s.number, "title": s.title,
                         "start": s.start, "end": s.end, "n_chars": len(s.text), "text": s.text})
    return rows


_ABSENT = object()  # a provenance key that is not there (told apart from one holding None)
_NO_PROVENANCE: dict[str, Any] = {}


def _cell_row(doc_id: str, table: str, fmt: str | None, row: str, column: str, value: Any, prov: Any
              ) -> dict[str, Any]:
    """One ``table_cells`` row; ``fmt`` is the table's format already as text. Thousands per run
    batch: the usual types (str raw, int offsets, numbers, no candidates) skip the generic converters."""
    get = (prov if isinstance(prov, dict) else _NO_PROVENANCE).get
    raw = get("raw")
    if raw is None:
        if value is not None:
            raw = str(value)
    elif type(raw) is not str:
        raw = _text(raw)
    start, end = get("start"), get("end")
    ambiguous = get("ambiguous", _ABSENT)
    candidates = get("candidates")
    decided_by = get("decided_by")
    return {"doc_id": doc_id, "table": table, "format": fmt, "row": row, "column": column,
            "value": float(value) if type(value) in (int, float) else _num(value), "raw": raw,
            "start": start if type(start) is int else _int(start), "end": end if type(end) is int else _int(end),
            "ambiguous": None if ambiguous is _ABSENT else bool(ambiguous),
            "candidates": None if candidates is None else _json(candidates),
            "decided_by": decided_by if decided_by is None or type(decided_by) is str else _text(decided_by)}


def table_cell_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    """Long form: one row per cell. Table 二/四 keys "block.column" split at the last dot."""
    tables = report.tables or {}
    provenance = report.table_provenance or {}
    rows: list[dict[str, Any]] = []
    if not isinstance(tables, dict):
        return rows
    for name in sorted(tables):
        table = tables[name]
        if name == "legacy_stats" or not isinstance(table, dict):  # its own table: legacy_stat_rows
            continue
        prov_t = provenance.get(name) if isinstance(provenance, dict) else None
        prov_t = prov_t if isinstance(prov_t, dict) else {}
        fmt = _text(table.get("format"))
        if isinstance(table.get("rows"), dict):
            prov_rows = prov_t.get("rows", prov_t)
            for row_key, cols in table["rows"].items():
                prov_row = prov_rows.get(row_key, {}) if isinstance(prov_rows, dict) else {}
                if isinstance(cols, dict):
                    get = prov_row.get if isinstance(prov_row, dict) else None
                    for col, value in cols.items():
                        prov = get(col) if get is not None else None
                        rows.append(_cell_row(doc_id, name, fmt, row_key, col, value, prov))
        if isinstance(table.get("cells"), dict):
            prov_cells = prov_t.get("cells", prov_t)
            for key, value in table["cells"].items():
                row_key, _, col = key.rpartition(".")
                prov = prov_cells.get(key) if isinstance(prov_cells, dict) else None
                rows.append(_cell_row(doc_id, name, fmt, row_key or key, col, value, prov))
    return rows


def legacy_stat_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    """The pre-2019 statistics annex in long form, with each indicator's 2021 counterpart."""
    from nlp.tables.legacy import counterparts

    table = (report.tables or {}).get("legacy_stats")
    if not isinstance(table, dict) or not isinstance(table.get("cells"), dict):
        return []
    prov = ((report.table_provenance or {}).get("legacy_stats") or {}).get("cells") or {}
    units = table.get("units") or {}
    info = counterparts()
    rows = []
    for key, value in table["cells"].items():
        p = prov.get(key) if isinstance(prov.get(key), dict) else {}
        meta = info.get(key, {})
        rows.append({"doc_id": doc_id, "schema": _text(table.get("schema")), "key": key, "name": meta.get("name"),
                     "unit": _text(units.get(key) or meta.get("unit")), "value": _num(value), "raw": _text(p.get("raw")),
                     "start": _int(p.get("start")), "end": _int(p.get("end")), "ambiguous": bool(p.get("ambiguous")),
                     "label": _text(p.get("label")), "metric": meta.get("metric"),
                     "counterpart": ";".join(meta.get("counterpart") or []) or None, "comparable": meta.get("comparable")})
    return rows


def indicator_rows(report: Report, doc_id: str, previous: Report | None = None,
                   prev_doc_id: str | None = None) -> list[dict[str, Any]]:
    """One row per indicator of resources/indicators.yaml (null with the reason when not computable).
    Indicators against last year need the previous report: the run fills them in (nlp/run/crossyear.py)."""
    from nlp.indicators import report_indicators

    return [{"doc_id": doc_id, **r, "prev_doc_id": prev_doc_id} for r in report_indicators(report, previous)]


def check_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    """One row per check; the table cells it names are referenced (``cell_refs``), not copied
    (:mod:`nlp.rules.evidence`)."""
    rows = []
    for c in report.checks or []:
        if not isinstance(c, dict):
            continue
        get = c.get
        cells = get("cells")
        refs, others = split_cells(cells) if isinstance(cells, list) else ([], cells)
        source, rule, status, severity, message = (get("source"), get("rule"), get("status"), get("severity"),
                                                   get("message"))
        # every check's texts are strings (a few hundred checks per report): _text only for the odd one
        if not (type(source) is type(rule) is type(status) is type(severity) is type(message) is str):
            source, rule, status, severity, message = (_text(source), _text(rule), _text(status), _text(severity),
                                                       _text(message))
        rows.append({"doc_id": doc_id, "source": source, "rule": rule, "status": status, "severity": severity,
                     "message": message, "expected": _json(get("expected")), "actual": _json(get("actual")),
                     "cell_refs": REF_SEPARATOR.join(refs) or None,
                     # most checks name table cells only: nothing left to encode
                     "cells": _json(others) if others else "[]"})
    return rows


def fact_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    rows = []
    for f in report.facts or []:
        if not isinstance(f, dict):
            continue
        start, end = _span(f)
        text = f.get("text")
        if text is None and start is not None and end is not None:
            text = report.text[start:end]
        rows.append({"doc_id": doc_id, "metric": _text(f.get("metric")), "value": _num(f.get("value")),
                     "value_min": _num(f.get("value_min")), "value_max": _num(f.get("value_max")),
                     "qualifier": _text(f.get("qualifier")), "unit": _text(f.get("unit")),
                     "category": _text(f.get("category")), "scope": _text(f.get("scope")), "parent": _text(f.get("parent")),
                     "section": _text(f.get("section")), "start": start, "end": end, "text": _text(text),
                     "record": _json(f)})
    return rows


def statement_rows(report: Report, doc_id: str) -> list[dict[str, Any]]:
    rows = []
    for i, s in enumerate(report.statement_records()):
        if not isinstance(s, dict):
            continue
        themes = s.get("themes") or []
        if isinstance(themes, dict):  # tolerate {code: score}
            themes = list(themes)
        start, end = _span(s)
        text = s.get("text")
        if text is None and start is not None and end is not None:
            text = report.text[start:end]
        conf = s.get("role_confidence")
        rows.append({"doc_id": doc_id, "index": i, "role": _text(s.get("role")),
                     "role_confidence": float(conf) if isinstance(conf, (int, float)) else None,
                     "status": _text(s.get("status")),
                     "themes": ";".join(str(t) for t in themes), "scores": _json(s.get("scores")),
                     "pair": _json(s.get("pair")), "start": start, "end": end, "text": _text(text)})
    return rows


def document_row(report: Report, doc_id: str, path: str, sha256: str | None, seconds: float,
                 pipeline: str, counts: dict[str, int], checks: list[dict[str, Any]],
                 sections: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The ``documents`` row; ``sections``: the report's section rows when already made."""
    meta = report.meta
    row: dict[str, Any] = {c: None for c in SCHEMAS["documents"].names}
    row.update({"doc_id": doc_id, "path": path, "ok": report.ok, "error": report.error, "sha256": sha256,
                "seconds": round(seconds, 6), "pipeline": pipeline})
    if meta is not None:
        row.update({"file_format": meta.file_format, "encoding": meta.encoding, "n_chars": meta.n_chars,
                    "agency": meta.agency, "year": _int(meta.year), "level": meta.level,
                    "format_version": meta.format_version, "title": meta.title, "region": meta.region,
                    "published": meta.published, "published_source": meta.published_source})
    if report.ok:
        row["n_sections"] = len(report.sections)
        row["missing_sections"] = _json(list(report.missing_sections))
        lengths = {r["key"]: r["n_chars"] for r in (section_rows(report, doc_id) if sections is None else sections)}
        for key, column in SECTION_LENGTH_COLUMNS.items():
            row[column] = lengths.get(key, 0)
        row.update({"n_table_cells": counts["table_cells"], "n_checks": counts["checks"],
                    "n_checks_failed": sum(1 for c in checks if str(c.get("status", "")).upper() == "FAIL"),
                    "n_facts": counts["facts"], "n_statements": counts["statements"]})
    return row


def report_rows(report: Report, doc_id: str, path: str, sha256: str | None, seconds: float, pipeline: str) -> Rows:
    """All table rows for one report (what goes into a part)."""
    rows: Rows = {
        "sections": section_rows(report, doc_id) if report.ok else [],
        "table_cells": table_cell_rows(report, doc_id) if report.ok else [],
        "legacy_stats": legacy_stat_rows(report, doc_id) if report.ok else [],
        "checks": check_rows(report, doc_id) if report.ok else [],
        "facts": fact_rows(report, doc_id) if report.ok else [],
        "statements": statement_rows(report, doc_id) if report.ok else [],
        "indicators": indicator_rows(report, doc_id) if report.ok else [],
    }
    counts = {k: len(v) for k, v in rows.items() if k != "indicators"}
    rows["documents"] = [document_row(report, doc_id, path, sha256, seconds, pipeline, counts,
                                      report.checks or [], rows["sections"])]
    return rows
