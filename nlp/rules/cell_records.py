"""Cell records: how the rules see a cell of the report's tables 二, 三 and 四.

A cell is read once per report into value and provenance maps (:func:`table_cells`); a rule sees it as
``{"ref", "value", "present", "start", "end", "raw"}`` (:func:`present` / :func:`absent`) and cites it as
evidence as ``{"ref", "value", "raw", "start", "end"}`` with its ambiguity (:func:`cell_record`).
"""

from __future__ import annotations

from typing import Any

TABLES = ("table2", "table3", "table4")


def absent(ref: str) -> dict[str, Any]:
    return {"ref": ref, "value": None, "present": False, "start": None, "end": None, "raw": None}


def present(ref: str, value: Any, p: dict[str, Any]) -> dict[str, Any]:
    """A cell found in its table, with its provenance ``p``."""
    out = {"ref": ref, "value": value, "present": True, "start": p.get("start"), "end": p.get("end"),
           "raw": p.get("raw"), "ambiguous": bool(p.get("ambiguous"))}
    if p.get("candidates"):
        out["candidates"] = p["candidates"]
    return out


MISSING = object()
NO_PROVENANCE: dict[str, Any] = {}


def table_cells(tables: dict[str, Any], provenance: dict[str, Any]
                ) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(reference -> value, reference -> provenance, reference -> :func:`record`) of every cell of
    tables 二, 三 and 四, the cells :meth:`Context.cell` finds present. A table 三 column name with a
    dot is left to the lookup one by one (the reference splits at its last dot).

    The records are built here, in the same pass, because the rules cite nearly every cell (190 of
    a report's 200) as evidence, most of them in two or three checks."""
    values: dict[str, Any] = {}
    provs: dict[str, dict[str, Any]] = {}
    records: dict[str, dict[str, Any]] = {}
    for table in TABLES:
        t = tables.get(table)
        if not t:
            continue
        prov_t = provenance.get(table) or {}
        if table == "table3":
            prov_rows = prov_t.get("rows") or {}
            for row, cols in (t.get("rows") or {}).items():
                if not isinstance(cols, dict):
                    continue
                prov_row = prov_rows.get(row) or {}
                for col, value in cols.items():
                    if "." not in col:
                        ref = f"table3.{row}.{col}"
                        values[ref] = value
                        provs[ref] = p = prov_row.get(col) or NO_PROVENANCE
                        records[ref] = record(ref, value, p)
        else:
            prov_cells = prov_t.get("cells") or {}
            for path, value in (t.get("cells") or {}).items():
                ref = f"{table}.{path}"
                values[ref] = value
                provs[ref] = p = prov_cells.get(path) or NO_PROVENANCE
                records[ref] = record(ref, value, p)
    return values, provs, records


def cell_record(c: dict[str, Any]) -> dict[str, Any]:
    """A cell as evidence in a check: {"ref", "value", "raw", "start", "end"} (and its ambiguity)."""
    return record(c["ref"], c["value"], c)


def record(ref: str, value: Any, p: dict[str, Any]) -> dict[str, Any]:
    """The record of the cell ``ref`` holding ``value``, from its provenance ``p`` (or its cell, which
    carries the same raw/start/end/ambiguous/candidates)."""
    get = p.get
    rec = {"ref": ref, "value": value, "raw": get("raw"), "start": get("start"), "end": get("end")}
    if value is None and get("ambiguous"):
        # A run-together cell with several splits that fit every identity: null, never a guess.
        rec["ambiguous"] = True
        candidates = get("candidates")
        if candidates:
            rec["candidates"] = candidates
    return rec
