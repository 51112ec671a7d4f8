"""The linear heading-chain search gives exactly the chain of the plain pairwise programme."""
from __future__ import annotations

import time

from conftest import SEED_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.model import SECTION_KEYS
from nlp.segment import _Heading, _spec, segment
from nlp.segment_chain import best_chain


def _pairwise_chain(cands):
    """The reference: every earlier heading is a possible predecessor (quadratic)."""
    order = {k: i for i, k in enumerate(SECTION_KEYS)}
    cands = sorted(cands, key=lambda h: h.line_start)
    best = []
    for i, h in enumerate(cands):
        entry = (1, h.score, -1)
        for j in range(i):
            g = cands[j]
            if order[g.key] < order[h.key] and g.end <= h.line_start:
                cnt, sc, _ = best[j]
                if (cnt + 1, sc + h.score) >= entry[:2]:
                    entry = (cnt + 1, sc + h.score, j)
        best.append(entry)
    if not best:
        return []
    i = max(range(len(best)), key=lambda k: (best[k][0], best[k][1], k))
    chain = []
    while i != -1:
        chain.append(cands[i])
        i = best[i][2]
    return chain[::-1]


_heading = st.builds(
    lambda key, start, length, score: _Heading(key, None, key, start, start + length, score),
    st.sampled_from(SECTION_KEYS), st.integers(0, 400), st.integers(1, 40), st.integers(1, 4))


@settings(max_examples=400, deadline=None)
@given(st.lists(_heading, max_size=30))
def test_linear_chain_equals_pairwise(cands):
    assert best_chain(cands, _spec()["_orders"]) == _pairwise_chain(cands)


def test_many_repeated_headings_stay_linear():
    """200,000 repeated headings were super-linear; doubling the count must not quadruple the time."""
    def seconds(n):
        text = SEED_FILES[0].read_text(encoding="utf-8") + "\n" + "五、存在的主要问题及改进情况\n" * n
        t = time.perf_counter()
        segment(text)
        return time.perf_counter() - t

    seconds(500)  # warm caches
    small, large = seconds(4_000), seconds(16_000)
    assert large < 8 * small + 0.5, (small, large)
