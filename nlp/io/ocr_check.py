"""OCR confidence on parsed table cells, and the table identities (勾稽关系) used to catch misread digits.

Each parsed cell read from an OCRed page gets its recognition confidence. A cell under the
threshold (``resources/ocr.yaml``) is flagged ``low_confidence``; when it also takes part in a
table identity of ``resources/rules.yaml`` (the ``sum_equation`` rules A1–A4) that fails, its value
is not trusted: it becomes null with the reason, the OCR reading and the value that would make the
identity hold (``candidates``) — unless another identity holds with it and only trusted cells, which
confirms the reading. A failing identity whose cells are all read confidently is left
to the checks (it is then the report's own inconsistency, or a misread no signal can show).
"""
from __future__ import annotations

from bisect import bisect_right
from typing import Any

from nlp.io.ocr import config


def _leaves(parsed: dict[str, Any]) -> list[tuple[str, list[str], dict[str, Any]]]:
    """(table, key path, provenance leaf) of every parsed cell."""
    out = []
    for name, res in parsed.items():
        if not res:
            continue
        prov = res.get("provenance") or {}
        for key, node in prov.items():
            if isinstance(node, dict) and "start" in node:
                out.append((name, [key], node))
            elif isinstance(node, dict):
                out += [(name, [key, col], leaf) for col, leaf in node.items() if isinstance(leaf, dict)]
    return out


def _confidence(boxes: list[list[Any]], starts: list[int], start: int, end: int) -> float | None:
    i = max(bisect_right(starts, start) - 1, 0)
    confs = []
    for box in boxes[i:]:
        if box[0] >= end:
            break
        if box[1] > start:
            confs.append(float(box[7]))
    return min(confs) if confs else None


def _ref(name: str, path: list[str]) -> str:
    return ".".join([name, *path])


def _set_value(parsed: dict[str, Any], name: str, path: list[str], value: Any) -> None:
    res = parsed[name]
    field = "rows" if "rows" in res else "cells"
    node = res[field]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def apply_ocr_confidence(parsed: dict[str, Any], ocr_boxes: list[list[Any]],
                         threshold: float | None = None) -> list[dict[str, Any]]:
    """Annotate ``parsed`` (from :func:`nlp.tables.parse_tables`) in place; return the uncertain cells.

    ``ocr_boxes``: the reader's ``extras["ocr_boxes"]``, [start, end, page, x0, top, x1, bottom, conf].
    """
    from nlp.model import Report
    from nlp.rules.engine import FAIL, PASS, run_rules
    from nlp.tables import tables_to_json

    threshold = float(config()["min_confidence"] if threshold is None else threshold)
    boxes = sorted(ocr_boxes, key=lambda b: b[0])
    starts = [b[0] for b in boxes]
    low: dict[str, tuple[str, list[str], dict[str, Any]]] = {}
    for name, path, leaf in _leaves(parsed):
        if leaf.get("start") is None:
            continue
        conf = _confidence(boxes, starts, leaf["start"], leaf["end"])
        if conf is None:
            continue
        leaf["ocr_confidence"] = round(conf, 4)
        if conf < threshold:
            leaf["low_confidence"] = True
            low[_ref(name, path)] = (name, path, leaf)
    if not low:
        return []
    tables, prov = tables_to_json(parsed)
    report = Report(source="", tables=tables, table_provenance=prov)
    results = run_rules(report, specs=_sum_specs())
    # a doubtful cell is confirmed by an identity that holds when every other cell in it is trusted
    confirmed = {c["ref"] for res in results if res.status == PASS for c in res.cells
                 if all(o["ref"] not in low and o["value"] is not None for o in res.cells if o is not c)}
    fixes: dict[str, dict[str, Any]] = {}  # ref -> {identity: value that would make it hold}
    for res in results:
        if res.status != FAIL:
            continue
        expected_refs = len(res.cells) - _n_actual(res)
        for i, cell in enumerate(res.cells):
            if cell["ref"] not in low or cell["ref"] in confirmed or cell["value"] is None:
                continue
            # the value this cell would need for the identity to hold, were it the only misread
            diff = res.actual - res.expected if i < expected_refs else res.expected - res.actual
            fixes.setdefault(cell["ref"], {})[res.rule] = cell["value"] + diff
    uncertain = []
    for ref, by_rule in fixes.items():
        name, path, leaf = low[ref]
        reading = _value_at(parsed, name, path)
        values = set(by_rule.values())
        # a candidate only when every failing identity of the cell asks for the same possible value
        (only,) = values if len(values) == 1 else (None,)
        candidates = [int(only)] if only is not None and only >= 0 and float(only).is_integer() else []
        conf = leaf["ocr_confidence"]
        leaf["uncertain"] = {
            "reason": (f"OCR confidence {conf:.2f} < {threshold:.2f} and identity "
                       f"{', '.join(by_rule)} fails with the value read"),
            "ocr_reading": reading,
            "candidates": candidates,
        }
        uncertain.append({"ref": ref, "identities": list(by_rule), **leaf["uncertain"]})
        _set_value(parsed, name, path, None)
    return uncertain


def _value_at(parsed: dict[str, Any], name: str, path: list[str]) -> Any:
    res = parsed[name]
    node = res["rows" if "rows" in res else "cells"]
    for key in path:
        node = node[key]
    return node


def _n_actual(res: Any) -> int:
    """How many of a sum_equation result's cells are on the "actual" side (they come last)."""
    spec = next(s for s in _sum_specs() if res.rule.startswith(s["id"].split("{")[0]))
    return len(spec["actual"])


def _sum_specs() -> list[dict[str, Any]]:
    from nlp.rules.engine import load_rules

    return [s for s in load_rules() if s["evaluator"] == "sum_equation"]
