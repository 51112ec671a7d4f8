"""Split the text of section 五 into statements (domain.md §3.3); roles come from ``nlp.statements.roles``.

Steps: (1) role headings and measure openers cut the span into blocks, each remembering the cue that
governs it; (2) inside a block, an ordinal enumeration (一是…二是, （一）…, 1.…, 首先…其次) gives one
statement per item, otherwise sentences and ；-clauses do, and a clause that names a problem and then
opens its measure ("…不够及时，下一步将…") is cut in two; (3) list intros and sentences with nothing
but generic phrases are dropped, but a concessive opening that carries the problem
("虽然取得了一定成效，但…仍有待提高") is kept; (4) the role model labels the units and each measure
gets a status (planned | done) from block and statement cues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.statements.cleanview import CleanView, clean_view
from nlp.text.enumerators import (
    CLOSE,
    HEADING_PREFIX,
    ITEM_STYLES,
    ITEM_WORD,
    LAST_WORD,
    OPEN,
    ORD,
    SEP,
    SEQUENCE_WORDS,
    leading_enumerator,
    ordinal_value,
)

# An item starts the text or follows a clause end (一是 also follows 、 and a closing bracket).
_AFTER_CLAUSE = r"(?:(?<=^)|(?<=[。；;：:，,\n]))\s*"
_SEQUENCE = "|".join((*SEQUENCE_WORDS, LAST_WORD))
_ITEM_STYLES: dict[str, str] = {  # style -> regex; group 1 (or 2) captures the ordinal
    "shi": r"(?:(?<=^)|(?<=[。；;：:，,\n、）)]))\s*" + ITEM_STYLES["shi"],
    "paren": _AFTER_CLAUSE + ITEM_STYLES["paren"],
    "digit": _AFTER_CLAUSE + ITEM_STYLES["digit"],
    # 第一， … or 首先，…其次，…最后，(the closing word counts no position)
    "ordinal": _AFTER_CLAUSE + rf"(?:第({ORD})[，,、]|({_SEQUENCE})[，,])",
}


@dataclass
class Statement:
    """One problem or measure. ``start:end`` index ``Report.text`` and ``text`` is exactly that slice."""

    start: int
    end: int
    text: str
    role: str  # problem | measure
    status: str | None = None  # planned | done (measures only)
    themes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    pair: list[int] = field(default_factory=list)
    role_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "role": self.role,
                "role_confidence": self.role_confidence, "status": self.status,
                "themes": list(self.themes), "scores": dict(self.scores), "pair": list(self.pair)}


@dataclass
class Unit:
    """A statement before its role is decided, with the structure the role model reads (view offsets)."""

    start: int
    end: int
    text: str  # whitespace-collapsed
    block: int  # index of the governing block
    block_role: str | None  # role named by the governing heading/opener; None before any cue
    block_kind: str  # heading | opener | none
    heading: str  # the governing heading or opener text
    item: bool  # starts an enumerated item
    merged: bool = False  # second half of a problem+measure clause
    lead: str = ""  # block text before the first unit (list intros, "下一步，我局将…")


@lru_cache(maxsize=1)
def markers() -> dict[str, Any]:
    with open(resource_path("statement_markers.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def heading_marker(role: str) -> str:
    """The regex of a problem or measure heading, with {next_item} (the enumerator of a first item right
    after a bare heading line: （一） 一、 一是 1.) filled in from the text grammar."""
    next_item = rf"(?:{OPEN}{ORD}{CLOSE}|{ORD}(?:、|{ITEM_WORD})|[1-9]{SEP})"
    return markers()[f"heading_{role}"].replace("{next_item}", next_item)


@lru_cache(maxsize=1)
def patterns() -> dict[str, re.Pattern[str]]:
    m = markers()
    head = rf"(?:(?<=^)|(?<=[。；;！？\n]))\s*{HEADING_PREFIX}\s*{m['year_prefix']}"
    problem, measure = heading_marker("problem"), heading_marker("measure")
    return {
        "heading": re.compile(
            rf"{head}(?:(?P<mixed>{m['heading_mixed']})|(?P<measure>{measure})"
            rf"|(?P<problem>{problem})){m['heading_end']}"),
        "opener": re.compile(r"(?:(?<=^)|(?<=[。；;！？\n]))(?:" + "|".join(m["measure_openers"]) + ")"),
        "clause_opener": re.compile(r"[，,](?=" + m["clause_measure_openers"] + ")"),
        "clause_frame": re.compile(m["clause_frame"]),
        "problem_cue": re.compile(m["problem_cues"]),
        "list_intro": re.compile(m["list_intro"]),
        "generic": re.compile("|".join(m["generic_sentence"])),
        "measure_verb": re.compile("^" + m["measure_verbs"]),
        "done": re.compile(m["done_cues"]),
        "planned": re.compile(m["planned_cues"]),
        "answer": re.compile(m["answer_cue"]),
        "item_tail_break": re.compile(r"(?<=[。；;！？])\s*(?=" + m["item_tail_break"] + ")"),
    }


# compiled once: these run per clause and per unit
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_PUNCT = re.compile(r"[\s。；;，,：:、！？!?]")
_PUNCT_QUOTES = re.compile(r"[\s。；;，,：:、！？!?“”\"]")
_FILLER = re.compile(r"[\s。；;，,：:、！？!?]|(?:但|但是|然而|我|局|镇|乡|街道|单位|政府|信息|公开|工作|政务|方面|在)")
_NOTHING = re.compile(r"(?:暂)?无[^。；]{0,12}")


def _ordinal(token: str) -> int:
    return ordinal_value(token) or 0


def enumeration(text: str) -> list[int]:
    """Start offsets of the items of the earliest ordinal enumeration (1, 2, 3, …) in ``text``."""
    best: list[int] = []
    for regex in _ITEM_STYLES.values():
        seq: list[int] = []
        want = 1
        for m in re.finditer(regex, text):
            token = m.group(1) or m.group(2)
            pos = _item_start(text, m.start(1) if m.group(1) else m.start(2))
            if token == LAST_WORD:
                if seq:  # "最后" closes any sequence, whatever its number
                    seq.append(pos)
                    want += 1
                continue
            if _ordinal(token) == want:
                seq.append(pos)
                want += 1
        if not seq:
            continue
        earlier = not best or seq[0] < best[0] or (seq[0] == best[0] and len(seq) > len(best))
        if earlier and (len(seq) >= 2 or not best):
            best = seq
    return best


def _item_start(text: str, pos: int) -> int:
    # back up over an opening bracket / 第 that belongs to the enumerator
    while pos > 0 and text[pos - 1] in "（(第":
        pos -= 1
    return pos


def strip_enumerator(text: str) -> str:
    """``text`` without the enumerator (一是, （一）, 1., 首先，…) that opens it."""
    e = leading_enumerator(text)
    return text[e.end:].lstrip("，,、：: \t") if e else text.lstrip()


def _sentences(text: str, base: int) -> list[tuple[int, int]]:
    """Clause spans split on 。；!? and paragraph breaks, relative offsets + base."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() - start > 0:
            spans.append((base + start, base + m.end()))
        start = m.end()
    if start < len(text):
        spans.append((base + start, base + len(text)))
    return spans


