"""Which heading candidates are the report's sections: the longest chain of them in an allowed order.

A heading candidate has a section ``key``, a ``number``, a ``score`` and offsets (``line_start``,
``end``); :mod:`nlp.segment` finds them and calls :func:`best_chain`.
"""
from __future__ import annotations

from typing import Any, Protocol

from nlp.text.enumerators import ordinal_value


class Heading(Protocol):
    key: str
    number: Any
    score: int
    line_start: int
    end: int


def best_chain(cands: list[Heading], orders: list[dict[str, int]]) -> list[Heading]:
    """Longest chain of headings in one of the allowed ``orders`` (resources/sections.yaml ``orders``:
    section key -> rank).

    Ties: higher score, then later position. A heading numbered one more than its predecessor in
    the chain scores a point more, so a section's own "一、…" items never displace its heading.
    """
    best: list[Heading] = []
    best_key: tuple[int, int] = (0, 0)
    for order in orders:
        chain, score = _chain_in_order(cands, order)
        if (len(chain), score) > best_key:
            best, best_key = chain, (len(chain), score)
    return best


def _step_bonus(g: Heading, h: Heading) -> int:
    a, b = ordinal_value(g.number), ordinal_value(h.number)
    return 1 if a is not None and b is not None and b > a else 0


def _chain_in_order(cands: list[Heading], order: dict[str, int]) -> tuple[list[Heading], int]:
    """A dynamic programme over the candidates in text order. Candidates become available as
    predecessors once the text has passed their end; for each key only the best available one
    matters, so each step looks at a few entries instead of every earlier heading (linear, where the
    pairwise form was quadratic on a text of many repeated headings)."""
    cands = sorted((h for h in cands if h.key in order), key=lambda h: h.line_start)
    best: list[tuple[int, int, int]] = []  # (count, score, prev index)
    by_end = sorted(range(len(cands)), key=lambda j: (cands[j].end, j))
    best_of_key: dict[str, tuple[int, int, int]] = {}  # key -> (count, score, index), available ones only
    released = 0
    for i, h in enumerate(cands):
        while released < len(by_end) and cands[by_end[released]].end <= h.line_start:
            j = by_end[released]
            released += 1
            entry_j = (best[j][0], best[j][1], j)
            if entry_j >= best_of_key.get(cands[j].key, (0, 0, -1)):
                best_of_key[cands[j].key] = entry_j
        entry = (1, h.score, -1)
        preds = [(cnt + 1, sc + h.score + _step_bonus(cands[j], h), j)
                 for k, (cnt, sc, j) in best_of_key.items() if order[k] < order[h.key]]
        if preds:
            entry = max(preds)
        best.append(entry)
    if not best:
        return [], 0
    i = max(range(len(best)), key=lambda k: (best[k][0], best[k][1], k))
    total = best[i][1]
    chain = []
    while i != -1:
        chain.append(cands[i])
        i = best[i][2]
    return chain[::-1], total
