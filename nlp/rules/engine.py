"""A small declarative rule engine over the parsed tables, facts and sections of a report.

Rules are data (``resources/rules.yaml``): an id pattern, a description in Chinese and English,
a severity, an evaluator name and its parameters. ``for_each`` expands one definition into one
result per column/row/block. Evaluators are plain functions registered with :func:`evaluator`;
each yields :class:`RuleResult` records with status PASS / FAIL / UNCERTAIN (an operand is
null) / NOT_ASSESSABLE (the table, section or previous report needed is missing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from nlp.model import Report
from nlp.resources import resource_path
from nlp.rules.cell_records import (
    MISSING,
    TABLES,
    absent,
    cell_record,
    present,
    table_cells,
)

PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE = "PASS", "FAIL", "UNCERTAIN", "NOT_ASSESSABLE"
STATUSES = (PASS, FAIL, UNCERTAIN, NOT_ASSESSABLE)
TABLE_NAMES = {"table2": "table 二", "table3": "table 三", "table4": "table 四", "legacy_stats": "the statistics annex"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class RuleResult:
    rule: str
    status: str
    severity: str
    message: str
    expected: Any = None
    actual: Any = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rule": self.rule,
            "status": self.status,
            "severity": self.severity,
            "message": self.message,
            "expected": self.expected,
            "actual": self.actual,
            "cells": self.cells,
        }


@dataclass
class Rule:
    """One expanded rule: its id, the definition's parameters with the placeholder filled in."""

    id: str
    evaluator: str
    severity: str
    description: dict[str, str]
    params: dict[str, Any]
    item: Any = None


Evaluator = Callable[[Rule, "Context"], Iterator[RuleResult]]
_EVALUATORS: dict[str, Evaluator] = {}


def evaluator(name: str) -> Callable[[Evaluator], Evaluator]:
    def register(func: Evaluator) -> Evaluator:
        _EVALUATORS[name] = func
        return func

    return register


@lru_cache(maxsize=2)
def load_rules(name: str = "rules.yaml") -> list[dict[str, Any]]:
    with open(resource_path(name), encoding="utf-8") as fh:
        return yaml.safe_load(fh)["rules"]


