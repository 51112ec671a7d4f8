"""Numeric facts from the free text of a report (domain.md §4): ``extract_facts(text)`` and the
pipeline component ``facts_component(report)`` that fills ``report.extensions["facts"]``."""
from __future__ import annotations

from nlp.facts.extractor import FACT_FIELDS, FactExtractor, extract_facts
from nlp.model import Report

_EXTRACTOR: FactExtractor | None = None


def facts_component(report: Report, narrative_only: bool = True) -> None:
    """Pipeline component: ``report.extensions["facts"]`` = list of fact records (issue 5 schema).

    Uses the normalised text (``report._cache["norm"]``) and sections when earlier components ran;
    offsets always refer to ``report.text``. Runs before "checks" so the C rules can read the facts.
    """
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = FactExtractor()
    extractor = _EXTRACTOR if narrative_only else FactExtractor(_EXTRACTOR.lexicon, narrative_only=False)
    report.extensions["facts"] = extractor.extract(
        report.text, source=report.source, sections=report.sections or None, norm=report._cache.get("norm"))


__all__ = ["FACT_FIELDS", "FactExtractor", "extract_facts", "facts_component"]
