"""Table 四 (政府信息公开行政复议、行政诉讼情况): 15 cells, 3 blocks × 5 columns, by position."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp.tables.labels import LabelMatcher, Template, label_body, load_yaml, locate_between
from nlp.tables.rows import MISSING, Cell, line_values, runtogether_options, settle
from nlp.tables.tokens import adds_no_row, iter_lines

SPEC = "table4.yaml"
NCELLS = 15
BLOCK_SUMS = "block sums (总计 = 维持 + 纠正 + 其他 + 尚未审结)"
_PROSE_CHARS = 40  # a text cell this long is prose after the table, not a header


def spec() -> dict[str, Any]:
    return load_yaml(SPEC)


def cell_keys() -> list[str]:
    s = spec()
    return [f"{b}.{c}" for b in s["blocks"] for c in s["block_columns"]]


@lru_cache(maxsize=1)
def matcher() -> LabelMatcher:
    # Header words are recognised only so that they are never taken for values; no row labels.
    return LabelMatcher(
        [Template("", label_body(w)[0], ignore=True) for w in spec()["block_labels"].values()]
    )


def locate(text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    return locate_between(text, spec()["start_markers"], spec()["end_markers"], start, end)


def parse_table4(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Parse table 四 in ``text[start:end]``: {"format", "cells", "provenance"} or None when absent."""
    span = locate(text, start, end)
    return None if span is None else parse_region(text, *span)


def same_rows(text: str, s: int, e: int, e2: int) -> bool:
    """Whether the region ``text[s:e2]`` (``e2`` > ``e``) parses as ``text[s:e]`` (its span aside):
    nothing after ``e`` that a cell could take."""
    return adds_no_row(text, e, e2, matcher())


def parse_region(text: str, s: int, e: int) -> dict[str, Any] | None:
    """Parse the table whose region :func:`locate` found at ``text[s:e]``."""
    lines = iter_lines(text, s, e, matcher())  # the loop stops at the data row
    cells: list[Cell] = []
    ambiguous = False
    for line in lines:
        if any(t.kind in ("text", "header") and len(t.text) >= _PROSE_CHARS for t in line.tokens):
            if cells:
                break
            continue
        vals = line_values(line.tokens, NCELLS, line.delimited, line.offset)
        if len(vals) >= NCELLS:  # the flattened data row: prefer it over scattered numbers
            cells = vals[:NCELLS]
            break
        cells.extend(vals)
        if len(cells) >= NCELLS:
            cells = cells[:NCELLS]
            break
    if len(cells) < NCELLS and cells:
        options = runtogether_options(cells, NCELLS, [5, 5, 5])
        if options:
            cells = settle(options, BLOCK_SUMS, text)
    if not cells:
        return None
    cells = cells + [MISSING] * (NCELLS - len(cells))
    keys = cell_keys()
    prov = {}
    for k, c in zip(keys, cells):
        p = c.provenance()
        p["ambiguous"] = bool(p["ambiguous"] or ambiguous)
        prov[k] = p
    return {
        "format": "2021",
        "cells": {k: c.value for k, c in zip(keys, cells)},
        "provenance": prov,
        "span": [s, e],
    }
