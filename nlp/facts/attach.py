"""Attach metric, channel and scope to candidates from the left context of the same clause."""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import NamedTuple

import numpy as np

from nlp.facts.candidates import Candidate
from nlp.facts.lexicon import Lexicon, MetricCue
from nlp.text.codes import code_points
from nlp.text.enumerators import LINE_START_ITEM

CLAUSE_BREAK = re.compile(r"[，,；;：:（）()【】。！？!?\n]")
SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_CHANGE = re.compile(r"同比|环比|较上年|较去年|比上年|比去年|较上一年|较(?:19|20)\d\d年|增长|下降|增加|减少|提高|提升|回落|上升|降低|增幅|降幅")
# Cumulative (a stock, not this year's flow): a 累计/总量 word or a follower count in the number's clause,
# or a sentence opened by 截至 unless 当年/全年 follows it ("截至12月31日，当年发布393件" is annual).
_CUMULATIVE = re.compile(r"累计|累积|历年|总量|总数|粉丝|关注人数|关注量|订阅")
_AS_OF = re.compile(r"截至|截止")
_THIS_YEAR = re.compile(r"当年|全年|本年|今年")
_COORD_GAP = re.compile(r"^[\s均都各共计为数达有案件]*$")
_COORD_JOIN = ("、", "和", "及", "与", "或", "以及")
_SHARE_GAP = re.compile(r"^\s*[（(，,]?\s*(?:占比?|占总数的?|占全部的?)?\s*(?:为|达|约)?\s*$")


class Span(NamedTuple):  # a tuple: built for every candidate, so cheap to make
    start: int
    end: int


_HARD_LINE_END = "。！？!?；;：:"
_BLOCK_START = re.compile(r"[ \t]*" + LINE_START_ITEM)


def breaks(text: str, lo: int, hi: int, rx: re.Pattern[str], soft: set[int] | None = None) -> list[int]:
    """Sorted positions of break characters in ``text[lo:hi]`` (soft line breaks excluded; ``soft``: their
    positions when already known, see :func:`soft_newlines`)."""
    if soft is None:
        soft = soft_newlines(text, lo, hi)
    points = [m.start() for m in rx.finditer(text, lo, hi)]
    return [i for i in points if i not in soft] if soft else points


# Break kind per code point: 2 = sentence break (SENTENCE_BREAK), 1 = clause break only (CLAUSE_BREAK).
# A test keeps this table in step with the two regexes.
_BREAK_KIND = np.zeros(0x110000, dtype=np.uint8)
_BREAK_KIND[[ord(ch) for ch in "，,；;：:（）()【】"]] = 1
_BREAK_KIND[[ord(ch) for ch in "。！？!?\n"]] = 2


