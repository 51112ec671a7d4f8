"""Numeric facts from the free text of a report (domain.md §4): ``extract_facts(text)`` and the
pipeline component "facts" (:class:`FactsComponent`) that fills ``report.facts``."""
from __future__ import annotations

from typing import Any

from nlp.component import factory, require
from nlp.facts.extractor import FACT_FIELDS, FactExtractor, extract_facts
from nlp.facts.lexicon import Lexicon
from nlp.model import Report


class FactsComponent:
    """Component "facts": ``report.facts`` = fact records, from ``report.norm`` and ``report.sections``;
    offsets always refer to ``report.text``. Owns its extractor (lexicon and memos built once).

    ``narrative_only``: restrict a whole report to its narrative sections (preamble, 一, 五, 六)."""

    name = "facts"

    def __init__(self, narrative_only: bool = True, lexicon: Lexicon | None = None):
        self.extractor = FactExtractor(lexicon, narrative_only=narrative_only)

    def extract(self, text: str, source: str | None = None) -> list[dict[str, Any]]:
        """Facts of a bare text (a sentence or a report, normalised and regioned here)."""
        return self.extractor.extract(text, source=source)

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["norm"])
        report.facts = self.extractor.extract(report.text, source=report.source, sections=report.sections or None,
                                              norm=report.norm)
        return report


@factory("facts", requires=["norm", "sections"], assigns=["facts"])
def make_facts(narrative_only: bool = True) -> FactsComponent:
    return FactsComponent(narrative_only=narrative_only)


__all__ = ["FACT_FIELDS", "FactExtractor", "FactsComponent", "extract_facts", "make_facts"]
