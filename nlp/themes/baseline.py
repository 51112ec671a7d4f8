"""Keyword baseline: a theme fires when one of its ``signals`` (themes.yaml) occurs in the text."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.statements.cleanview import clean_text
from nlp.themes.taxonomy import Taxonomy


class KeywordBaseline:
    """Same surface as :class:`ThemeClassifier`; ``fit`` only records the classes."""

    def __init__(self, taxonomy: Taxonomy):
        self.taxonomy = taxonomy

    def fit(self, texts: Sequence[str] = (), labels: Sequence[Sequence[str]] = (), classes: Sequence[str] | None = None,
            groups: Sequence[str] | None = None) -> KeywordBaseline:
        self.classes_ = list(classes or self.taxonomy.codes)
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        classes = getattr(self, "classes_", self.taxonomy.codes)
        out = np.zeros((len(texts), len(classes)))
        for i, text in enumerate(texts):
            t = clean_text(text)
            for j, code in enumerate(classes):
                try:
                    signals = self.taxonomy.theme(code).signals
                except KeyError:
                    continue
                hits = sum(1 for s in signals if s and s in t)
                out[i, j] = hits / (hits + 1.0)
        return out

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        return self.predict_with_proba(texts)[0]

    def predict_with_proba(self, texts: Sequence[str]) -> tuple[list[list[str]], np.ndarray]:
        classes = getattr(self, "classes_", self.taxonomy.codes)
        proba = self.predict_proba(texts)
        out = []
        for row in proba:
            labs = [c for c, p in zip(classes, row) if p > 0 and c != self.taxonomy.fallback]
            out.append(labs or [self.taxonomy.fallback])
        return out, proba
