"""Clause structure for numeric facts (issue 16): what a number counts is decided by the clause, not by the
nearest word.

Passes over the candidates of one narrative span, after :func:`nlp.facts.attach.attach` gave each its cue:

* :func:`drop_structure_counts`: counts of the report's own parts and numbered slogans ("六个部分",
  “三个转变”, 三项制度) are no facts (fact_negatives.yaml ``structures``);
* :func:`document_heads`: a cue that only modifies a document head ("政协提案复函6条") yields to the head:
  published documents are an active-disclosure breakdown item;
* :func:`family_breakdowns`: a 其中/含 item inherits its parent's family (``<family>.breakdown``) unless its
  own cue names another metric of that family (网络申请 → applications.by_channel.online);
* :func:`channel_counts`: a count published through one named channel is ``<family>.by_channel.<key>``
  (channel vocabulary in metrics.yaml);
* :func:`categories`: a breakdown item's label as written ("机构职能类", "新制定");
* :func:`coordinated_rates`: "办复率、满意率均为100%" states both rates.

Unitless zeros stated in words are found by :mod:`nlp.facts.zeros`.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from nlp.facts.attach import CLAUSE_BREAK, cue_matches, enclosing
from nlp.facts.candidates import Candidate
from nlp.facts.lexicon import Lexicon

JOINS = ("、", "和", "及", "与", "以及")  # what joins coordinated cues ("办复率、满意率")
ALL_OF = re.compile(r"[均都皆各]")  # "均为": the value holds for each coordinated cue
_QUOTES = "“”\"'‘’《》〈〉「」"
_STRUCTURE_UNITS = frozenset("个项条种")
_PUNCT = frozenset("，。；、,;：:（）()！？!? \t\n")
# The last clause break before a position (attach.CLAUSE_BREAK's characters, then none up to the end).
_LAST_BREAK = re.compile(CLAUSE_BREAK.pattern + CLAUSE_BREAK.pattern.replace("[", "[^", 1) + "*$")


def family(metric: str | None) -> str | None:
    return metric.split(".", 1)[0] if metric else None


def _words(lex: Lexicon, key: str) -> tuple[str, ...]:
    """A word list of metrics.yaml ``structure``, longest first (sorted once, when the lexicon is built)."""
    return lex.structure_words.get(key, ())


def drop_structure_counts(text: str, cands: list[Candidate], lex: Lexicon, lo: int, hi: int) -> list[Candidate]:
    """``cands`` without those inside a report-part count or a numbered slogan."""
    rx = lex.structure_counts
    if rx is None or not cands:
        return cands
    out = []
    for c in cands:
        # Every pattern holds a numeral + 个/项/大/条/种 (六部分 is no candidate: 部 before 分 is no unit)
        # or a quote: only such candidates are looked at, in a small window.
        # Every pattern starts with the numeral or with the quote before it.
        # (a unit followed by punctuation ends the phrase: "12条，" names no part or slogan)
        if c.unit in _STRUCTURE_UNITS and text[c.end:c.end + 1] not in _PUNCT and rx.match(text, c.num_start, hi) or (
                c.start > lo and text[c.start - 1] in _QUOTES and rx.match(text, c.start - 1, hi)):
            continue
        out.append(c)
    return out


def segment_start(text: str, cands: list[Candidate], i: int, lo: int) -> int:
    """Start of candidate ``i``'s own stretch of text: after the last clause break or the previous number."""
    c = cands[i]
    k = c.num_start
    start = lo
    m = _LAST_BREAK.search(text, max(lo, k - 80), k)
    if m:
        start = m.start() + 1
    prev = cands[i - 1].end if i > 0 and cands[i - 1].end <= c.start else lo
    return max(start, prev, lo)


