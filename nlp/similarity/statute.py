"""Copying of statute text: the share of a passage's shingles found in articles of the 条例."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

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
        self._owners: dict[int, list[str]] = {}  # shingle hash -> articles containing it
        for name, hashes in self.articles.items():
            for h in hashes.tolist():
                self._owners.setdefault(h, []).append(name)

    @classmethod
    def from_file(cls, path=None) -> StatuteIndex:
        articles: dict[str, str] = {}
        with open(path or resource_path("statute_articles.txt"), encoding="utf-8") as fh:
            for line in fh:
                if line.strip() and not line.startswith("#"):
                    name, text = line.rstrip("\n").split("\t", 1)
                    articles[name] = text
        return cls(articles)

    def match(self, hashes: np.ndarray) -> StatuteMatch:
        if len(hashes) == 0 or len(self.all) == 0:
            return StatuteMatch(0.0, None, 0.0)
        # The statute's hashes are sorted: a binary search per shingle is cheaper than np.isin, which
        # sorts both arrays again for every passage (a few hundred shingles against ~1,100).
        at = np.searchsorted(self.all, hashes)
        at[at == len(self.all)] = 0
        hits = hashes[self.all[at] == hashes]
        if len(hits) == 0:
            return StatuteMatch(0.0, None, 0.0)
        # shared shingles per article, counted in C (a passage shares dozens of them)
        per_article = Counter(chain.from_iterable(map(self._owners.__getitem__, hits.tolist())))
        # most shared shingles; ties go to the article listed first in the file
        top = max(per_article.values())
        best = next(name for name in self.articles if per_article.get(name) == top)
        return StatuteMatch(len(hits) / len(hashes), best, per_article[best] / len(hashes))


@lru_cache(maxsize=1)
def default_statute_index() -> StatuteIndex:
    return StatuteIndex.from_file()
