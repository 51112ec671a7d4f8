"""Tables 二/三/四 in text that lost all whitespace (scraped pages flattened to one line).

Every label and number of a table is then run together ("…1.属于国家秘密00000002.其他法律…").
The row labels are unchanged, so rows are anchored on them: the labels are found in template
order, each with its printed enumerator ("2." belongs to the next label, not to the digits
before it), and the digit run right after a label is that row's run-together cells. A run is
split with the same searches as a single run-together row (runtogether.py): table 三 rows by
their total column and then across rows by the column identities A1/A2, table 四 by its three
5-cell blocks whose 总计 is the sum of the other four; table 二 rows have no identity, so a run
with more than one split is marked ambiguous.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import replace
from functools import lru_cache
from itertools import pairwise
from typing import Any

from nlp.tables import table2 as t2
from nlp.tables import table3 as t3
from nlp.tables import table4 as t4
from nlp.tables.labels import detect_format, find_marker, squeeze_span, template_body
from nlp.tables.rows import MISSING, Cell, RowCandidate, settle
from nlp.tables.runtogether import group_candidates, split_candidates
from nlp.text.enumerators import printed_enumerator
from nlp.text.numbers import plain_number
from nlp.text.width import nfkc_report

_GAP = r"[\s()（）、.．,，:：;；\"“”'‘’]*"  # punctuation a printed label may carry between its letters
_CLOSE = re.compile(r"[ \t\u3000)）\"”'’]*")  # punctuation closing a label before its numbers
_DIGITS = re.compile(r"[0-9]+")
_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_NUMBER_NEXT = re.compile(r"[ \t\u3000|]*[0-9]")
# What may separate the cells of one row that kept some separators: pipes, spaces, tabs (a line
# break never: rows are read on one line, the layout parser handles the rest).
_SEP = re.compile(r"[ \t\u3000|]*")
_SHORT = 4  # a label body shorter than this is accepted only with its printed enumerator
MAX_RUN = 40  # longer digit runs are not table cells
# Table 四's data row: 15 or more numbers separated on one line (pipes, tabs, spaces), or one
# digit run.
_T4_RUN = re.compile(r"(?:\|[0-9]+){15,}|[0-9]+(?:[ \t\u3000|]+[0-9]+){14,}|[0-9]+")


@lru_cache(maxsize=256)
def _label_pattern(body: str) -> re.Pattern[str]:
    return re.compile(_GAP.join(re.escape(c) for c in body))


def _enum_start(norm: str, pos: int, enum: str | None) -> int | None:
    """Start of the enumerator printed right before ``pos`` ("2." / "(四)" / "四、"), or None."""
    if not enum:
        return None
    head = norm[max(0, pos - 8) : pos]
    # A digit enumerator follows the previous row's digits directly: it is matched exactly.
    m = re.search(printed_enumerator(enum) + r"\s*$", head)
    return pos - (len(head) - m.start()) if m else None


def find_labels(
    norm: str,
    start: int,
    end: int,
    templates: list[tuple[str, list[str], str | None]],
    ordered: bool = True,
) -> dict[str, tuple[int, int, int]]:
    """key -> (row_start, label_end, values_start) for labels found in template order.

    ``templates``: (key, label bodies, enumerator). row_start includes the enumerator; values
    start after the label's closing punctuation. A label not found is skipped. ``ordered=False``
    (rows independent of each other, table 二) looks for every label from ``start`` and prefers
    an occurrence followed by numbers (PDF-born Markdown prints some rows out of order).
    """
    found: dict[str, tuple[int, int, int]] = {}
    cursor = start
    for key, bodies, enum in templates:
        hit = None
        for body in bodies:
            pat = _label_pattern(body)
            pos = cursor if ordered else start
            while True:
                m = pat.search(norm, pos, end)
                if m is None:
                    break
                es = _enum_start(norm, m.start(), enum)
                if es is not None or len(body) >= _SHORT or not enum:
                    # An enumerator must not reach back into the previous label.
                    row_start = es if es is not None and (es >= cursor or not ordered) else m.start()
                    cand = (row_start, m.end(), _CLOSE.match(norm, m.end()).end())
                    hit = hit or cand
                    if ordered or _NUMBER_NEXT.match(norm, cand[2]):
                        hit = cand
                        break
                pos = m.start() + 1
            if hit:
                break
        if hit is None and ordered and enum:
            hit = _damaged_label(norm, cursor, end, bodies[0], enum)
        if hit:
            found[key] = hit
            cursor = hit[1] if ordered else cursor
    return found


_KEEP_HEAD, _KEEP_TAIL = 4, 2  # letters of a damaged label that must survive


def _damaged_label(norm: str, cursor: int, end: int, body: str, enum: str) -> tuple[int, int, int] | None:
    """A row label printed with letters lost or changed ("2.其他法律行政止公开" for
    "…行政法规禁止公开"): its first and last letters with no digit between, right after the
    previous row's digits and behind its own enumerator. Looked for only next to the cursor,
    so prose further on is never taken for a row."""
    if len(body) < _KEEP_HEAD + _KEEP_TAIL + 2:
        return None
    head, tail = body[:_KEEP_HEAD], body[-_KEEP_TAIL:]
    pat = re.compile(
        _GAP.join(re.escape(c) for c in head) + rf"[^0-9]{{0,{len(body)}}}?" + _GAP.join(re.escape(c) for c in tail)
    )
    limit = min(end, cursor + MAX_RUN + 8 + 2 * len(body))
    m = pat.search(norm, cursor, limit)
    if m is None:
        return None
    es = _enum_start(norm, m.start(), enum)
    if es is None or es < cursor:
        return None
    return es, m.end(), _CLOSE.match(norm, m.end()).end()


def _runs(
    norm: str, found: dict[str, tuple[int, int, int]], end: int, decimal: bool
) -> dict[str, list[tuple[int, int]]]:
    """key -> spans of the numbers right after each label, stopping at the next row.

    One span when the cells are run together ("0000000"); one per cell when flattened Markdown
    kept its pipes ("|32|2|0|0|0|0|34|"), up to the row end ("||") or the first text cell.
    """
    order = sorted(found.items(), key=lambda kv: kv[1][0])
    number = _AMOUNT if decimal else _DIGITS
    out = {}
    for i, (key, (_, _, vs)) in enumerate(order):
        limit = max(vs, order[i + 1][1][0] if i + 1 < len(order) else end)
        spans, pos = [], vs
        while pos < limit:
            sep = _SEP.match(norm, pos, limit)
            if spans and ("||" in sep.group() or not sep.group()):
                break  # "||": the row ends (flattened Markdown); no separator: text follows
            m = number.match(norm, sep.end(), limit)
            if m is None or m.end() - m.start() > MAX_RUN:
                break
            spans.append((m.start(), m.end()))
            pos = m.end()
        if spans:
            out[key] = spans
    return out


def _number(raw: str) -> int | float | None:
    if raw[0] == "0" and len(raw.split(".")[0]) > 1:  # "05": a lost cell boundary, not a number
        return None
    return plain_number(raw)


def split_row(
    text: str, norm: str, spans: list[tuple[int, int]], ncols: int, groups: list[int] | None
) -> list[list[Cell]]:
    """Candidate cell lists for one row's number spans (several: ambiguous; none: unreadable).

    Spans that already hold ``ncols`` numbers are the cells; fewer are split as run-together
    digits, with the group sums when ``groups`` is given.
    """
    strings = [norm[a:b] for a, b in spans]
    if len(spans) >= ncols:
        values = [_number(x) for x in strings[:ncols]]
        if any(v is None for v in values):
            return []
        return [[Cell(v, text[a:b], a, b) for v, (a, b) in zip(values, spans)]]
    if not all(x.isdigit() for x in strings):
        return []
    # Separated numbers are never re-cut unless one of them cannot be a single cell ("0000000").
    if len(strings) > 1 and not any(len(x) >= 8 or (len(x) > 1 and x[0] == "0") for x in strings):
        return []
    found = group_candidates(strings, groups) if groups else split_candidates(strings, ncols)
    return [
        [
            Cell(
                int(strings[k][a:b]),
                text[spans[k][0] + a : spans[k][0] + b],
                spans[k][0] + a,
                spans[k][0] + b,
            )
            for k, a, b in option
        ]
        for option in found
    ]


def _unreadable(text: str, s: int, e: int, n: int) -> list[Cell]:
    return [Cell(None, text[s:e], s, e, True) for _ in range(n)]


def _enum(row: dict[str, Any]) -> str | None:
    e = row.get("enum")
    return str(e) if e is not None else None


def flat_table3(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Table 三 of whitespace-free text, in the shape of :func:`parse_table3`, or None."""
    span = t3.locate(text, start, end)
    if span is None:
        return None
    # locate() starts at the line of the first label: in flattened text, the start of the document.
    s, e = find_marker(text, [t3.spec()["body_start"]], span[0]), span[1]
    norm = nfkc_report(text)
    fmt = t3.detect(text[s:e], squeeze_span(text, s, e))
    spec_rows = t3.spec()["formats"][fmt]["rows"]
    templates = [(r["key"], [template_body(r["label"])], _enum(r)) for r in spec_rows]
    found = find_labels(norm, s, e, templates)
    runs = _runs(norm, found, e, decimal=False)
    cols = t3.columns()
    placed: dict[str, tuple[RowCandidate, bool]] = {}
    unreadable: dict[str, list[Cell]] = {}
    for key, spans in runs.items():
        options = split_row(text, norm, spans, len(cols), [len(cols)])
        if options:
            placed[key] = (RowCandidate(options[0], 0, key, options=options), False)
        else:
            unreadable[key] = _unreadable(text, spans[0][0], spans[-1][1], len(cols))
    if not placed and not unreadable:
        return None
    t3._resolve_runtogether(placed, fmt, text)
    rows: dict[str, dict[str, Any]] = {}
    prov: dict[str, dict[str, Any]] = {}
    for key in t3.row_keys(fmt):
        if key in placed:
            cells = placed[key][0].cells
        else:
            cells = unreadable.get(key, [MISSING] * len(cols))
        rows[key] = {c: cell.value for c, cell in zip(cols, cells)}
        prov[key] = {c: cell.provenance() for c, cell in zip(cols, cells)}
    return {"format": fmt, "rows": rows, "provenance": prov, "unplaced": [], "span": [s, e]}