def document_heads(text: str, cands: list[Candidate], lex: Lexicon, lo: int) -> None:
    """"公开人大代表建议和政协提案复函6条": the head 复函 is counted, the proposal cue only modifies it."""
    heads = _words(lex, "document_heads")
    closers = _words(lex, "label_closers")
    if not heads:
        return
    last_chars = frozenset(lex.structure_by_last.get("document_heads", {}))
    for i, c in enumerate(cands):
        if c.unit in ("%", "个百分点") or c.value is None:
            continue
        if last_chars.isdisjoint(text[max(lo, c.start - 3):c.start]):
            continue  # no head ends within the closers before this number (共/计/达 are at most two)
        window = text[max(lo, c.start - 9):c.start]
        if not any(h in window for h in heads):
            continue
        seg = text[segment_start(text, cands, i, lo):c.start].rstrip()
        for w in closers:
            if seg.endswith(w):
                seg = seg[: -len(w)].rstrip()
                break
        if seg.endswith(heads):
            c.metric = "active_disclosure.breakdown"
            c.coordinated = ()


def family_breakdowns(text: str, cands: list[Candidate], used: list, lex: Lexicon, lo: int,
                      labels: dict[int, tuple[int, int] | None]) -> None:
    """Items of a 其中/含 breakdown: the parent's family, as ``<family>.breakdown``, unless the item's own cue
    names another metric of that family (网络申请 → applications.by_channel.online), a relative outcome
    (~.upheld → review.upheld), or, with a specific cue, a metric of another family (其中规范性文件13件 →
    normative_docs.made, cross-checked against table 二). An item labelled as a category (…类, …类信息) is a
    breakdown item whatever its label holds."""
    suffixes = _words(lex, "category_suffixes")
    for i, c in enumerate(cands):
        if c.parent is None:
            continue
        parent = cands[c.parent]
        pm = parent.metric
        if pm is None:
            if c.metric and c.metric.startswith("~."):
                c.metric = None
            continue
        fam = family(pm)
        spec = lex.metrics.get(pm)
        breakdown = spec.breakdown if spec and spec.breakdown else f"{fam}.breakdown"
        own = c.metric
        cue = used[i] if i < len(used) else None
        if own and own.startswith("~."):
            c.metric = f"{pm.rsplit('.', 1)[0]}{own[1:]}"
        elif own is None or own == pm or own == f"{fam}.total" or _label(text, cands, i, lex, lo, labels).endswith(
                suffixes) or (
                family(own) != fam and (cue is None or cue.priority < 0 or _channel_keys(
                    text, lex, segment_start(text, cands, i, lo), c.start))):
            # (an item named by its channel, "政务公开栏公开2312条", is that channel's part of the whole)
            c.metric = breakdown
        c.coordinated = ()


class Mentions:
    """Channel mentions of the sentences that hold candidates, as :func:`nlp.facts.attach.attach` found them
    (sentence start → (starts, names, ends)): (start, end, channel name), sorted."""

    def __init__(self, by_sentence: dict[int, tuple[list[int], list[str], list[int]]]):
        found = [(s, e, n) for k in sorted(by_sentence) for s, n, e in zip(*by_sentence[k])]
        self.found = found
        self.starts = [f[0] for f in found]

    def within(self, s: int, e: int) -> list[tuple[int, int, str]]:
        found = self.found
        i = bisect_left(self.starts, s)
        out = []
        while i < len(found) and found[i][1] <= e:
            out.append(found[i])
            i += 1
        return out


def _channel_keys(text: str, lex: Lexicon, s: int, e: int, mentions: Mentions | None = None) -> list[str]:
    """Channel keys (by_channel) named in ``text[s:e]``, weak channels only when no other is named."""
    names = ([n for _, _, n in mentions.within(s, e)] if mentions is not None
             else [lex.channels[m.group()] for m in lex.channel_regex.finditer(text, s, e)])
    strong = [n for n in names if n not in lex.weak_channels]
    keys = []
    for n in strong or names:
        key = lex.by_channel.get(n)
        if key and key not in keys:
            keys.append(key)
    return keys


