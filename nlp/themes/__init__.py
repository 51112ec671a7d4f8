"""Themes of section-五 statements (domain.md §3.2): taxonomy, classifier, baseline, pipeline component.

    from nlp.themes import classify_texts
    classify_texts(["政策解读形式单一"])   # [{"text": ..., "themes": [...], "scores": {...}}]

Pipeline component "themes" (:class:`ThemesComponent`) adds themes and scores to ``report.statements``;
"pairing" (``nlp.statements``) then pairs problems with measures.
"""
from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from pathlib import Path
from typing import Any

from nlp.component import factory, require
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
    # tolist: Python floats (the same values) round faster than NumPy scalars
    return [{"text": t, "themes": th, "scores": dict(zip(clf.classes_, map(round, row, repeat(digits))))}
            for t, th, row in zip(texts, themes, proba.tolist())]


class ThemesComponent:
    """Component "themes": themes and scores on each of ``report.statements``. Owns its classifier,
    loaded once when the component is built (the default model, a model directory, or a classifier)."""

    name = "themes"

    def __init__(self, model: str | Path | ThemeClassifier | KeywordBaseline | None = None):
        self.model = get_model(model)

    def assign(self, statements: Sequence[Any]) -> None:
        """Set ``themes`` and ``scores`` on each statement."""
        if statements:
            for st, res in zip(statements, classify_texts([s.text for s in statements], self.model)):
                st.themes = res["themes"]
                st.scores = res["scores"]

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["statements"])
        self.assign(report.statements)
        return report


@factory("themes", requires=["statements"], assigns=["statement.themes", "statement.scores"])
def make_themes(model: str | Path | ThemeClassifier | None = None) -> ThemesComponent:
    return ThemesComponent(model)


__all__ = [
    "DEFAULT_MODEL_DIR",
    "KeywordBaseline",
    "Taxonomy",
    "ThemeClassifier",
    "ThemesComponent",
    "classify_texts",
    "get_model",
    "load_model",
    "load_taxonomy",
    "make_themes",
    "save_model",
]