def _trim(view: CleanView, s: int, e: int) -> tuple[int, int]:
    t = view.text
    while s < e and t[s] in "\n，,、：: ":
        s += 1
    while e > s and t[e - 1] in "\n ":
        e -= 1
    return s, e


def is_content(text: str) -> bool:
    """False for fragments and for sentences that say nothing beyond generic phrases (domain.md §3.4)."""
    core = _PUNCT_QUOTES.sub("", text)
    if len(core) < 6:
        return False
    residue = patterns()["generic"].sub("", strip_enumerator(text))
    residue = _FILLER.sub("", residue)
    return len(residue) >= markers()["generic_residue_min"] or not patterns()["generic"].search(text)


def _clauses(view: CleanView, bs: int, be: int) -> list[tuple[int, int]]:
    out = []
    for s, e in _sentences(view.text[bs:be], bs):
        chunk = view.text[s:e]
        m = None
        for m in patterns()["list_intro"].finditer(chunk):
            pass
        if m:  # "仍存在一些不足，主要是：A、B等。" -> keep what follows the intro
            s = s + m.end()
        out.append((s, e))
    return out


def _split_merged(view: CleanView, s: int, e: int) -> list[tuple[int, int, bool]]:
    """Cut "problem，下一步将…measure" at the comma; (start, end, is_second_half)."""
    chunk = view.text[s:e]
    pats = patterns()
    for m in pats["clause_opener"].finditer(chunk):
        before = strip_enumerator(chunk[:m.start()])
        if len(before) >= 6 and not pats["opener"].match(before) and not pats["planned"].search(before) \
                and not pats["clause_frame"].search(before) and not pats["measure_verb"].search(before) \
                and not pats["done"].search(before):
            cut = s + m.end()
            return [(s, cut, False)] + [(a, b, True) if a == cut else (a, b, f)
                                        for a, b, f in _split_merged(view, cut, e)]
    return [(s, e, False)]


