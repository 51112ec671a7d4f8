"""Table 二 (主动公开政府信息情况): rows anchored on their labels, columns per detected format."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from nlp.formula import evaluate
from nlp.tables.labels import (
    LabelMatcher,
    Template,
    detect_format,
    label_body,
    load_yaml,
    locate_between,
    squeeze_span,
)
from nlp.tables.rows import MISSING, Cell, line_values, runtogether_options, settle
from nlp.tables.tokens import adds_no_row, tokenize

SPEC = "table2.yaml"


def spec() -> dict[str, Any]:
    return load_yaml(SPEC)


def cell_keys(fmt: str) -> list[str]:
    return [f"{r['key']}.{c}" for r in spec()["formats"][fmt]["rows"] for c in r["columns"]]


@lru_cache(maxsize=4)
def matcher(fmt: str) -> LabelMatcher:
    tpls = []
    for r in spec()["formats"][fmt]["rows"]:
        for label in [r["label"], *r.get("aliases", [])]:
            tpls.append(Template(r["key"], label_body(label)[0]))
    tpls += [Template("", label_body(w)[0], ignore=True) for w in spec()["ignore"]]
    return LabelMatcher(tpls)


def locate(text: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    return locate_between(text, spec()["start_markers"], spec()["end_markers"], start, end)


def parse_table2(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Parse table 二 in ``text[start:end]``: {"format", "cells", "provenance"} or None when absent."""
    span = locate(text, start, end)
    return None if span is None else parse_region(text, *span)


def _format(text: str, s: int, e: int) -> str:
    return detect_format(text[s:e], spec()["signatures"], spec()["default_format"], squeeze_span(text, s, e))


def same_rows(text: str, s: int, e: int, e2: int) -> bool:
    """Whether the region ``text[s:e2]`` (``e2`` > ``e``) parses as ``text[s:e]`` (its span aside): the
    same format and nothing after ``e`` that a row could take."""
    fmt = _format(text, s, e)
    return _format(text, s, e2) == fmt and adds_no_row(text, e, e2, matcher(fmt))


def parse_region(text: str, s: int, e: int) -> dict[str, Any] | None:
    """Parse the table whose region :func:`locate` found at ``text[s:e]``."""
    fmt = _format(text, s, e)
    rows = {r["key"]: {**r, "format": fmt} for r in spec()["formats"][fmt]["rows"]}
    lines = tokenize(text, s, e, matcher(fmt))
    found: dict[str, tuple[list[Cell], bool]] = {}
    current: str | None = None
    collected: list[Cell] = []

    def close() -> None:
        nonlocal current, collected
        if current and current not in found:
            found[current] = _fit(collected, rows[current], text)
        current, collected = None, []

    for line in lines:
        toks = line.tokens
        label_pos = [i for i, t in enumerate(toks) if t.kind == "label"]
        if label_pos:
            close()
            i = label_pos[-1]
            current = toks[i].key
            toks = toks[i + 1 :]
        elif any(t.kind == "header" for t in toks):
            close()  # a block header: the previous row is over
            continue
        if current is None:
            continue
        need = len(rows[current]["columns"]) - len(collected)
        collected.extend(line_values(toks, need, line.delimited, line.offset)[:need] if need > 0 else [])
    close()
    if not found:
        return None
    cells, prov = {}, {}
    for key, row in rows.items():
        vals, ambiguous = found.get(key, ([MISSING] * len(row["columns"]), False))
        for col, cell in zip(row["columns"], vals):
            value = cell.value
            if value is not None and col not in row.get("decimal", []) and isinstance(value, float):
                value = value if not value.is_integer() else int(value)
            cells[f"{key}.{col}"] = value
            p = cell.provenance()
            p["ambiguous"] = bool(p["ambiguous"] or ambiguous)
            prov[f"{key}.{col}"] = p
    return {"format": fmt, "cells": cells, "provenance": prov, "span": [s, e]}


TEMPLATE = "template (the row's number of columns)"
PLAUSIBILITY = "plausibility (现行有效件数 + 本年废止件数 ≥ 本年制发件数)"


def plausible(row: dict[str, Any], values: list[Any]) -> bool:
    """Whether one split of a table 二 row passes the row's plausibility formulas (table2.yaml)."""
    rules = (spec().get("plausible") or {}).get(row.get("format", ""), {}).get(row["key"], [])
    env = dict(zip(row["columns"], values))
    return all(evaluate(f, env)[0] is not False for f in rules)


def choose(options: list[list[Cell]], row: dict[str, Any], text: str | None = None) -> list[Cell]:
    """Settle a run-together table 二 row: the template's column count, then plausibility.

    Table 二 rows have no sum identity, so a run with several plausible splits stays null
    (ambiguous, with its candidates) unless the previous report decides it (tables/crossyear.py).
    """
    if len(options) == 1:
        return settle(options, TEMPLATE, text)
    kept = [o for o in options if plausible(row, [c.value for c in o])]
    if len(kept) == 1:
        return settle(kept, PLAUSIBILITY, text)
    return settle(kept or options, PLAUSIBILITY, text)


def _fit(collected: list[Cell], row: dict[str, Any], text: str | None = None) -> tuple[list[Cell], bool]:
    """The row's cells; (cells, ambiguous). Too few numbers: all null, since the lost column is unknown."""
    n = len(row["columns"])
    if len(collected) == n:
        return collected, False
    if collected and len(collected) < n:
        options = runtogether_options(collected, n, None)
        if options:
            return choose(options, row, text), False
        raw = " ".join(c.raw for c in collected)
        start, end = collected[0].start, collected[-1].end
        return [Cell(None, raw, start, end, True) for _ in range(n)], True
    return [MISSING] * n, False
