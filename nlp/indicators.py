"""Named indicators over the statutory tables of one report (resources/indicators.yaml).

Researchers' core statistics are ratios of table cells (实质公开率, 行政复议纠错率 …). Each
indicator has a Chinese and an English name and a formula over cell keys
(``table3.granted.total``, ``table4.review.corrected``, ``previous.table3.new_received.total``),
evaluated by the safe evaluator of :mod:`nlp.formula`. A value is never invented: an operand that
is null (blank, "/", unreadable, ambiguous), a missing table or previous report, or a denominator
of 0 gives ``value: None`` with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from nlp.formula import Formula, compile_formula
from nlp.resources import resource_path

PREVIOUS = "previous."
_ABSENT = object()


@dataclass(frozen=True)
class Indicator:
    name: str
    zh: str
    en: str
    formulas: tuple[Formula, ...]
    kind: str

    @property
    def formula(self) -> str:
        return " | ".join(f.source for f in self.formulas)

    @property
    def needs_previous(self) -> bool:
        return any(n.startswith(PREVIOUS) for f in self.formulas for n in f.names)


@lru_cache(maxsize=2)
def load_indicators(name: str = "indicators.yaml") -> tuple[Indicator, ...]:
    """The indicators of the resource file, in file order (formulas checked when loaded)."""
    with open(resource_path(name), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    out = []
    for spec in data["indicators"]:
        sources = spec["formula"] if isinstance(spec["formula"], list) else [spec["formula"]]
        out.append(
            Indicator(
                spec["name"],
                spec["zh"],
                spec["en"],
                tuple(compile_formula(" ".join(s.split())) for s in sources),
                spec.get("kind", "ratio"),
            )
        )
    return tuple(out)


def indicator(name: str) -> Indicator | None:
    """The indicator called ``name`` (its English key or its Chinese name), or None."""
    for ind in load_indicators():
        if name in (ind.name, ind.zh):
            return ind
    return None


def table_lookup(tables: dict[str, Any] | None) -> dict[str, Any]:
    """Cell key -> value for the JSON tables of a report (``report.tables``)."""
    out: dict[str, Any] = {}
    for name, table in (tables or {}).items():
        if not isinstance(table, dict):
            continue
        if isinstance(table.get("rows"), dict):
            for row, cols in table["rows"].items():
                for col, v in (cols or {}).items():
                    out[f"{name}.{row}.{col}"] = v
        if isinstance(table.get("cells"), dict):
            for key, v in table["cells"].items():
                out[f"{name}.{key}"] = v
    return out


def compute_indicators(
    cells: dict[str, Any], previous: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Every indicator for one report: ``{indicator, zh, en, kind, value, reason, formula}``.

    ``cells``/``previous``: cell key -> value of this report and of the same unit's report of
    the year before (see :func:`table_lookup`); ``previous`` None when there is none.
    """
    get = _lookup(cells, previous)
    rows = []
    for ind in load_indicators():
        value, reason, used, missing = None, None, ind.formulas[0], []
        for f in ind.formulas:  # the first formula whose cells exist in this table format
            if all(get(n) is not _ABSENT for n in f.names):
                used = f
                break
        else:
            missing = [n for n in used.names if get(n) is _ABSENT]
        if missing:
            first = missing[0]
            if first.startswith(PREVIOUS) and previous is None:
                reason = "no previous report of the same unit"
            else:
                reason = f"{first} is not in the report's tables"
        else:
            value, reason = used.evaluate(get)
            if isinstance(value, bool):
                value = None
            elif value is not None:
                value = float(value)
        rows.append(
            {
                "indicator": ind.name,
                "zh": ind.zh,
                "en": ind.en,
                "kind": ind.kind,
                "value": value,
                "reason": reason,
                "formula": used.source,
            }
        )
    return rows


def _lookup(cells: dict[str, Any], previous: dict[str, Any] | None) -> Callable[[str], Any]:
    """Cell key -> value (``_ABSENT`` when the report, or its predecessor for ``previous.*``, has no such cell)."""
    now = cells.get

    def get(name: str) -> Any:
        if name.startswith(PREVIOUS):
            if previous is None:
                return _ABSENT
            return previous.get(name[len(PREVIOUS) :], _ABSENT)
        return now(name, _ABSENT)

    return get


def report_indicators(report: Any, previous: Any = None) -> list[dict[str, Any]]:
    """:func:`compute_indicators` for a :class:`~nlp.model.Report` (and its predecessor)."""
    cells = table_lookup(report.tables)
    prev = table_lookup(previous.tables) if previous is not None else None
    return compute_indicators(cells, prev)


__all__ = ["Indicator", "compute_indicators", "indicator", "load_indicators", "report_indicators", "table_lookup"]