def sentence_and_clause_breaks(text: str, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """``breaks(SENTENCE_BREAK)`` and ``breaks(CLAUSE_BREAK)`` of ``text[lo:hi]``, found with one NumPy
    table look-up over the code points: with a break every ~10 characters, a regex scan spends its time
    making match objects."""
    return BreakIndex(text, lo, hi).breaks(lo, hi)


class BreakIndex:
    """The break characters of ``text[lo:hi]`` found once, for :meth:`breaks` of many spans inside it: a
    report's narrative is read in a dozen spans, and NumPy's fixed cost per call outweighs the look-up."""

    def __init__(self, text: str, lo: int = 0, hi: int | None = None):
        hi = len(text) if hi is None else hi
        codes = code_points(text[lo:hi])
        kind = _BREAK_KIND[codes]
        clause = np.flatnonzero(kind)
        self.text = text
        self._sentence: list[int] = (clause[kind[clause] == 2] + lo).tolist()
        self._clause: list[int] = (clause + lo).tolist()

    def breaks(self, lo: int, hi: int) -> tuple[list[int], list[int]]:
        """:func:`sentence_and_clause_breaks` of ``text[lo:hi]`` (a span inside the indexed one)."""
        sentence, clause = self._sentence, self._clause
        sentence = sentence[bisect_left(sentence, lo):bisect_left(sentence, hi)]
        clause = clause[bisect_left(clause, lo):bisect_left(clause, hi)]
        soft = soft_newlines(self.text, lo, hi)  # they depend on the span: its first line starts at lo
        if soft:
            sentence = [i for i in sentence if i not in soft]
            clause = [i for i in clause if i not in soft]
        return sentence, clause


# A line break not right after a hard line end or another line break (a pre-filter, re-checked below).
_OPEN_LINE_END = re.compile(rf"\n(?<![{_HARD_LINE_END}\n]\n)")


def soft_newlines(text: str, lo: int, hi: int) -> set[int]:
    """Positions of the line breaks inside sentences in ``text[lo:hi]``: a line break inside a sentence
    (PDF/markdown wrapping, "数为\n0 件") is no boundary. It is soft when the line before it is at least
    16 characters long and ends with no hard punctuation, and the next line starts no new block."""
    out = set()
    # Only line breaks after a character that ends no sentence (most paragraphs end with 。) need a look.
    for m in _OPEN_LINE_END.finditer(text, lo, hi):
        k = m.start()
        if k == 0 or text[k - 1] in _HARD_LINE_END or text[k - 1] == "\n":
            continue
        prev_nl = text.rfind("\n", lo, k)  # -1: the first line is read from the text's start
        prev_line = text[prev_nl + 1:k].strip()
        if prev_line and prev_line[-1] not in _HARD_LINE_END and len(prev_line) >= 16:
            nxt = text[k + 1:k + 2]
            if nxt and nxt not in "\n" and not _BLOCK_START.match(text, k + 1):
                out.add(k)
    return out


def enclosing(points: list[int], pos: int, lo: int, hi: int) -> Span:
    """The piece between break points that contains ``pos``."""
    i = bisect_right(points, pos - 1)
    start = points[i - 1] + 1 if i > 0 else lo
    end = points[i] if i < len(points) else hi
    return Span(max(start, lo), end)


class CueMatch(NamedTuple):
    start: int
    end: int
    phrase: str


def cue_matches(rx: re.Pattern[str], text: str, lo: int, hi: int) -> list[CueMatch]:
    """The longest cue phrase starting at each position of ``text[lo:hi]`` (overlaps included).

    ``rx`` is a longest-first alternation of literals, so the regex engine skips characters that
    start no cue; restarting one character after each match finds overlapping cues."""
    out = []
    search = rx.search
    m = search(text, lo, hi)
    while m:
        s = m.start()
        out.append(CueMatch(s, m.end(), m.group()))
        m = search(text, s + 1, hi)
    return out


_CTX_CACHE: dict = {}


def _accepted(matches: list[CueMatch], unit: str | None, sentence: str, lex: Lexicon, min_priority: int = -99):
    # Blockers (name: null) hide the cues inside them: 行政事业性收费 is not 收费, 申请人 is not 申请.
    blocked = [(m.start, m.end) for m in matches if m.phrase in lex.blockers] if lex.blockers else []
    out = []
    for m in matches:
        if blocked and any(s <= m.start and m.end <= e for s, e in blocked):
            continue
        cue = _first_cue(lex.cues[m.phrase], unit, sentence, min_priority)
        if cue:
            out.append((cue, m))
    return out


def _first_cue(cues: list[MetricCue], unit: str | None, sentence: str, min_priority: int) -> MetricCue | None:
    """The first of ``cues`` that applies (MetricCue.accepts, with its cheap cases inline)."""
    for c in cues:
        if c.priority < min_priority or c.units is not None and unit not in c.units:
            continue
        if c.context is None or c.accepts(unit, sentence, _CTX_CACHE):
            return c
    return None


def _best_cue(text: str, lo: int, hi: int, unit: str | None, sentence: str, lex: Lexicon,
              min_priority: int = -99) -> tuple[MetricCue, CueMatch] | None:
    matches = cue_matches(lex.cue_regex, text, lo, hi)
    if not matches:
        return None
    if len(matches) == 1:  # the common case, short: a blocker hides itself, and one cue has no rival
        m = matches[0]
        cue = None if m.phrase in lex.blockers else _first_cue(lex.cues[m.phrase], unit, sentence, min_priority)
        return (cue, m) if cue else None
    found = _accepted(matches, unit, sentence, lex, min_priority)
    if not found:
        return None
    cue, m = found[0] if len(found) == 1 else max(found, key=lambda cm: (cm[0].priority, cm[1].end,
                                                                        cm[1].end - cm[1].start))
    # "刊登规章、…规范性文件等243件": the cues before 等 list the contents; the verb cue counts them.
    if text[m.end:hi].lstrip().startswith("等"):
        verbs = [(c, x) for c, x in found if x.end <= m.start and c.name != cue.name and c.priority >= 0]
        if verbs:
            return verbs[0]
    return cue, m


def _before_fillers(text: str, lo: int, pos: int, lex: Lexicon) -> int:
    """``pos`` moved left over coordination fillers ("被提起行政诉讼": the join stands before 被提起)."""
    fillers = lex.structure_words.get("coordination_fillers", ())
    if not fillers or pos <= lo or not any(text[pos - 1] == f[-1] for f in fillers):
        return pos  # (the common case: no filler ends here)
    moved = True
    while moved:
        moved = False
        for f in fillers:
            if text.endswith(f, lo, pos):
                pos -= len(f)
                moved = True
                break
    return pos


def _coordinated(text: str, clause_lo: int, cue_m: CueMatch, cand: Candidate, unit: str | None,
                 sentence: str, lex: Lexicon) -> tuple[tuple[str, ...], bool, int]:
    """Metrics of a coordinated cue list right before the number: "行政复议、行政诉讼0件" → both;
    "被申请行政复议、被提起行政诉讼均为0件" → both (coordination fillers, metrics.yaml ``structure``).

    Returns (metrics, is_sum): a non-zero number without 均/各 after "予以公开及部分公开" is one
    combined count (is_sum), not one fact per cue."""
    if not text.endswith(_COORD_JOIN, clause_lo, _before_fillers(text, clause_lo, cue_m.start, lex)):
        return (), False, cue_m.start
    gap = text[cue_m.end:cand.start]
    if not _COORD_GAP.match(gap):
        return (), False, cue_m.start
    metrics: list[str] = []
    left_end = cue_m.start
    while True:
        left_end = _before_fillers(text, clause_lo, left_end, lex)
        head = text[clause_lo:left_end]
        join = next((j for j in _COORD_JOIN if head.endswith(j)), None)
        if not join:
            break
        prev = None
        for m in cue_matches(lex.cue_regex, text, clause_lo, left_end - len(join)):
            if m.end == left_end - len(join) and (prev is None or m.start < prev.start):
                prev = m
        if prev is None:
            break
        cue = next((c for c in lex.cues[prev.phrase] if c.accepts(unit, sentence)), None)
        if cue is None or cue.name is None:
            break
        metrics.insert(0, cue.name)
        left_end = prev.start
    if metrics and cand.value != 0 and not re.search(r"[均各都]", gap):
        return (), True, left_end
    return tuple(metrics), False, left_end


def _channel(found: tuple[list[int], list[str]], lo: int, hi: int, pos: int, right: bool = True) -> str | None:
    """The channel named nearest to the left of ``pos`` in ``[lo, hi)`` (else the first to its right).

    ``found``: the sentence's channel mentions as (sorted starts, channel names), searched by bisection."""
    starts, names = found[0], found[1]
    if not starts:
        return None
    first, last = bisect_left(starts, lo), bisect_left(starts, hi)
    before = min(max(bisect_left(starts, pos), first), last)  # mentions [first, before) start before pos
    if before > first:
        return names[before - 1]
    return names[first] if first < last and right else None


def attach(text: str, cands: list[Candidate], lex: Lexicon, sent_points: list[int], clause_points: list[int],
           lo: int, hi: int, sentence_of: dict[int, Span] | None = None,
           channels: dict[int, tuple[list[int], list[str], list[int]]] | None = None) -> list[MetricCue | None]:
    """Fill metric/channel/scope of ``cands`` (all inside ``text[lo:hi]``); returns the cue used per candidate.

    ``sentence_of``, when given, receives the sentence span of each candidate start (for reuse)."""
    used: list[MetricCue | None] = []
    sentences: dict[int, str] = {}
    if channels is None:  # sentence start → channel mentions (starts, names, ends); the caller may keep them
        channels = {}
    cumulative: dict[int, int] = {}
    _CTX_CACHE.clear()
    for i, c in enumerate(cands):
        # enclosing(sent_points, …) and enclosing(clause_points, …) inline, as plain ints, with conditional
        # expressions for max(): this loop runs per candidate, and calls and tuples cost more here.
        k = bisect_right(sent_points, c.start - 1)
        sent_lo = sent_points[k - 1] + 1 if k else lo
        sent_lo = sent_lo if sent_lo > lo else lo  # noqa: FURB136
        sent_hi = sent_points[k] if k < len(sent_points) else hi
        if sentence_of is not None:
            sentence_of[c.start] = Span(sent_lo, sent_hi)
        k = bisect_right(clause_points, c.start - 1)
        clause_lo = clause_points[k - 1] + 1 if k else sent_lo
        clause_lo = clause_lo if clause_lo > sent_lo else sent_lo  # noqa: FURB136
        clause_hi = clause_points[k] if k < len(clause_points) else sent_hi
        sentence = sentences.get(sent_lo)
        if sentence is None:  # one string object per sentence, so context lookups hit the cache
            sentence = sentences[sent_lo] = text[sent_lo:sent_hi]
        prev = cands[i - 1] if i > 0 and cands[i - 1].end <= c.start else None
        seg_lo = prev.end if prev and prev.end > clause_lo else clause_lo  # text[seg_lo:c.start]: own context
        chosen: MetricCue | None = None
        is_ratio = c.unit in ("%", "个百分点")
        if is_ratio:
            rate = None
            for m in cue_matches(lex.rate_regex, text, clause_lo, c.start):
                rate = next((r for r in lex.rates[m.phrase] if r.accepts(None, sentence)), rate)
            if rate:
                c.metric = rate.name
            elif prev and prev.unit not in ("%", "个百分点", None) and prev.start >= sent_lo and (
                    _SHARE_GAP.match(text[prev.end:c.start]) or "占" in text[seg_lo:c.start]):
                c.is_share = True
                c.share_of = prev
                c.metric = f"{prev.metric}_share" if prev.metric else None
        else:
            best = _best_cue(text, seg_lo, c.start, c.unit, sentence, lex)
            if best:
                chosen, cue_m = best
                c.metric = chosen.name
                # (_coordinated's own first test, inline: most cues follow no 、/和/及 list)
                coord, is_sum, list_start = _coordinated(text, clause_lo, cue_m, c, c.unit, sentence, lex) \
                    if chosen.name and text.endswith(_COORD_JOIN, clause_lo, _before_fillers(text, clause_lo, cue_m.start, lex)) \
                    else ((), False, 0)
                if coord:
                    c.coordinated = coord + (chosen.name,)
                elif is_sum:
                    # "刊登规章、规范性文件36件": the list is the verb's object; "予以公开及部分公开208件" is a sum.
                    verbs = [(cu, x) for cu, x in _accepted(cue_matches(lex.cue_regex, text, seg_lo, c.start), c.unit,
                                                           sentence, lex, 0) if x.end <= list_start]
                    chosen = verbs[0][0] if verbs else None
                    c.metric = chosen.name if chosen else None
            else:
                right = _best_cue(text, c.end, clause_hi, c.unit, sentence, lex, min_priority=0)
                if right and not (i + 1 < len(cands) and cands[i + 1].start < right[1].start):
                    chosen = right[0]
                    c.metric = chosen.name
                elif text[seg_lo:c.start].lstrip().startswith("、") or (prev and text[prev.end:c.start].lstrip().startswith("、")):
                    head = next((cue for m in cue_matches(lex.cue_regex, text, clause_lo, c.start)
                                 for cue in lex.cues[m.phrase] if cue.list_member and cue.accepts(c.unit, sentence)), None)
                    if head:
                        c.metric = head.list_member
        used.append(chosen)
        found = channels.get(sent_lo)
        if found is None:
            mentions = list(lex.channel_regex.finditer(text, sent_lo, sent_hi))
            found = channels[sent_lo] = ([m.start() for m in mentions], [lex.channels[m.group()] for m in mentions],
                                         [m.end() for m in mentions])
        c.channel = (_channel(found, clause_lo, clause_hi, c.start)
                     or _channel(found, sent_lo, c.start, c.start, right=False)) if found[0] else None
        near = c.start - 6 if c.start - 6 > clause_lo else clause_lo  # noqa: FURB136
        # The second search only matters when it starts left of seg_lo (a match after it was found already).
        if _CHANGE.search(text, seg_lo, c.start) or near < seg_lo and _CHANGE.search(text, near, c.start):
            c.scope = "change"
        elif is_ratio:
            pass  # a rate or share is neither a flow nor a stock
        elif _CUMULATIVE.search(text, clause_lo, c.start):
            c.scope = "cumulative"
        else:
            as_of = cumulative.get(sent_lo, -2)
            if as_of == -2:  # where the sentence says 截至, found once per sentence
                m = _AS_OF.search(text, sent_lo, sent_hi)
                as_of = cumulative[sent_lo] = m.start() if m else -1
            if 0 <= as_of < c.start and not _THIS_YEAR.search(text, as_of, c.start):
                c.scope = "cumulative"
    return used