class Context:
    """What evaluators read: tables (with provenance), facts, sections, the previous report."""

    def __init__(self, report: Report, previous: Report | None = None, book: RuleBook | None = None):
        self.report = report
        self.previous = previous
        self.book = book if book is not None else RuleBook()
        self.tables: dict[str, Any] = report.tables or {}
        self.provenance: dict[str, Any] = report.table_provenance or {}
        self.facts: list[dict[str, Any]] = list(report.facts or [])
        self.prev_tables: dict[str, Any] = (previous.tables or {}) if previous else {}
        self.prev_provenance: dict[str, Any] = (previous.table_provenance or {}) if previous else {}
        # Values and provenance of every cell of tables 二/三/四 by reference, read in one pass: the sum,
        # domain and blank-cell rules read most of them, many several times, as values or as evidence
        # records; the full cell (:meth:`cell`) is built when a rule asks for it.
        self._values, self._prov, self._records = table_cells(self.tables, self.provenance)
        self._cells: dict[tuple[str, bool], dict[str, Any]] = {}
        # the format of table 三, which every rule's expansion and sum references depend on
        self.t3_format = self.table_format("table3")
        self.memo: dict[Any, Any] = {}  # evaluators' results derived from this report alone

    # --- cells -------------------------------------------------------------------------------
    def has_table(self, table: str, previous: bool = False) -> bool:
        return bool((self.prev_tables if previous else self.tables).get(table))

    def table_format(self, table: str) -> str:
        t = self.tables.get(table) or {}
        return t.get("format") or "2021"

    def cell(self, ref: str, previous: bool = False) -> dict[str, Any]:
        """{"ref", "value", "present", "start", "end", "raw"} for a reference like table3.granted.total.

        Shared between rules (hundreds of lookups per report): callers must not modify it."""
        key = (ref, previous)
        c = self._cells.get(key)
        if c is None:
            if not previous and ref in self._values:
                c = present(ref, self._values[ref], self._prov[ref])
            else:
                c = self._cell(ref, previous)
            self._cells[key] = c
        return c

    def values(self, refs: list[str] | tuple[str, ...], previous: bool = False) -> list[Any]:
        """The value of each reference (None: blank, unreadable or missing), as :meth:`cell` gives it."""
        if previous:
            return [self.cell(r, True)["value"] for r in refs]
        get, missing = self._values.get, MISSING
        out = [get(r, missing) for r in refs]
        if missing in out:  # not a cell of tables 二/三/四: looked up on its own
            out = [self.cell(r)["value"] if v is missing else v for r, v in zip(refs, out)]
        return out

    def add_up(self, refs: list[str] | tuple[str, ...], previous: bool = False) -> tuple[Any, list[str]]:
        """(Σ of the values of ``refs``, a blank read as 0; the blank cells' references, as they name
        themselves). One loop: the sum rules add up some 84 lists per report."""
        if previous:
            cells = [self.cell(r, True) for r in refs]
            return sum([c["value"] or 0 for c in cells]), [c["ref"] for c in cells if c["value"] is None]
        get, missing, addends, blanks = self._values.get, MISSING, [], []
        for r in refs:
            v = get(r, missing)
            if v is missing:  # not a cell of tables 二/三/四: looked up on its own
                v = self.cell(r)["value"]
            if v is None:
                blanks.append(r)
            addends.append(v or 0)
        return sum(addends), blanks

    def records(self, refs: list[str] | tuple[str, ...], previous: bool = False) -> list[dict[str, Any]]:
        """:func:`cell_record` of each reference's cell. A record of this report's cell is built once and
        shared by the checks that name it (most table 三 cells are in two or three sum rules): read-only."""
        if previous:
            return [cell_record(self.cell(r, True)) for r in refs]
        records = self._records
        try:  # every cell of tables 二/三/四 has its record from table_cells
            return [records[r] for r in refs]
        except KeyError:
            return [records.get(r) or self._record(r) for r in refs]  # a record is never empty

    def _record(self, ref: str) -> dict[str, Any]:
        """The record of a reference that is not a cell of tables 二/三/四 (absent, or a cell of the annex)."""
        rec = self._records[ref] = cell_record(self.cell(ref))
        return rec

    def _cell(self, ref: str, previous: bool) -> dict[str, Any]:
        tables = self.prev_tables if previous else self.tables
        prov_all = self.prev_provenance if previous else self.provenance
        table, path = ref.split(".", 1)
        t = tables.get(table)
        ref = ("previous." if previous else "") + ref
        if not t:
            return absent(ref)
        prov_t = prov_all.get(table) or {}
        if table == "table3":
            row, col = path.rsplit(".", 1)
            rows = t.get("rows") or {}
            if row not in rows or col not in rows[row]:
                return absent(ref)
            return present(ref, rows[row][col], ((prov_t.get("rows") or {}).get(row) or {}).get(col) or {})
        cells = t.get("cells") or {}
        if path not in cells:
            return absent(ref)
        return present(ref, cells[path], (prov_t.get("cells") or {}).get(path) or {})

    def outcome_rows(self) -> list[str]:
        from nlp.tables.table3 import outcome_keys

        rows = self.memo.get("outcome_rows")  # read by every sum rule over the outcomes
        if rows is None:
            rows = self.memo["outcome_rows"] = outcome_keys(self.t3_format)
        return rows

    def expand_refs(self, refs: list[str]) -> list[str]:
        out: list[str] = []
        for ref in refs:
            if ref.startswith("@outcomes."):
                col = ref.split(".", 1)[1]
                out += [f"table3.{row}.{col}" for row in self.outcome_rows()]
            else:
                out.append(ref)
        return out

    # --- text --------------------------------------------------------------------------------
    def section_text(self, key: str) -> str | None:
        sec = self.report.section(key)
        return sec.text if sec else None


def _for_each(spec: dict[str, Any], table3_format: str) -> list[Any]:
    """The items of a ``for_each`` (they depend on the rule and on the format of table 三 alone)."""
    fe = spec.get("for_each")
    if fe is None:
        return [None]
    if isinstance(fe, list):
        return fe
    if fe == "tables":
        return list(TABLES)
    if fe == "table3.columns":
        from nlp.tables.table3 import columns

        return columns()
    if fe == "table3.rows":
        from nlp.tables.table3 import row_keys

        return row_keys(table3_format)
    if fe == "table4.blocks":
        from nlp.tables.table4 import spec as t4spec

        return list(t4spec()["blocks"])
    raise ValueError(f"rules.yaml: unknown for_each {fe!r} in rule {spec['id']}")


