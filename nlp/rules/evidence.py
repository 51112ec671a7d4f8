"""Check evidence in the run tables: the table cells a check names are referenced, not copied.

A check record carries its evidence as cell records (``{"ref", "value", "raw", "start", "end"}``,
:func:`nlp.rules.engine.cell_record`). In the run's ``checks`` table, a cell of the report's own
statutory tables or statistics annex is stored by its reference only (``cell_refs``, which joins
``table_cells`` on ``table.row.column`` and ``legacy_stats`` on ``legacy_stats.key``); the other
evidence (a prose figure, a section, a date, a cell of last year's report) keeps its record
(``cells``). :func:`join_cells` rebuilds the full list for readers of a finished run.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

# the report's own cells; "previous.table3…" (last year's report) is not in this report's tables
TABLE_REF_PREFIXES = ("table2.", "table3.", "table4.", "legacy_stats.")
REF_SEPARATOR = ";"


def is_table_ref(ref: Any) -> bool:
    return isinstance(ref, str) and ref.startswith(TABLE_REF_PREFIXES)


def split_cells(cells: list[dict[str, Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    """(every cell's reference in order, the records of the cells that are not table cells)."""
    refs: list[str] = []
    others: list[dict[str, Any]] = []
    prefixes = TABLE_REF_PREFIXES
    for c in cells:  # one pass, the test of is_table_ref inlined: a report's checks name ~400 cells
        ref = c.get("ref")
        if isinstance(ref, str):
            refs.append(ref)
            if not ref.startswith(prefixes):
                others.append(c)
        else:  # not a reference a table cell can have (is_table_ref is False for it)
            refs.append(str(ref))
            others.append(c)
    return refs, others


def _value(value: Any) -> Any:
    # the tables store numbers as floats; a check record shows a count as the integer it is
    return int(value) if isinstance(value, float) and value.is_integer() else value


def cell_lookup(table_cells: Iterable[dict[str, Any]], legacy_stats: Iterable[dict[str, Any]] = ()
                ) -> dict[str, dict[str, Any]]:
    """ref -> cell record, from one report's ``table_cells`` and ``legacy_stats`` rows."""
    out: dict[str, dict[str, Any]] = {}
    for row in table_cells:
        out[f"{row['table']}.{row['row']}.{row['column']}"] = row
    for row in legacy_stats:
        out[f"legacy_stats.{row['key']}"] = row
    return out


def _record(ref: str, row: dict[str, Any] | None) -> dict[str, Any]:
    if row is None:  # named by a rule but not in the report's tables
        return {"ref": ref, "value": None, "raw": None, "start": None, "end": None}
    rec = {"ref": ref, "value": _value(row.get("value")), "raw": row.get("raw"), "start": _value(row.get("start")),
           "end": _value(row.get("end"))}
    if row.get("ambiguous") and rec["value"] is None:
        rec["ambiguous"] = True
        candidates = row.get("candidates")
        if candidates:
            rec["candidates"] = json.loads(candidates) if isinstance(candidates, str) else candidates
    return rec


def join_cells(cell_refs: str | None, cells: str | list[dict[str, Any]] | None,
               lookup: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The full evidence list of one ``checks`` row, in the rule's order."""
    records = json.loads(cells) if isinstance(cells, str) else list(cells or [])
    others = iter(records)
    if not cell_refs:
        return records
    out = []
    for ref in cell_refs.split(REF_SEPARATOR):
        if is_table_ref(ref):
            out.append(_record(ref, lookup.get(ref)))
        else:
            out.append(next(others, {"ref": ref}))
    return out
