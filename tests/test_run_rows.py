"""The column-wise run tables (nlp/run/rows.py, nlp/run/parts.py) equal the row-by-row definitions:
table cells and checks on oddly shaped reports, and part tables against ``Table.from_pylist``."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.outputs import arrow_table
from nlp.rules.evidence import REF_SEPARATOR, split_cells
from nlp.run.parts import part_table
from nlp.run.rows import Columns, _int, _json, _num, _text, check_columns, table_cell_columns
from nlp.run.schema import SCHEMAS

_ABSENT = object()


def reference_cell(doc_id: str, table: str, fmt: str | None, row: str, column: str, value: Any, prov: Any
                   ) -> dict[str, Any]:
    """One ``table_cells`` row as first written: every value through the generic converters."""
    p = prov if isinstance(prov, dict) else {}
    raw = p.get("raw")
    raw = (None if value is None else str(value)) if raw is None else _text(raw)
    ambiguous = p.get("ambiguous", _ABSENT)
    return {"doc_id": doc_id, "table": table, "format": fmt, "row": row, "column": column, "value": _num(value),
            "raw": raw, "start": _int(p.get("start")), "end": _int(p.get("end")),
            "ambiguous": None if ambiguous is _ABSENT else bool(ambiguous),
            "candidates": None if p.get("candidates") is None else _json(p.get("candidates")),
            "decided_by": _text(p.get("decided_by"))}


def reference_cells(report: Any, doc_id: str) -> list[dict[str, Any]]:
    rows = []
    for name in sorted(report.tables):
        table = report.tables[name]
        if name == "legacy_stats" or not isinstance(table, dict):
            continue
        prov_t = report.table_provenance.get(name)
        prov_t = prov_t if isinstance(prov_t, dict) else {}
        fmt = _text(table.get("format"))
        if isinstance(table.get("rows"), dict):
            prov_rows = prov_t.get("rows", prov_t)
            for row_key, cols in table["rows"].items():
                prov_row = prov_rows.get(row_key, {}) if isinstance(prov_rows, dict) else {}
                if isinstance(cols, dict):
                    for col, value in cols.items():
                        prov = prov_row.get(col) if isinstance(prov_row, dict) else None
                        rows.append(reference_cell(doc_id, name, fmt, row_key, col, value, prov))
        if isinstance(table.get("cells"), dict):
            prov_cells = prov_t.get("cells", prov_t)
            for key, value in table["cells"].items():
                row_key, _, col = key.rpartition(".")
                prov = prov_cells.get(key) if isinstance(prov_cells, dict) else None
                rows.append(reference_cell(doc_id, name, fmt, row_key or key, col, value, prov))
    return rows


def reference_checks(report: Any, doc_id: str) -> list[dict[str, Any]]:
    rows = []
    for c in report.checks:
        if not isinstance(c, dict):
            continue
        cells = c.get("cells")
        refs, others = split_cells(cells) if isinstance(cells, list) else ([], cells)
        rows.append({"doc_id": doc_id, **{k: _text(c.get(k)) for k in ("source", "rule", "status", "severity", "message")},
                     "expected": _json(c.get("expected")), "actual": _json(c.get("actual")),
                     "cell_refs": REF_SEPARATOR.join(refs) or None, "cells": _json(others) if others else "[]"})
    return rows


scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=6),
                    st.sampled_from(["1,234", "３", "约5", "-"]))
odd = st.one_of(scalars, st.lists(st.integers(0, 9), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
provs = st.one_of(st.none(), st.integers(), st.dictionaries(
    st.sampled_from(["raw", "start", "end", "ambiguous", "candidates", "decided_by", "label"]), odd, max_size=6))
keys = st.text(alphabet="ab.", min_size=1, max_size=4)


@st.composite
def reports(draw: Any) -> Any:
    tables, provenance = {}, {}
    for name in draw(st.lists(st.sampled_from(["table2", "table3", "table4", "legacy_stats", "x"]), max_size=4,
                              unique=True)):
        table: dict[str, Any] = {"format": draw(st.one_of(st.none(), st.text(max_size=4), st.integers()))}
        prov: dict[str, Any] = {}
        if draw(st.booleans()):
            table["rows"] = draw(st.dictionaries(keys, st.one_of(st.dictionaries(keys, odd, max_size=4), odd), max_size=4))
            prov["rows"] = {r: draw(st.one_of(st.dictionaries(keys, provs, max_size=4), provs)) for r in table["rows"]}
        if draw(st.booleans()):
            table["cells"] = draw(st.dictionaries(keys, odd, max_size=5))
            prov["cells"] = {k: draw(provs) for k in table["cells"]} if draw(st.booleans()) else draw(provs)
        tables[name] = table if draw(st.integers(0, 9)) else draw(odd)
        provenance[name] = prov if draw(st.integers(0, 9)) else draw(odd)
    checks = draw(st.lists(st.one_of(st.dictionaries(
        st.sampled_from(["source", "rule", "status", "severity", "message", "expected", "actual"]), odd, max_size=7)
        .map(lambda c: {**c, "cells": [{"ref": r, "value": 1} for r in ["table3.a.b", "x.y", 5]]}),
        st.dictionaries(st.sampled_from(["rule", "status", "cells"]),  # cells: records, or no list at all
                        st.one_of(scalars, st.just([]), st.dictionaries(keys, st.integers())), max_size=3),
        st.none()), max_size=6))
    return SimpleNamespace(tables=tables, table_provenance=provenance, checks=checks)


@settings(max_examples=300, deadline=None)
@given(reports())
def test_columns_equal_the_row_by_row_tables(report: Any) -> None:
    cells = table_cell_columns(report, "d")
    assert list(cells) == reference_cells(report, "d") and len(cells) == len(reference_cells(report, "d"))
    assert list(check_columns(report, "d")) == reference_checks(report, "d")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.lists(st.tuples(st.text(max_size=4), st.one_of(st.none(), st.integers(-9, 9)),
                                                            st.one_of(st.none(), st.floats())), max_size=4)), max_size=5))
def test_part_tables_equal_from_pylist(docs: list[tuple[bool, list[tuple[str, int | None, float | None]]]]) -> None:
    schema = pa.schema([("doc_id", pa.string()), ("start", pa.int64()), ("value", pa.float64())])
    pieces: list[Any] = []
    for i, (columnwise, rows) in enumerate(docs):
        dicts = [{"doc_id": f"{i}{s}", "start": n, "value": v} for s, n, v in rows]
        if i % 2:
            for d in dicts:
                del d["value"]  # a missing key is a null, as in from_pylist
        pieces.append(Columns({k: [d.get(k) for d in dicts] for k in schema.names}) if columnwise else dicts)
    expected = arrow_table([dict(row) for piece in pieces for row in piece], schema)
    table = part_table(pieces, schema)
    assert table.schema == expected.schema and repr(table.to_pylist()) == repr(expected.to_pylist())  # nan != nan


def test_part_table_writes_file_names_that_are_not_utf8() -> None:
    schema = SCHEMAS["sections"]
    row = {"doc_id": "d", "key": "overall", "text": "a\udcff"}
    table = part_table([Columns({k: [row.get(k)] for k in schema.names}), [row]], schema)
    assert table.column("text").to_pylist() == ["a\\xff", "a\\xff"]
