"""Unitless zeros stated in words ("行政复议、行政诉讼均为0", "申请数为零"): one fact per metric the clause
before the zero names (every coordinated metric with 均/都, or a 、/和-joined list; else the last named).

A pass over one narrative span after :mod:`nlp.facts.structure`; a counted zero ("0件") is a candidate already.
"""
from __future__ import annotations

import re
from bisect import bisect_right

from nlp.facts.attach import cue_matches, enclosing
from nlp.facts.candidates import Candidate
from nlp.facts.lexicon import Lexicon
from nlp.facts.structure import ALL_OF, JOINS

_ZERO_HINTS = ("为0", "为零", "是0", "是零", "为 0", "为 零")


def zero_statements(text: str, lo: int, hi: int, cands: list[Candidate], lex: Lexicon, mask,
                    sent_points: list[int], clause_points: list[int]) -> list[tuple[Candidate, str]]:
    """Unitless zeros stated in words ("均为0", "为零"), one fact per metric named in the clause before them."""
    rx = lex.zero_statement
    out: list[tuple[Candidate, str]] = []
    if rx is None:
        return out
    starts = [c.start for c in cands]
    for m in _zero_matches(text, lo, hi, rx):
        z_start = m.end() - 1
        k = bisect_right(starts, z_start)
        if k and cands[k - 1].end > z_start:
            continue  # a counted zero ("0件") is a candidate already
        if mask.covers(z_start, m.end()):
            continue
        clause = enclosing(clause_points, m.start(), lo, hi)
        sentence = text[enclosing(sent_points, m.start(), lo, hi).start:clause.end]
        metrics = _clause_metrics(text, clause.start, m.start(), lex, sentence, bool(ALL_OF.search(m.group())))
        z = Candidate(z_start, m.end(), z_start, m.end(), 0, 0, 0, "exact", None)
        for name in metrics:
            out.append((z, name))
    return out


def has_zero_hint(text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` holds one of the hints every zero in words stands in (else no match)."""
    return any(text.find(hint, lo, hi) >= 0 for hint in _ZERO_HINTS)


def _zero_matches(text: str, lo: int, hi: int, rx: re.Pattern[str]):
    """Matches of ``rx`` (it ends with its 0/零), tried only just before each 0 or 零 that follows 为/是: a
    scan of the whole span for 为/是 would cost more than the rest of this module."""
    ends = set()
    for hint in _ZERO_HINTS:  # str.find scans faster than a regex over the whole span
        k = text.find(hint, lo, hi)
        while k >= 0:
            ends.add(k + len(hint) - 1)
            k = text.find(hint, k + 1, hi)
    for k in sorted(ends):
        m = rx.search(text, max(lo, k - 6), min(hi, k + 2))
        if m and m.end() == k + 1:
            yield m


def _clause_metrics(text: str, s: int, e: int, lex: Lexicon, sentence: str, all_of: bool) -> list[str]:
    matches = cue_matches(lex.cue_regex, text, s, e)
    blocked = [(x.start, x.end) for x in matches if x.phrase in lex.blockers]
    found: list[tuple[int, int, str]] = []
    for x in matches:
        if any(bs <= x.start and x.end <= be for bs, be in blocked):
            continue
        cue = next((cu for cu in lex.cues[x.phrase] if cu.name and not cu.name.startswith("~.")
                    and (cu.context is None or cu.context.search(sentence))), None)
        if cue:
            found.append((cue.priority, x.end, cue.name))
    if not found:
        return []
    top = max(p for p, _, _ in found)
    named = [(end, name) for p, end, name in found if p == top]
    joined = any(j in text[s:e] for j in JOINS)
    if all_of or joined:
        out: list[str] = []
        for _, name in sorted(named):
            if name not in out:
                out.append(name)
        return out
    return [max(named)[1]]