def _fill(value: Any, var: str | None, item: Any) -> Any:
    if var is None or item is None:
        return value
    if isinstance(value, str):
        return value.replace("{" + var + "}", str(item))
    if isinstance(value, list):
        return [_fill(v, var, item) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, var, item) for k, v in value.items()}
    return value


class RuleBook:
    """The rule entries of one rules file and their expansions (memoised: an expansion depends only on
    the entry and its items). Built once by the checks component, which owns it."""

    def __init__(self, specs: list[dict[str, Any]] | None = None):
        self.specs = specs if specs is not None else load_rules()
        ids = [s["id"] for s in self.specs]
        if len(set(ids)) != len(ids):
            raise ValueError("rules: duplicate rule ids " + ", ".join(sorted({i for i in ids if ids.count(i) > 1})))
        self._expanded: dict[tuple[str, tuple[Any, ...]], list[Rule]] = {}
        self._plans: dict[str, list[tuple[dict[str, Any], list[Rule]]]] = {}
        # What evaluators derive from the rules alone (a sum rule's expanded cell references …), keyed by
        # rule id and table 三 format: computed once per rule set, not once per report.
        self.derived: dict[Any, Any] = {}

    def expand(self, spec: dict[str, Any], items: tuple[Any, ...]) -> list[Rule]:
        key = (spec["id"], items)
        hit = self._expanded.get(key)
        if hit is None:
            if len(self._expanded) > 4096:
                self._expanded.clear()
            hit = self._expanded[key] = _expand(spec, items)
        return hit

    def plan(self, table3_format: str) -> list[tuple[dict[str, Any], list[Rule]]]:
        """Every entry with its expanded rules, in file order, for a report whose table 三 has this format
        (the only thing of the report an expansion depends on)."""
        plan = self._plans.get(table3_format)
        if plan is None:
            if len(self._plans) > 8:  # formats are few; a stray value must not grow the cache
                self._plans.clear()
                self.derived.clear()
            plan = [(spec, self.expand(spec, tuple(_for_each(spec, table3_format)))) for spec in self.specs]
            self._plans[table3_format] = plan
        return plan


def expand(spec: dict[str, Any], ctx: Context) -> list[Rule]:
    """The rules of one rules.yaml entry (one per ``for_each`` item), memoised in the context's rule book."""
    return ctx.book.expand(spec, tuple(_for_each(spec, ctx.t3_format)))


def _expand(spec: dict[str, Any], items: tuple[Any, ...]) -> list[Rule]:
    m = _PLACEHOLDER.search(spec["id"])
    var = m.group(1) if m else None
    rules = []
    skip = {"id", "evaluator", "severity", "description", "for_each"}
    for item in items:
        params = {k: _fill(v, var, item) for k, v in spec.items() if k not in skip}
        rule_id = _fill(spec["id"], var, item) if spec.get("for_each") is not None else spec["id"]
        rules.append(Rule(rule_id, spec["evaluator"], spec["severity"], spec["description"], params, item))
    return rules


def run_rules(
    report: Report, previous: Report | None = None, specs: list[dict[str, Any]] | None = None,
    book: RuleBook | None = None,
) -> list[RuleResult]:
    """Evaluate every rule on one report; results in rule order, deterministic."""
    import nlp.rules.legacy_rules
    import nlp.rules.sums
    import nlp.rules.table_rules
    import nlp.rules.text_rules
    import nlp.rules.time_rules  # noqa: F401

    if book is None or (specs is not None and specs is not book.specs):
        book = RuleBook(specs)
    ctx = Context(report, previous, book)
    source = report.source
    results: list[RuleResult] = []
    for spec, rules in book.plan(ctx.t3_format):
        func = _EVALUATORS.get(spec["evaluator"])
        if func is None:
            raise KeyError(f"rules.yaml: rule {spec['id']} names unknown evaluator {spec['evaluator']!r}")
        for rule in rules:
            for res in func(rule, ctx):
                res.source = source
                results.append(res)
    return results


def make(
    rule: Rule,
    status: str,
    message: str,
    expected: Any = None,
    actual: Any = None,
    cells: list[dict[str, Any]] | None = None,
    rule_id: str | None = None,
) -> RuleResult:
    return RuleResult(rule_id or rule.id, status, rule.severity, message, expected, actual, cells or [])
