"""Section 五 → problem and measure statements with offsets, roles, statuses and pairs.

    from nlp.statements import statements_from_text
    for st in statements_from_text(open("report.txt").read()):
        print(st.role, st.status, st.text)

Pipeline component ``statements_component`` fills ``report.extensions["statements"]`` and
``["statement_summary"]``; ``nlp.themes.themes_component`` adds themes and re-pairs.
"""
from __future__ import annotations

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


def report_statements(report: Report) -> list[Statement]:
    """The statements of one report (no themes yet)."""
    span = problems_span(report)
    if span is None:
        return []
    year = report.meta.year if report.meta else None
    return split_statements(report.text, span[0], span[1], report_year=year)


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


def publish(report: Report, statements: list[Statement], how: str | None) -> None:
    """Pair, then write the JSON-able results into ``report.extensions``."""
    summary = pair_statements(statements)
    summary["span_source"] = how
    report._cache["statements"] = statements
    report.extensions["statements"] = [s.to_dict() for s in statements]
    report.extensions["statement_summary"] = summary


def statements_component(report: Report) -> None:
    """Pipeline component: fills ``extensions["statements"]`` and ``["statement_summary"]``."""
    span = problems_span(report)
    statements = report_statements(report) if span else []
    publish(report, statements, span[2] if span else None)


__all__ = [
    "Statement",
    "find_problems_span",
    "pair_statements",
    "problems_span",
    "publish",
    "report_statements",
    "split_statements",
    "statements_component",
    "statements_from_text",
]