def _has_no_will_lead(chunk: str) -> bool:
    # "2024年，港湾街道将继续…做好工作。" before a numbered list is a lead-in, not a measure
    return not re.search(r"将(?:继续|进一步|切实|着力|从以下|按照)|以下|如下|为进一步|坚持问题导向", chunk)


def _restart(text: str, items: list[int]) -> int | None:
    """Where a second enumeration starts again at 一是/（一）/1. after the first one ("一是P；二是P。
    有鉴于此，一是M；二是M"): the offset of the sentence that leads into it, else None."""
    if len(items) < 2:
        return None
    tail_from = items[-1] + 2
    again = enumeration(text[tail_from:])
    if len(again) < 2:
        return None
    pos = tail_from + again[0]
    cut = max(text.rfind(c, items[-1], pos) for c in "。；;！？\n")
    return cut + 1 if cut >= items[-1] else None


def _block_units(view: CleanView, bs: int, be: int) -> tuple[list[tuple[int, int, bool, bool]], str]:
    """(start, end, starts_item, merged) spans inside one block, and the block's lead text."""
    text = view.text[bs:be]
    items = enumeration(text)
    cut = _restart(text, items)
    if cut is not None:
        first, lead = _block_units(view, bs, bs + cut)
        second, _ = _block_units(view, bs + cut, be)
        return first + second, lead
    units: list[tuple[int, int, bool]] = []
    lead = ""
    if items:
        bounds = items + [len(text)]
        for i, s in enumerate(items):
            e = bounds[i + 1]
            if i == len(items) - 1:
                # a sentence turning to a new point ("其次，已开通…。但…仍显不足") ends the last item
                turn = patterns()["item_tail_break"].search(text, s, e)
                if turn and text[turn.end():e].strip():
                    units.append((bs + s, bs + turn.start(), True))
                    units.extend((a, b, False) for a, b in _clauses(view, bs + turn.end(), bs + e))
                    continue
                # a paragraph after the last item is a tail (e.g. "目前，…已开设"), not part of the item
                para = text.find("\n", s, e - 1)
                if para != -1 and text[para + 1:e].strip():
                    units.append((bs + s, bs + para + 1, True))
                    units.extend((a, b, False) for a, b in _clauses(view, bs + para + 1, bs + e))
                    continue
            units.append((bs + s, bs + e, True))
        # a lead-in before the first item introduces the list; it is kept only if it is a clause
        # with content of its own that does not end in a colon or comma
        lead = text[:items[0]]
        for s, e in _clauses(view, bs, bs + items[0]):
            chunk = view.text[s:e].rstrip("\n")
            if chunk.endswith(("：", ":", "，", ",")) or patterns()["list_intro"].search(chunk):
                continue
            if _has_no_will_lead(chunk):
                units.append((s, e, False))
        units.sort()
    else:
        units = [(a, b, False) for a, b in _clauses(view, bs, be)]
    out = []
    for s, e, item in units:
        for k, (a, b, merged) in enumerate(_split_merged(view, s, e)):
            a, b = _trim(view, a, b)
            if b > a and is_content(view.text[a:b]):
                out.append((a, b, item and k == 0, merged))
    return out, lead


