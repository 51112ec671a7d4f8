"""Themes of section-五 statements (domain.md §3.2): taxonomy, classifier, baseline, pipeline component.

    from nlp.themes import classify_texts
    classify_texts(["政策解读形式单一"])   # [{"text": ..., "themes": [...], "scores": {...}}]

``themes_component(report, model=None)`` adds themes and scores to the statements written by
``nlp.statements.statements_component`` and re-pairs problems with measures.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlp.model import Report
from nlp.themes.baseline import KeywordBaseline
from nlp.themes.classifier import ThemeClassifier
from nlp.themes.store import DEFAULT_MODEL_DIR, cached_model, load_model, save_model
from nlp.themes.taxonomy import Taxonomy, load_taxonomy


def get_model(model: str | Path | ThemeClassifier | None = None) -> ThemeClassifier:
    """A classifier: the given one, one loaded from a directory, or the default model (cached)."""
    if isinstance(model, ThemeClassifier | KeywordBaseline):
        return model
    return cached_model(str(model) if model else None)[0]


def classify_texts(texts: Sequence[str], model: str | Path | ThemeClassifier | None = None,
                   digits: int = 4) -> list[dict[str, Any]]:
    """[{text, themes, scores}] for each text."""
    clf = get_model(model)
    texts = list(texts)
    themes, proba = clf.predict_with_proba(texts)
    return [{"text": t, "themes": th, "scores": {c: round(float(p), digits) for c, p in zip(clf.classes_, row)}}
            for t, th, row in zip(texts, themes, proba)]


def themes_component(report: Report, model: str | Path | ThemeClassifier | None = None) -> None:
    """Pipeline component: themes + scores on each statement, then pairing and the summary."""
    from nlp.statements import publish, statements_component

    if "statements" not in report._cache:
        statements_component(report)
    statements = report._cache["statements"]
    if statements:
        results = classify_texts([s.text for s in statements], model)
        for st, res in zip(statements, results):
            st.themes = res["themes"]
            st.scores = res["scores"]
    how = report.extensions.get("statement_summary", {}).get("span_source")
    publish(report, statements, how)


__all__ = [
    "DEFAULT_MODEL_DIR",
    "KeywordBaseline",
    "Taxonomy",
    "ThemeClassifier",
    "classify_texts",
    "get_model",
    "load_model",
    "load_taxonomy",
    "save_model",
    "themes_component",
]
