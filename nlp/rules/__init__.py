"""Consistency rules of domain.md §1.5 (A1–A5, B6–B9, C10–C15, D16–D18) over a parsed report.

Public surface: :func:`run_checks` (results as JSON-able dicts) and the pipeline component
:func:`checks_component`, which fills ``report.extensions["checks"]``. Rule definitions live in
``resources/rules.yaml``; evaluators in :mod:`nlp.rules.table_rules` and :mod:`nlp.rules.text_rules`.
"""

from __future__ import annotations

from typing import Any

from nlp.model import Report
from nlp.rules.engine import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    STATUSES,
    UNCERTAIN,
    RuleResult,
    load_rules,
    run_rules,
)


def _ensure_tables(report: Report) -> None:
    if "tables" not in report.extensions and report.text:
        from nlp.tables import tables_component

        tables_component(report)


def run_checks(report: Report, previous_report: Report | None = None) -> list[dict[str, Any]]:
    """Evaluate every rule on ``report`` (and the cross-year rules against ``previous_report``).

    Tables are parsed first when the report has not been through the "tables" component; with a
    previous report, cells ambiguous in either are first settled by the cross-year identities
    (:func:`nlp.tables.crossyear.resolve_pair`, recorded in their ``decided_by``). Facts come
    from ``report.extensions["facts"]`` when present, else from a small fallback number finder.
    """
    _ensure_tables(report)
    if previous_report is not None:
        _ensure_tables(previous_report)
        from nlp.tables.crossyear import resolve_pair

        # Cells left ambiguous by their own report may be decided by the year before (B6, B7).
        resolve_pair(previous_report, report)
    return [r.to_dict() for r in run_rules(report, previous_report)]


def checks_component(report: Report, previous: Report | None = None) -> None:
    """Pipeline component "checks": ``report.extensions["checks"]`` = list of rule results."""
    if not report.ok:
        return
    report.extensions["checks"] = run_checks(report, previous)


def summarize(results: list[dict[str, Any]]) -> dict[str, int]:
    """Counts by status (every status present, in a fixed order)."""
    counts = {s: 0 for s in STATUSES}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return counts


__all__ = [
    "FAIL",
    "NOT_ASSESSABLE",
    "PASS",
    "UNCERTAIN",
    "RuleResult",
    "checks_component",
    "load_rules",
    "run_checks",
    "summarize",
]
