"""A scoring rubric (YAML): indicators with maximum points and the deductions that count against them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from nlp.resources import resource_path

SOURCES = ("check", "missing_section", "similarity", "statements")
CONDITIONS = ("no_problems", "unpaired_problem")


@dataclass(frozen=True)
class Deduction:
    id: str
    source: str
    points: float
    label: str
    rules: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("FAIL",)
    per_report: bool = False
    cap: float | None = None
    field: str | None = None
    sections: tuple[str, ...] = ()
    above: float | None = None
    min_chars: int = 0
    condition: str | None = None
    skip_formats: tuple[str, ...] = ()

    def matches_rule(self, rule_id: str) -> bool:
        # "A1" matches A1.identity.x but not A10…; "A5.presence.table" matches A5.presence.table3
        return any(re.match(re.escape(p) + (r"(?!\d)" if p[-1].isdigit() else ""), rule_id) for p in self.rules)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    max: float
    deductions: tuple[Deduction, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Rubric:
    name: str
    version: str
    total: float
    indicators: tuple[Indicator, ...]
    path: str = ""


def _deduction(d: dict[str, Any], where: str) -> Deduction:
    src = d.get("source")
    if src not in SOURCES:
        raise ValueError(f"{where}: source must be one of {SOURCES}, not {src!r}")
    rules = d.get("rule") or ()
    rules = (rules,) if isinstance(rules, str) else tuple(rules)
    if src == "check" and not rules:
        raise ValueError(f"{where}: a check deduction needs `rule`")
    if src == "similarity" and (not d.get("field") or d.get("above") is None):
        raise ValueError(f"{where}: a similarity deduction needs `field` and `above`")
    if src == "statements" and d.get("condition") not in CONDITIONS:
        raise ValueError(f"{where}: condition must be one of {CONDITIONS}")
    status = d.get("status") or ["FAIL"]
    return Deduction(id=str(d["id"]), source=src, points=float(d["points"]), label=str(d.get("label", d["id"])),
                     rules=rules, statuses=tuple([status] if isinstance(status, str) else status),
                     per_report=d.get("per") == "report", cap=None if d.get("cap") is None else float(d["cap"]),
                     field=d.get("field"), sections=tuple(d.get("sections") or ()),
                     above=None if d.get("above") is None else float(d["above"]), min_chars=int(d.get("min_chars", 0)),
                     condition=d.get("condition"), skip_formats=tuple(str(f) for f in d.get("skip_formats") or ()))


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Read a rubric file (default: the packaged ``rubric.yaml``); errors name the file and the entry."""
    p = Path(path) if path else Path(str(resource_path("rubric.yaml")))
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data.get("indicators"):
        raise ValueError(f"{p}: a rubric needs an `indicators` list")
    indicators = []
    for ind in data["indicators"]:
        where = f"{p}: indicator {ind.get('id')!r}"
        deds = tuple(_deduction(d, f"{where}, deduction {d.get('id')!r}") for d in ind.get("deductions") or ())
        indicators.append(Indicator(str(ind["id"]), str(ind.get("name", ind["id"])), float(ind["max"]), deds))
    total = float(data.get("total", sum(i.max for i in indicators)))
    return Rubric(str(data.get("name", p.stem)), str(data.get("version", "0")), total, tuple(indicators), str(p))
