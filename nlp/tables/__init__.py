"""The statutory tables 二/三/四 of an annual report, parsed into the fixed keys of domain.md §7.

Public surface: :func:`parse_tables` (all three), :func:`parse_table2`, :func:`parse_table3`,
:func:`parse_table4` (one table in a span of text) and the pipeline component
:class:`TablesComponent` (factory ``make_tables``), which fills ``report.tables`` and
``report.table_provenance``.
"""

from __future__ import annotations

import bisect
from types import ModuleType
from typing import Any

from nlp.component import factory
from nlp.model import Report, Section
from nlp.tables import table2 as _t2
from nlp.tables import table3 as _t3
from nlp.tables import table4 as _t4
from nlp.tables.flat import flat_table2, flat_table3, flat_table4, map_back, reflow_pipes
from nlp.tables.labels import find_marker
from nlp.tables.legacy import parse_legacy_stats
from nlp.tables.table2 import parse_table2
from nlp.tables.table3 import parse_table3
from nlp.tables.table4 import parse_table4

T3_BODY_START = _t3.spec()["body_start"]
SECTION_OF = {"table2": "active_disclosure", "table3": "applications", "table4": "review_litigation"}


def _table4_start(text: str) -> int:
    """Without table 三 to start from: table 四's heading, or its own column words when the heading
    was lost (table4.yaml ``headings``, ``content_markers``); -1 when neither is there."""
    head = find_marker(text, _t4.spec()["headings"])
    return head if head >= 0 else find_marker(text, _t4.spec()["content_markers"])


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


def _nulls(res: dict[str, Any] | None) -> int:
    if res is None:
        return 1 << 30
    values = res["rows"].values() if "rows" in res else [res["cells"]]
    # cells hold None or numbers (never equal to None), so counting by equality counts the nulls
    return sum(list(row.values()).count(None) for row in values)


def _best(text: str, table: ModuleType, span: tuple[int, int] | None, start: int = 0, end: int | None = None):
    """Parse inside the section span and in the whole text; keep the reading with fewer null cells.

    A section boundary placed inside a table (misnumbered headings) must not cut the table short.
    Both searches usually find the same region, which is then parsed once; a complete reading
    inside the section is not parsed again, nor a whole-text region that only adds lines no row
    can take to the section's (its reading would tie).
    """
    region_s = table.locate(text, *span) if span else None
    in_section = table.parse_region(text, *region_s) if region_s else None
    if in_section is not None and _nulls(in_section) == 0:
        return in_section  # the whole-text reading could only tie, and ties go to the section's
    region_w = table.locate(text, start, end)
    if region_w == region_s:
        return in_section
    if (region_s and region_w and region_w[0] == region_s[0] and region_w[1] > region_s[1]
            and table.same_rows(text, *region_s, region_w[1])):
        return in_section
    whole = table.parse_region(text, *region_w) if region_w else None
    if in_section is not None and _nulls(in_section) <= _nulls(whole):
        return in_section
    return whole


def _or_flat(res: dict[str, Any] | None, flat: Any, text: str, start: int = 0, end: int | None = None):
    """The layout reading, or the whitespace-free reading (flat.py) when that one reads more cells.

    A flat reading takes only numbers on the same line as their label, so on laid-out tables it
    reads at most what the layout reading reads (tests/test_tables_flat.py checks it changes none).
    """
    if res is not None and _nulls(res) == 0:
        return res
    alt = flat(text, start, end)
    return alt if alt is not None and _nulls(alt) < _nulls(res) else res


def parse_tables(text: str, sections: Any = None) -> dict[str, dict[str, Any] | None]:
    """Parse tables 二, 三 and 四 of a report text, and the pre-2019 statistics annex.

    The annex (``legacy_stats``, see :mod:`nlp.tables.legacy`) is added only when one is found.
    """
    out = _parse_statutory(text, sections)
    span = _span(sections, "legacy_stats")
    legacy = (parse_legacy_stats(text, span[0]) if span else None) or parse_legacy_stats(text)
    if legacy is not None:
        out["legacy_stats"] = legacy
    return out