def channel_counts(text: str, cands: list[Candidate], lex: Lexicon, clause_points: list[int], lo: int, hi: int,
                   items: bool, mentions: Mentions) -> None:
    """A publishing count whose clause names exactly one channel is that channel's count.

    Items of a breakdown (``<family>.breakdown``) look at their own stretch of text; other counts at their
    clause up to the number, unless the clause states the unit's total (主动公开)."""
    families = set(_words(lex, "channel_families"))
    markers = _words(lex, "total_markers")
    verbs = _words(lex, "publish_verbs")
    verb_rx = lex.structure_regex.get("publish_verbs")
    for i, c in enumerate(cands):
        if (c.parent is None) == items:
            continue  # the first pass reads counts of their own, the second the items of breakdowns
        m = c.metric
        if m is None and not items and c.value is not None and c.unit in ("条", "篇", "件", "次", "期", "篇次"):
            clause = enclosing(clause_points, c.start, lo, hi)
            if verb_rx is None or not verb_rx.search(text, clause.start, c.start):
                continue
            ch = mentions.within(clause.start, c.start)
            if ch and any(v in text[ch[0][1]:c.start] for v in verbs):
                m = "active_disclosure.total"  # "在微信工作群推送惠农政策35条": a channel, then a verb of publishing
        fam = family(m)
        if fam not in families or c.unit in ("%", "个百分点"):
            continue
        is_item = c.parent is not None and m == f"{fam}.breakdown"
        generic = m in (f"{fam}.total", "newmedia.posts")
        if not (is_item if items else generic and c.parent is None):
            continue
        clause = enclosing(clause_points, c.start, lo, hi)
        seg_lo = max(clause.start, cands[i - 1].end) if i > 0 and cands[i - 1].end <= c.start else clause.start
        keys = _channel_keys(text, lex, seg_lo, c.start, mentions)  # channels before an earlier number are its own
        if len(keys) > 1 and m == "newmedia.posts" and not items and not set(keys) <= set(
                _words(lex, "newmedia_channels")):
            c.metric = "active_disclosure.total"  # "政务网站、微信、微博共发布各类信息2483条": all channels
        if len(keys) != 1:
            continue
        key = keys[0]
        if is_item:
            pm = cands[c.parent].metric
            prefix = pm if pm in _words(lex, "channel_prefix_metrics") else fam
            if key != "newmedia":
                c.metric = f"{prefix}.by_channel.{key}"
            continue
        if any(w in text[clause.start:c.start] for w in markers):
            continue  # "主动在政府网站公开信息24条" is the unit's total
        if key not in ("bulletin_board",) or c.metric is not None:
            c.metric = "newmedia.posts" if key == "newmedia" else f"active_disclosure.by_channel.{key}"


def _label_span(text: str, cands: list[Candidate], i: int, lex: Lexicon, lo: int) -> tuple[int, int] | None:
    """Where candidate ``i``'s label stands: its stretch of text without openers (其中, 通过), the verb of
    publishing before it (or after it: "解读类信息发布21条") and closers (共, 达)."""
    c = cands[i]
    s, e = segment_start(text, cands, i, lo), c.start
    seg = text[s:e]
    verbs = _words(lex, "publish_verbs")
    closers = _words(lex, "label_closers")
    # Verbs inside a channel name (发布会, 公开栏) are no verbs.
    nouns = None
    cut = cut_len = 0
    for v in verbs:
        k = seg.find(v)
        if k >= 0 and nouns is None:
            nouns = [(m.start(), m.end()) for m in lex.channel_regex.finditer(seg)]
        while k >= 0:
            if not any(a <= k and k + len(v) <= b and b - a > len(v) for a, b in nouns) and k + len(v) > cut:
                cut, cut_len = k + len(v), len(v)
            k = seg.find(v, k + 1)
    if cut:
        rest = seg[cut:].strip(" \t\n，,、：:")
        if rest.strip("".join(closers)):
            s += cut
        else:
            e = s + cut - cut_len
    openers = lex.structure_by_first.get("item_openers", {})
    closing = lex.structure_by_last.get("label_closers", {})
    changed = True
    while changed and s < e:
        changed = False
        while s < e and text[s] in " \t\n，,、：:":
            s, changed = s + 1, True
        while s < e and text[e - 1] in " \t\n，,、：:":
            e, changed = e - 1, True
        if s >= e:
            break
        for w in openers.get(text[s], ()):
            if text.startswith(w, s, e) and e - s > len(w):
                s, changed = s + len(w), True
                break
        for w in closing.get(text[e - 1], ()) if s < e else ():
            if text.endswith(w, s, e) and e - s > len(w):
                e, changed = e - len(w), True
                break
    return (s, e) if s < e else None