def blocks(view: CleanView) -> list[tuple[str | None, str, int, int, int]]:
    """(role, kind, heading_start, body_start, end) in view offsets; text before any cue has role None."""
    pats = patterns()
    cuts: list[tuple[int, int, str | None, str]] = []  # (heading start, body start, role, kind)
    for m in pats["heading"].finditer(view.text):
        role = None if m.group("mixed") else "measure" if m.group("measure") else "problem"
        cuts.append((m.start(), m.end(), role, "heading"))
    for m in pats["opener"].finditer(view.text):
        if not any(hs <= m.start() < he + 2 for hs, he, _, _ in cuts):
            cuts.append((m.start(), m.start(), "measure", "opener"))
    cuts.sort()
    out: list[tuple[str | None, str, int, int, int]] = []
    first = cuts[0][0] if cuts else len(view.text)
    if view.text[:first].strip():
        out.append((None, "none", 0, 0, first))
    for i, (hs, he, role, kind) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(view.text)
        if out and out[-1][0] == "measure" and kind == "opener":
            # an opener inside a measure block ("下一步，…") continues that block
            r, k, bhs, bbs, _ = out[-1]
            out[-1] = (r, k, bhs, bbs, end)
            continue
        out.append((role, kind, hs, he, end))
    return out


def split_units(text: str, start: int = 0, end: int | None = None) -> tuple[CleanView, list[Unit]]:
    """The clean view of ``text[start:end]`` and its statement units, in order."""
    view = clean_view(text, start, end)
    units: list[Unit] = []
    for b, (role, kind, hs, bs, be) in enumerate(blocks(view)):
        spans, lead = _block_units(view, bs, be)
        heading = view.text[hs:bs] if kind == "heading" else view.text[hs:hs + 12]
        for s, e, item, merged in spans:
            units.append(Unit(s, e, view.text[s:e].replace("\n", ""), b, role, kind, heading, item, merged, lead))
    if not units:
        units = _fallback_units(view)
    return view, units


def _fallback_units(view: CleanView) -> list[Unit]:
    """A section 五 with text never yields nothing: every sentence with some substance becomes a unit
    (the generic filter is what removed them; the role model still decides what they are)."""
    out = []
    for s, e in _sentences(view.text, 0):
        s, e = _trim(view, s, e)
        core = _PUNCT.sub("", view.text[s:e])
        if len(core) >= 6 and not _NOTHING.fullmatch(core):
            out.append(Unit(s, e, view.text[s:e].replace("\n", ""), 0, None, "none", "", False))
    return out


def split_statements(text: str, start: int = 0, end: int | None = None,
                     report_year: int | None = None, roles: str = "model",
                     model: Any = None) -> list[Statement]:
    """Problem and measure statements of the section-五 body ``text[start:end]``.

    ``roles="model"`` labels them with the shipped role model (``models/roles-default``);
    ``roles="markers"`` with the governing heading/opener alone (the baseline: problem before any
    cue); ``model`` replaces the shipped model (a fitted ``RoleModel``). Offsets in the result index
    ``text``; no themes are assigned here.
    """
    from nlp.statements.roles import assign_roles
    from nlp.statements.status import statuses

    view, units = split_units(text, start, end)
    labels, conf = assign_roles(units, method=roles, model=model)
    out = []
    for u, role, c, st in zip(units, labels, conf, statuses(units, labels, report_year)):
        os_, oe = view.orig_span(u.start, u.end)
        out.append(Statement(os_, oe, text[os_:oe], role, st, role_confidence=c))
    return out
