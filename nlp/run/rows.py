"""Flatten one processed :class:`Report` into rows of the run tables (see :mod:`nlp.run.schema`).

Extensions come from components built separately, so every accessor is tolerant: a
missing or oddly shaped extension yields no rows rather than an exception.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from nlp.model import Report
from nlp.rules.evidence import REF_SEPARATOR, split_cells
from nlp.run.schema import SCHEMAS, SECTION_LENGTH_COLUMNS
from nlp.text.numbers import plain_number

Rows = dict[str, "list[dict[str, Any]] | Columns"]

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


class Columns:
    """One report's rows of one table held column by column (name -> values, in the table's column order).
    The tables with hundreds of rows per report are built this way: a dict per row, taken apart again
    into Arrow columns by the part writer, cost more than the values themselves. Iterating gives the rows."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, list[Any]]):
        self.data = data

    def __len__(self) -> int:
        return len(next(iter(self.data.values()), ()))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = list(self.data)
        return (dict(zip(names, values)) for values in zip(*self.data.values()))


_ABSENT = object()  # a provenance key that is not there (told apart from one holding None)
_NO_PROVENANCE: dict[str, Any] = {}


def _raw(raw: Any, value: Any) -> str | None:
    """A cell's ``raw`` that is not a string: the value's digits when the provenance has none."""
    if raw is None:
        return None if value is None else str(value)
    return _text(raw)


def table_cell_columns(report: Report, doc_id: str) -> Columns:
    """Long form: one row per cell. Table 二/四 keys "block.column" split at the last dot.
    Column by column (a few hundred cells per report): the usual types (str raw, int offsets,
    numbers, no candidates) pass the checks inline and skip the generic converters."""
    tables = report.tables or {}
    provenance = report.table_provenance or {}
    names: list[Any] = []
    formats: list[str | None] = []
    row_keys: list[str] = []
    columns: list[str] = []
    values: list[Any] = []
    provs: list[Any] = []
    for name in sorted(tables) if isinstance(tables, dict) else ():
        table = tables[name]
        if name == "legacy_stats" or not isinstance(table, dict):  # its own table: legacy_stat_rows
            continue
        prov_t = provenance.get(name) if isinstance(provenance, dict) else None
        prov_t = prov_t if isinstance(prov_t, dict) else {}
        n_before = len(values)
        if isinstance(table.get("rows"), dict):
            prov_rows = prov_t.get("rows", prov_t)
            for row_key, cols in table["rows"].items():
                prov_row = prov_rows.get(row_key, {}) if isinstance(prov_rows, dict) else {}
                if isinstance(cols, dict):
                    get = prov_row.get if isinstance(prov_row, dict) else _NO_PROVENANCE.get
                    row_keys += [row_key] * len(cols)
                    columns += cols
                    values += cols.values()
                    provs += map(get, cols)
        if isinstance(table.get("cells"), dict):
            prov_cells = prov_t.get("cells", prov_t)
            get = prov_cells.get if isinstance(prov_cells, dict) else _NO_PROVENANCE.get
            for key in table["cells"]:
                row_key, _, col = key.rpartition(".")
                row_keys.append(row_key or key)
                columns.append(col)
            values += table["cells"].values()
            provs += map(get, table["cells"])
        n = len(values) - n_before
        names += [name] * n
        formats += [_text(table.get("format"))] * n
    provs = [p if isinstance(p, dict) else _NO_PROVENANCE for p in provs]
    raws = [p.get("raw") for p in provs]
    starts = [p.get("start") for p in provs]
    ends = [p.get("end") for p in provs]
    ambiguous = [p.get("ambiguous", _ABSENT) for p in provs]
    candidates = [p.get("candidates") for p in provs]
    decided_by = [p.get("decided_by") for p in provs]
    return Columns({
        "doc_id": [doc_id] * len(values), "table": names, "format": formats, "row": row_keys, "column": columns,
        "value": [float(v) if type(v) is int or type(v) is float else _num(v) for v in values],
        "raw": [r if type(r) is str else _raw(r, v) for r, v in zip(raws, values)],
        "start": [s if type(s) is int else _int(s) for s in starts],
        "end": [e if type(e) is int else _int(e) for e in ends],
        "ambiguous": [a if type(a) is bool else None if a is _ABSENT else bool(a) for a in ambiguous],
        "candidates": [None if c is None else _json(c) for c in candidates],
        "decided_by": [d if d is None or type(d) is str else _text(d) for d in decided_by],
    })


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


def check_columns(report: Report, doc_id: str) -> Columns:
    """One row per check; the table cells it names are referenced (``cell_refs``), not copied
    (:mod:`nlp.rules.evidence`). Column by column: a report has a few hundred checks, whose texts
    are strings (``_text`` only for the odd one)."""
    checks = [c for c in report.checks or [] if isinstance(c, dict)]
    cell_refs: list[str | None] = []
    cells_json: list[str] = []
    for c in checks:
        cells = c.get("cells")
        if not cells:  # no evidence: nothing to split or encode
            cell_refs.append(None)
            cells_json.append("[]")
            continue
        refs, others = split_cells(cells) if isinstance(cells, list) else ([], cells)
        cell_refs.append(REF_SEPARATOR.join(refs) or None)
        # most checks name table cells only: nothing left to encode
        cells_json.append(_json(others) if others else "[]")

    def texts(key: str) -> list[str | None]:
        return [v if type(v) is str else _text(v) for v in [c.get(key) for c in checks]]

    def counts(key: str) -> list[str | None]:  # expected / actual: mostly None or an int (see _json)
        return [_json(c.get(key)) for c in checks]

    return Columns({"doc_id": [doc_id] * len(checks), "source": texts("source"), "rule": texts("rule"),
                    "status": texts("status"), "severity": texts("severity"), "message": texts("message"),
                    "expected": counts("expected"), "actual": counts("actual"), "cell_refs": cell_refs,
                    "cells": cells_json})


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
        "table_cells": table_cell_columns(report, doc_id) if report.ok else [],
        "legacy_stats": legacy_stat_rows(report, doc_id) if report.ok else [],
        "checks": check_columns(report, doc_id) if report.ok else [],
        "facts": fact_rows(report, doc_id) if report.ok else [],
        "statements": statement_rows(report, doc_id) if report.ok else [],
        "indicators": indicator_rows(report, doc_id) if report.ok else [],
    }
    counts = {k: len(v) for k, v in rows.items() if k != "indicators"}
    rows["documents"] = [document_row(report, doc_id, path, sha256, seconds, pipeline, counts,
                                      report.checks or [], rows["sections"])]
    return rows