def _label(text: str, cands: list[Candidate], i: int, lex: Lexicon, lo: int,
           labels: dict[int, tuple[int, int] | None]) -> str:
    """Candidate ``i``'s label ("" when none); ``labels`` memoises the spans for :func:`categories`."""
    if i not in labels:
        labels[i] = _label_span(text, cands, i, lex, lo)
    span = labels[i]
    return text[span[0]:span[1]] if span else ""


def categories(text: str, cands: list[Candidate], lex: Lexicon, lo: int,
               labels: dict[int, tuple[int, int] | None]) -> list[tuple[int, int] | None]:
    """Where the label of each breakdown item stands (None for other facts); the caller reads it from the
    original text, so the category is the label as written."""
    out: list[tuple[int, int] | None] = []
    for i, c in enumerate(cands):
        m = c.metric or ""
        if m.endswith((".breakdown", ".by_channel.column")):
            if i not in labels:
                labels[i] = _label_span(text, cands, i, lex, lo)
            out.append(labels[i])
        else:
            out.append(None)
    return out


_RESPECTIVE = re.compile(r"分别(?:为|是|达|有|发布|公开|推送|办理|收到|受理)?")
_LIST_SPLIT = re.compile(r"、|和|及|与|以及")
_BETWEEN_VALUES = re.compile(r"^[\s、，,和及与为]*$")


def respective_values(text: str, cands: list[Candidate], lex: Lexicon, sent_points: list[int], clause_points: list[int],
                      lo: int, hi: int) -> None:
    """"门户网站、微信公众号和政务微博分别发布信息120条、85条和36条": the k-th value belongs to the k-th item
    listed before 分别 (its channel, else its cue)."""
    starts = [c.start for c in cands]
    for m in _RESPECTIVE.finditer(text, lo, hi):
        sent = enclosing(sent_points, m.start(), lo, hi)
        k = bisect_right(starts, m.end() - 1)
        values = []
        while k < len(cands) and cands[k].start < sent.end:
            prev_end = values[-1].end if values else m.end()
            gap = text[prev_end:cands[k].start]
            if values and not _BETWEEN_VALUES.match(gap) or not values and len(gap) > 12:
                break
            values.append(cands[k])
            k += 1
        if len(values) < 2:
            continue
        clause = enclosing(clause_points, m.start(), lo, hi)
        items = [x for x in _LIST_SPLIT.split(text[clause.start:m.start()]) if x.strip()]
        if len(items) != len(values):
            continue
        sentence = text[sent.start:sent.end]
        for item, c in zip(items, values):
            keys = [lex.by_channel.get(lex.channels[x.group()]) for x in lex.channel_regex.finditer(item)]
            keys = [x for x in keys if x]
            if keys:
                c.metric = "newmedia.posts" if keys[-1] == "newmedia" else f"active_disclosure.by_channel.{keys[-1]}"
                continue
            names = [cu.name for x in cue_matches(lex.cue_regex, item, 0, len(item)) for cu in lex.cues[x.phrase]
                     if cu.name and not cu.name.startswith("~.") and cu.accepts(c.unit, sentence)]
            if names:
                c.metric = names[-1]
            c.coordinated = ()


def coordinated_rates(text: str, cands: list[Candidate], lex: Lexicon, sent_points: list[int], clause_points: list[int],
                      lo: int, hi: int) -> None:
    """"办复率、满意率均为100%": a rate preceded by a 、/和-joined list of rate cues and 均/都 states each."""
    for c in cands:
        if c.unit != "%" or not c.metric or c.is_share:
            continue
        clause = enclosing(clause_points, c.start, lo, hi)
        found = cue_matches(lex.rate_regex, text, clause.start, c.start)
        if len(found) < 2 or not ALL_OF.search(text, found[-1].end, c.start):
            continue
        sentence = text[enclosing(sent_points, c.start, lo, hi).start:clause.end]
        names = []
        for k, m in enumerate(found):
            if k and text[found[k - 1].end:m.start].strip() not in JOINS:
                names = []
            rate = next((r for r in lex.rates[m.phrase] if r.accepts(None, sentence)), None)
            if rate and rate.name not in names:
                names.append(rate.name)
        if len(names) > 1:
            c.coordinated = tuple(names)
