"""The statutory tables 二/三/四 of an annual report, parsed into the fixed keys of domain.md §7.

Public surface: :func:`parse_tables` (all three), :func:`parse_table2`, :func:`parse_table3`,
:func:`parse_table4` (one table in a span of text) and the pipeline component
:func:`tables_component`, which fills ``report.extensions["tables"]`` and
``report.extensions["table_provenance"]``.
"""
from __future__ import annotations

from typing import Any

from nlp.model import Report, Section
from nlp.tables.labels import find_marker
from nlp.tables.table2 import parse_table2
from nlp.tables.table3 import parse_table3
from nlp.tables.table4 import parse_table4

SECTION_OF = {"table2": "active_disclosure", "table3": "applications", "table4": "review_litigation"}
# Without table 三 to start from, table 四 is looked for only after its own heading words.
_TABLE4_HEADINGS = ["行政复议、行政诉讼情况", "行政复议和行政诉讼情况", "行政复议行政诉讼情况"]


def _span(sections: Any, key: str) -> tuple[int, int] | None:
    if not sections:
        return None
    if isinstance(sections, dict):
        sec = sections.get(key)
        if sec is None:
            return None
        return (sec.start, sec.end) if isinstance(sec, Section) else tuple(sec)
    for sec in sections:
        if getattr(sec, "key", None) == key:
            return sec.start, sec.end
    return None


def parse_tables(text: str, sections: Any = None) -> dict[str, dict[str, Any] | None]:
    """Parse tables 二, 三 and 四 of a report text.

    ``sections`` (optional): a list of :class:`~nlp.model.Section` or a dict key -> Section or
    (start, end). Each table is looked for in its section first, then in the whole text.
    Returns {"table2": result | None, "table3": ..., "table4": ...}; each result holds
    "format", "cells" (or "rows" for table 三), "provenance" and "span".
    """
    out: dict[str, dict[str, Any] | None] = {}
    t3 = None
    span3 = _span(sections, SECTION_OF["table3"])
    if span3:
        t3 = parse_table3(text, *span3)
    if t3 is None:
        t3 = parse_table3(text)
    out["table3"] = t3
    t3_start = t3["span"][0] if t3 else None

    t2 = None
    span2 = _span(sections, SECTION_OF["table2"])
    if span2:
        t2 = parse_table2(text, *span2)
    if t2 is None:
        t2 = parse_table2(text, 0, t3_start if t3_start is not None else len(text))
    out["table2"] = t2

    t4 = None
    span4 = _span(sections, SECTION_OF["table4"])
    if span4:
        t4 = parse_table4(text, *span4)
    if t4 is None:
        if t3 is not None:
            t4 = parse_table4(text, t3["span"][1] if t3["span"][1] < len(text) else t3_start)
        else:
            head = find_marker(text, _TABLE4_HEADINGS)
            t4 = parse_table4(text, head) if head >= 0 else None
    if t4 is not None and t3 is not None:
        t4["format"] = t3["format"]  # table 四 is the same in both formats; report the document's
    out["table4"] = t4
    return out


def tables_to_json(parsed: dict[str, dict[str, Any] | None]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(tables, table_provenance) in the JSON shapes of the output contract."""
    tables: dict[str, Any] = {}
    prov: dict[str, Any] = {}
    for name, res in parsed.items():
        if res is None:
            tables[name] = None
            prov[name] = None
            continue
        field = "rows" if name == "table3" else "cells"
        tables[name] = {"format": res["format"], field: res[field]}
        prov[name] = {field: res["provenance"]}
    return tables, prov


def tables_component(report: Report) -> None:
    """Pipeline component "tables": fill ``extensions["tables"]`` and ``["table_provenance"]``."""
    parsed = parse_tables(report.text, report.sections or None)
    report._cache["tables"] = parsed
    tables, prov = tables_to_json(parsed)
    report.extensions["tables"] = tables
    report.extensions["table_provenance"] = prov


__all__ = ["parse_tables", "parse_table2", "parse_table3", "parse_table4", "tables_component", "tables_to_json"]
