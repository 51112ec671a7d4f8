"""Consistency rules of domain.md §1.5 (A1–A5, B6–B9, C10–C15, D16–D18) over a parsed report.

Public surface: :func:`run_checks` (results as JSON-able dicts) and the pipeline component
:class:`ChecksComponent` (factory ``make_checks``), which fills ``report.checks``. Rule definitions live in
``resources/rules.yaml``; evaluators in :mod:`nlp.rules.sums`, :mod:`nlp.rules.table_rules`, :mod:`nlp.rules.text_rules`,
:mod:`nlp.rules.legacy_rules` and :mod:`nlp.rules.time_rules`; cell records in :mod:`nlp.rules.cell_records`.
"""

from __future__ import annotations

from typing import Any

from nlp.component import factory, require
from nlp.model import Report
from nlp.rules.engine import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    STATUSES,
    UNCERTAIN,
    RuleBook,
    RuleResult,
    load_rules,
    run_rules,
)


class ChecksComponent:
    """Component "checks": ``report.checks`` = rule results, from the report's tables and facts.

    Owns the rule book (rules.yaml entries and their expansions), built once. Cross-year rules need
    ``previous``: call :meth:`check` with the previous year's report (``govnlp check --previous``)."""

    name = "checks"
    requires = ("tables", "table_provenance", "facts")

    def __init__(self, rules: str = "rules.yaml"):
        self.book = RuleBook(load_rules(rules))

    def check(self, report: Report, previous: Report | None = None) -> list[dict[str, Any]]:
        require(report, self.name, self.requires)
        if previous is not None:
            require(previous, self.name, ("tables", "table_provenance"))
            from nlp.tables.crossyear import resolve_pair

            # Cells left ambiguous by their own report may be decided by the year before (B6, B7);
            # each settled cell records it in its provenance (decided_by).
            resolve_pair(previous, report)
        return [r.to_dict() for r in run_rules(report, previous, book=self.book)]

    def __call__(self, report: Report) -> Report:
        if report.ok:
            report.checks = self.check(report)
        return report


@factory("checks", requires=list(ChecksComponent.requires) + ["sections", "meta"], assigns=["checks"])
def make_checks(rules: str = "rules.yaml") -> ChecksComponent:
    return ChecksComponent(rules)


def run_checks(report: Report, previous_report: Report | None = None) -> list[dict[str, Any]]:
    """Evaluate every rule on ``report`` (and the cross-year rules against ``previous_report``).

    The report must have been through the "tables" and "facts" components (e.g. ``Pipeline("check")``);
    otherwise :class:`nlp.component.MissingPrerequisite` names what is missing."""
    return ChecksComponent().check(report, previous_report)


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
    "ChecksComponent",
    "RuleBook",
    "RuleResult",
    "load_rules",
    "make_checks",
    "run_checks",
    "summarize",
]