def flat_table2(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Table 二 of whitespace-free text, in the shape of :func:`parse_table2`, or None."""
    span = t2.locate(text, start, end)
    if span is None:
        return None
    s, e = span
    norm = nfkc_report(text)
    spec = t2.spec()
    fmt = detect_format(text[s:e], spec["signatures"], spec["default_format"], squeeze_span(text, s, e))
    rows = [{**r, "format": fmt} for r in spec["formats"][fmt]["rows"]]
    templates = [
        (r["key"], [template_body(x) for x in [r["label"], *r.get("aliases", [])]], None) for r in rows
    ]
    found = find_labels(norm, s, e, templates, ordered=False)
    if not found:
        return None
    cells: dict[str, Any] = {}
    prov: dict[str, Any] = {}
    for r in rows:
        ncols = len(r["columns"])
        decimal = ncols == 1 and bool(r.get("decimal"))
        run = _runs(norm, {r["key"]: found[r["key"]]}, e, decimal) if r["key"] in found else {}
        vals = _row2(text, norm, run.get(r["key"]), r)
        for col, cell in zip(r["columns"], vals):
            cells[f"{r['key']}.{col}"] = cell.value
            prov[f"{r['key']}.{col}"] = cell.provenance()
    if all(v is None for v in cells.values()):
        return None
    return {"format": fmt, "cells": cells, "provenance": prov, "span": [s, e]}


def _row2(text: str, norm: str, spans: list[tuple[int, int]] | None, row: dict[str, Any]) -> list[Cell]:
    ncols = len(row["columns"])
    if not spans:
        return [MISSING] * ncols
    options = split_row(text, norm, spans, ncols, None)
    if not options:
        return _unreadable(text, spans[0][0], spans[-1][1], ncols)
    if len(spans) >= ncols > 1:  # separated numbers: read as they stand
        return options[0]
    return t2.choose(options, row, text)


def flat_table4(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Table 四 of whitespace-free text: the first digit run after its header that splits into
    three 5-cell blocks, each 总计 = the sum of the other four."""
    span = t4.locate(text, start, end)
    if span is None:
        return None
    s, e = span
    norm = nfkc_report(text)
    first_run = None
    for m in _T4_RUN.finditer(norm, s, e):
        spans = [(x.start(), x.end()) for x in _DIGITS.finditer(norm, m.start(), m.end())]
        if len(spans) == 1 and not t4.NCELLS <= len(m.group()) <= MAX_RUN:
            continue
        first_run = first_run or (m.start(), m.end())
        options = split_row(text, norm, spans, t4.NCELLS, [5, 5, 5])
        if not options:
            continue
        vals = options[0] if len(spans) >= t4.NCELLS else settle(options, t4.BLOCK_SUMS, text)
        keys = t4.cell_keys()
        return {
            "format": "2021",
            "cells": {k: c.value for k, c in zip(keys, vals)},
            "provenance": {k: c.provenance() for k, c in zip(keys, vals)},
            "span": [s, e],
        }
    if first_run is not None:  # the data row is there but no split satisfies the block sums
        vals = _unreadable(text, first_run[0], first_run[1], t4.NCELLS)
        keys = t4.cell_keys()
        return {
            "format": "2021",
            "cells": {k: None for k in keys},
            "provenance": {k: replace(c, candidates=[]).provenance() for k, c in zip(keys, vals)},
            "span": [s, e],
        }
    return None


# Flattened Markdown keeps its pipes: "|713||二、上年结转…|36|" is two rows run together.
_HEADING = re.compile(r"#{2,6}[^|#\n]*")
MIN_FLAT_LINE = 1000  # a table region on a line this long has lost its line breaks


def reflow_pipes(text: str) -> tuple[str, list[int]] | None:
    """(text with line breaks put back between pipe rows, their offsets in it), or None.

    Only for text with a long line holding "||" (the table lost its line breaks); the caller
    maps offsets back with :func:`original_offset`.
    """
    if "||" not in text or not any(len(line) >= MIN_FLAT_LINE and "||" in line for line in text.split("\n")):
        return None
    # Breaks go between two pipes, before a "##" heading and after its text (before the next pipe).
    breaks = {m.start() + 1 for m in re.finditer(r"\|(?=\|)", text)}
    for m in _HEADING.finditer(text):
        breaks.add(m.start())
        if m.end() < len(text) and text[m.end()] == "|":
            breaks.add(m.end())
    # After a number or rule cell, text is not a cell of the same row but the next line.
    breaks |= {m.end() for m in re.finditer(r"(?<=\|)(?:[0-9.]+|-{3,})\|(?=[^|\-0-9./—\n])", text)}
    # Text run into a pipe row ("…2.其他法律行政法规禁止公开|1.属于国家秘密|0|…") was a line of its own.
    cuts = sorted(breaks | {m.start() for m in re.finditer(r"\n", text)} | {0, len(text)})
    for a, b in pairwise(cuts):
        seg = text[a:b].lstrip("\n")
        if seg and seg[0] not in "|#" and "|" in seg:
            breaks.add(a + (len(text[a:b]) - len(seg)) + seg.index("|"))
    parts, inserted, last = [], [], 0
    for shift, pos in enumerate(sorted(b for b in breaks if 0 < b < len(text) and text[b - 1] != "\n")):
        parts.append(text[last:pos])
        inserted.append(pos + shift)
        parts.append("\n")
        last = pos
    parts.append(text[last:])
    return "".join(parts), inserted


def original_offset(pos: int | None, inserted: list[int]) -> int | None:
    """Offset in the original text of ``pos`` in the reflowed text."""
    if pos is None:
        return None
    return pos - bisect.bisect_left(inserted, pos)


def map_back(res: dict[str, Any] | None, inserted: list[int]) -> dict[str, Any] | None:
    """A result parsed on reflowed text, with offsets (span, provenance) in the original text."""
    if res is None:
        return None

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "raw" in node and "start" in node:
                node["start"] = original_offset(node["start"], inserted)
                node["end"] = original_offset(node["end"], inserted)
                return
            for child in node.values():
                visit(child)

    visit(res["provenance"])
    res["span"] = [original_offset(x, inserted) for x in res["span"]]
    return res


__all__ = [
    "find_labels",
    "flat_table2",
    "flat_table3",
    "flat_table4",
    "map_back",
    "reflow_pipes",
    "split_row",
]
