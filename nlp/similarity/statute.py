"""Copying of statute text: the share of a passage's shingles found in articles of the 条例."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlp.resources import resource_path
from nlp.similarity.shingles import SHINGLE_SIZE, shingle_hashes


@dataclass(frozen=True)
class StatuteMatch:
    containment: float  # share of the passage's shingles found in any article
    article: str | None  # the article sharing most shingles with the passage
    article_containment: float  # share of the passage's shingles found in that article


class StatuteIndex:
    """Shingle sets of statute articles (``article<TAB>text`` lines)."""

    def __init__(self, articles: dict[str, str], k: int = SHINGLE_SIZE):
        self.articles = {name: shingle_hashes(text, k) for name, text in articles.items()}
        self.all = np.unique(np.concatenate(list(self.articles.values()))) if articles else np.zeros(0, np.uint64)
        self.k = k

    @classmethod
    def from_file(cls, path=None) -> "StatuteIndex":
        articles: dict[str, str] = {}
        with open(path or resource_path("statute_articles.txt"), encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    name, text = line.rstrip("\n").split("\t", 1)
                    articles[name] = text
        return cls(articles)

    def match(self, hashes: np.ndarray) -> StatuteMatch:
        if len(hashes) == 0:
            return StatuteMatch(0.0, None, 0.0)
        contained = float(np.isin(hashes, self.all, assume_unique=True).mean())
        if contained == 0.0:
            return StatuteMatch(0.0, None, 0.0)
        best, best_share = None, 0.0
        for name, article in self.articles.items():
            share = float(np.isin(hashes, article, assume_unique=True).mean())
            if share > best_share:
                best, best_share = name, share
        return StatuteMatch(contained, best, best_share)


@lru_cache(maxsize=1)
def default_statute_index() -> StatuteIndex:
    return StatuteIndex.from_file()