def _parse_statutory(text: str, sections: Any = None) -> dict[str, dict[str, Any] | None]:
    """Parse tables 二, 三 and 四 of a report text.

    ``sections`` (optional): a list of :class:`~nlp.model.Section` or a dict key -> Section or
    (start, end). Each table is looked for in its section and in the whole text (anchored on its
    own header words); the reading with fewer unreadable cells wins.
    Returns {"table2": result | None, "table3": ..., "table4": ...}; each result holds
    "format", "cells" (or "rows" for table 三), "provenance" and "span".
    """
    out: dict[str, dict[str, Any] | None] = {}
    t3 = _or_flat(_best(text, _t3, _span(sections, SECTION_OF["table3"])), flat_table3, text)
    out["table3"] = t3
    t3_start = t3["span"][0] if t3 else None
    t2_end = t3_start if t3_start is not None else len(text)
    # Table 三's span starts at the line of its first label: in flattened text, offset 0.
    flat_end = find_marker(text, [T3_BODY_START], t2_end) if t3_start is not None else t2_end
    out["table2"] = _or_flat(
        _best(text, _t2, _span(sections, SECTION_OF["table2"]), 0, t2_end),
        flat_table2,
        text,
        0,
        flat_end if flat_end >= 0 else t2_end,
    )
    span4 = _span(sections, SECTION_OF["table4"])
    if t3 is not None:
        t4 = _best(text, _t4, span4, t3["span"][1] if t3["span"][1] < len(text) else t3_start)
    else:
        head = _table4_start(text)
        t4 = (
            _best(text, _t4, span4, head)
            if head >= 0
            else (parse_table4(text, *span4) if span4 else None)
        )
    if t3 is not None:
        t4 = _or_flat(t4, flat_table4, text, t3["span"][1] if t3["span"][1] < len(text) else t3_start)
    else:
        head = _table4_start(text)
        t4 = _or_flat(t4, flat_table4, text, head) if head >= 0 else t4
    if t4 is not None and t3 is not None:
        t4["format"] = t3["format"]  # table 四 is the same in both formats; report the document's
    out["table4"] = t4
    reflowed = reflow_pipes(text) if any(_nulls(r) for r in out.values()) else None
    if reflowed is not None:  # flattened Markdown: parse again with its row breaks put back
        alt = _parse_statutory(reflowed[0])
        for name, res in alt.items():
            if _nulls(res) < _nulls(out[name]):
                out[name] = map_back(res, reflowed[1])
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
        if name == "legacy_stats":
            tables[name].update(schema=res["schema"], units=res["units"])
        prov[name] = {field: res["provenance"]}
    return tables, prov


class TablesComponent:
    """Component "tables": ``report.tables`` and ``report.table_provenance`` (PDF cells with page and box).

    Tables read from OCRed pages get each cell's OCR confidence, and a doubtful digit that breaks a
    table identity is withheld (:mod:`nlp.io.ocr_check`)."""

    name = "tables"

    def __call__(self, report: Report) -> Report:
        parsed = parse_tables(report.text, report.sections or None)
        read = report.read
        extras = (getattr(read, "extras", None) or {}) if read is not None else {}
        if extras.get("ocr_boxes"):
            from nlp.io.ocr_check import apply_ocr_confidence

            apply_ocr_confidence(parsed, extras["ocr_boxes"])
        tables, prov = tables_to_json(parsed)
        boxes = extras.get("cell_boxes")
        if boxes:
            _add_pdf_boxes(prov, boxes)
        report.tables, report.table_provenance = tables, prov
        return report


@factory("tables", requires=["sections"], assigns=["tables", "table_provenance"])
def make_tables() -> TablesComponent:
    return TablesComponent()


def _add_pdf_boxes(prov: dict[str, Any], boxes: list[list[float]]) -> None:
    """Add "page" and "bbox" to provenance leaves lying inside a PDF table cell.

    ``boxes``: the PDF reader's ``cell_boxes``, [start, end, page, x0, top, x1, bottom] each.
    """
    ordered = sorted(boxes, key=lambda b: b[0])
    starts = [b[0] for b in ordered]

    def visit(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if "raw" in node and "start" in node:
            s, e = node["start"], node["end"]
            if s is None:
                return
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0 and ordered[i][0] <= s and e <= ordered[i][1]:
                node["page"] = int(ordered[i][2])
                node["bbox"] = [float(x) for x in ordered[i][3:7]]
            return
        for child in node.values():
            visit(child)

    visit(prov)


__all__ = [
    "TablesComponent",
    "make_tables",
    "parse_legacy_stats",
    "parse_table2",
    "parse_table3",
    "parse_table4",
    "parse_tables",
    "tables_to_json",
]
