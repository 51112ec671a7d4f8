"""Section 五 → problem and measure statements with offsets, roles, statuses and pairs.

    from nlp.statements import statements_from_text
    for st in statements_from_text(open("report.txt").read()):
        print(st.role, st.status, st.text)

Pipeline components: "statements" fills ``report.statements``, "themes" (``nlp.themes``) adds themes
and scores, "pairing" pairs problems with measures and fills ``report.statement_summary``.
"""
from __future__ import annotations

from typing import Any

from nlp.component import factory, require
from nlp.model import Report
from nlp.statements.locate import extend_over_measures, find_problems_span
from nlp.statements.pairing import pair_statements
from nlp.statements.split import Statement, split_statements


def problems_span(report: Report) -> tuple[int, int, str] | None:
    """(start, end, how) of section 五's body: the segmenter's ``problems`` section, else our own search."""
    sec = report.section("problems")
    if sec is not None and sec.end > sec.start:
        return sec.start, extend_over_measures(report.text, sec.end), "segment"
    span = find_problems_span(report.text)
    if span is None:
        return None
    return span[0], extend_over_measures(report.text, span[1]), span[2]


def report_statements(report: Report, roles: str = "model", model: Any = None,
                      span: tuple[int, int, str] | None = None) -> list[Statement]:
    """The statements of one report (no themes yet); ``roles``/``model`` as in ``split_statements``;
    ``span``: the report's :func:`problems_span` when the caller has it."""
    span = span or problems_span(report)
    if span is None:
        return []
    year = report.meta.year if report.meta else None
    return split_statements(report.text, span[0], span[1], report_year=year, roles=roles, model=model)


def statements_from_text(text: str, year: int | None = None) -> list[Statement]:
    """Statements of a whole report text, or of a bare section-五 body.

    Section 五 is found by the segmenter, then by our own heading search; text with no
    recognisable sections at all is taken to be the body of 五 itself.
    """
    from nlp.segment import segment

    sections, _, _ = segment(text)
    report = Report(source="<text>", text=text, sections=sections)
    span = problems_span(report)
    if span is None:
        if len(sections) >= 2:
            return []  # a report without section 五
        span = (0, len(text), "whole")
    return split_statements(text, span[0], span[1], report_year=year)


class StatementsComponent:
    """Component "statements": ``report.statements`` (problems and measures of 五, no themes or pairs yet)
    and ``report.statements_source`` (how 五 was located: segment, subheading, … or None)."""

    name = "statements"

    def __init__(self, roles: str = "model", model: str | None = None):
        if roles not in ("model", "markers"):
            raise ValueError(f"statements: roles must be 'model' or 'markers', not {roles!r}")
        self.roles = roles  # model: the trained role model; markers: the keyword/position baseline
        self.model = model  # a role model directory (default: models/roles-default)

    def __call__(self, report: Report) -> Report:
        from nlp.statements.roles import default_model

        span = problems_span(report)
        model = default_model(self.model) if self.roles == "model" else None
        report.statements = report_statements(report, self.roles, model, span) if span else []
        report.statements_source = span[2] if span else None
        return report


class PairingComponent:
    """Component "pairing": ``Statement.pair`` and ``report.statement_summary``. Pairs by order, and by
    theme overlap when the "themes" component ran before it."""

    name = "pairing"

    def __init__(self, min_overlap: float = 0.5):
        self.min_overlap = min_overlap

    def pair(self, statements: list[Statement]) -> dict[str, Any]:
        """Fill ``pair`` on each statement; the summary (uncovered problems, orphan measures)."""
        return pair_statements(statements, min_overlap=self.min_overlap)

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["statements"])
        summary = self.pair(report.statements)
        summary["span_source"] = report.statements_source
        report.statement_summary = summary
        return report


@factory("statements", requires=["sections", "meta"], assigns=["statements"])
def make_statements(roles: str = "model", model: str | None = None) -> StatementsComponent:
    return StatementsComponent(roles, model)


@factory("pairing", requires=["statements"], follows=["statement.themes"],
         assigns=["statement.pair", "statement_summary"])
def make_pairing(min_overlap: float = 0.5) -> PairingComponent:
    return PairingComponent(min_overlap)


__all__ = [
    "PairingComponent",
    "Statement",
    "StatementsComponent",
    "find_problems_span",
    "make_pairing",
    "make_statements",
    "pair_statements",
    "problems_span",
    "report_statements",
    "split_statements",
    "statements_from_text",
]
