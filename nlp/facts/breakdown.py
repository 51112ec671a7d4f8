"""Parent–child links for 其中/含/包括 breakdowns ("441件(其中救助类250件，投诉类173件…)")."""
from __future__ import annotations

import bisect
import re

from nlp.facts.attach import Span, enclosing
from nlp.facts.candidates import Candidate
from nlp.facts.lexicon import Lexicon

# 含(?<!包含) = 含 not after 包: every branch starts with a literal, so the engine skips to 其/含/包 fast.
TRIGGER = re.compile(r"其中(?:包括|包含|含)?|含(?<!包含)(?!义|量|金|有害)|包括")
RATIO_UNITS = ("%", "个百分点")
_SCOPE_STOP = re.compile(r"[；;]")
_ADDITION = re.compile(r"另有|此外|另外|同时")
_NEW_TOTAL = re.compile(r"共|累计|总计|全年|\n")  # "；视频号共发布短视频584条" opens a new total, not an item
_OPEN = "（("
_CLOSE = "）)"


def unit_family(unit: str | None, lex: Lexicon) -> str | None:
    return lex.unit_family.get(unit) if unit else None


def _scope_end(text: str, trig: re.Match[str], sent: Span, in_bracket: bool) -> int:
    if in_bracket:
        depth = 0
        for k in range(trig.end(), sent.end):
            ch = text[k]
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                if depth == 0:
                    return k
                depth -= 1
        return sent.end
    after = text[trig.end():trig.end() + 2]
    if after[:1] in "：:" or after[:1] in "，," and text[trig.end() + 1:trig.end() + 2] in "：:":
        return sent.end
    m = _SCOPE_STOP.search(text, trig.end(), sent.end)
    return m.start() if m else sent.end


def _parallel_end(text: str, end: int, sent: Span, cands: list[Candidate], starts: list[int], lex: Lexicon,
                  parent_metric: str | None) -> int:
    """Extend a breakdown over ；-separated items that continue it ("其中咨询类14203件，占53.2%；求助类8410件…"):
    the next segment starts with a short label and a number, with no cue of another metric family."""
    fam = parent_metric.split(".", 1)[0] if parent_metric else None
    while end < sent.end and text[end] in "；;":
        k = bisect.bisect_left(starts, end + 1)
        if k >= len(starts) or starts[k] >= sent.end:
            break
        prefix = text[end + 1:cands[k].num_start]
        if len(prefix) > 24 or TRIGGER.search(prefix) or _ADDITION.search(prefix) or _NEW_TOTAL.search(prefix):
            break
        families = [{cu.name.split(".", 1)[0] for cu in lex.cues[m.group()] if cu.name and not cu.name.startswith("~")}
                    for m in lex.cue_regex.finditer(prefix)]
        if any(f and fam not in f for f in families):
            break
        m = _SCOPE_STOP.search(text, end + 1, sent.end)
        end = m.start() if m else sent.end
    return end


def link_breakdowns(text: str, cands: list[Candidate], lex: Lexicon, sent_points: list[int], lo: int, hi: int) -> None:
    """Set ``parent`` (an index into ``cands``) for children of 其中/含 breakdowns."""
    if not cands:
        return
    open_until: dict[int, int] = {}  # child index → end of the breakdown it belongs to
    starts = [c.start for c in cands]
    for trig in TRIGGER.finditer(text, lo, hi):
        at = trig.start()
        first = bisect.bisect_left(starts, at - 400)
        last = bisect.bisect_left(starts, at)
        if first == last:
            continue  # no quantity in the 400 characters before: no parent
        sent = enclosing(sent_points, at, lo, hi)
        before = [i for i in range(first, last) if cands[i].end <= at and not cands[i].is_share
                  and cands[i].value is not None and cands[i].unit not in RATIO_UNITS]
        in_sent = [i for i in before if cands[i].start >= sent.start]
        # A child whose own breakdown closed earlier is not a parent ("办结1191件(含结转189件)。其中…").
        eligible = [i for i in in_sent if cands[i].parent is None or open_until.get(i, 0) > at]
        if not eligible:
            if text[sent.start:at].strip(" \t，,、：:"):
                continue
            prev_sent = [i for i in before if (cands[i].parent is None or open_until.get(i, 0) > at)
                         and at - cands[i].end < 400]
            if not prev_sent:
                continue
            eligible = prev_sent
        parent = eligible[-1]
        between = text[cands[parent].end:trig.start()]
        in_bracket = sum(between.count(o) for o in _OPEN) > sum(between.count(c) for c in _CLOSE)
        end = _scope_end(text, trig, sent, in_bracket)
        if not in_bracket:
            end = _parallel_end(text, end, sent, cands, starts, lex, cands[parent].metric)
        fam = unit_family(cands[parent].unit, lex)
        stop = _ADDITION.search(text, trig.end(), end)  # "另有103件顺延…" is not part of the whole
        limit = stop.start() if stop else end
        for j in range(bisect.bisect_left(starts, trig.end()), bisect.bisect_left(starts, limit)):
            c = cands[j]
            if j == parent or c.is_share or c.unit in RATIO_UNITS or unit_family(c.unit, lex) != fam:
                continue
            c.parent = parent
            c.group = trig.start()
            open_until[j] = end
