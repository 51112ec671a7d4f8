"""Split the text of section 五 into problem and measure statements (domain.md §3.3).

Steps: (1) role headings and measure openers cut the span into problem / measure blocks;
(2) inside a block, an ordinal enumeration (一是…二是, （一）…, 1.…) gives one statement per item;
without one, sentences and clauses (。；) do; (3) list intros and generic sentences are dropped;
(4) each measure gets a status (planned | done) from block and statement cues.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.statements.cleanview import CleanView, clean_view
from nlp.text.enumerators import HEADING_PREFIX, ITEM_STYLES, ordinal_value

# An item starts the text or follows a clause end (一是 also follows 、 and a closing bracket).
_AFTER_CLAUSE = r"(?:(?<=^)|(?<=[。；;：:，,\n]))\s*"
_ITEM_STYLES: dict[str, str] = {  # style -> regex; group 1 (or 2) captures the ordinal
    "shi": r"(?:(?<=^)|(?<=[。；;：:，,\n、）)]))\s*" + ITEM_STYLES["shi"],
    "paren": _AFTER_CLAUSE + ITEM_STYLES["paren"],
    "digit": _AFTER_CLAUSE + ITEM_STYLES["digit"],
    "ordinal": _AFTER_CLAUSE + ITEM_STYLES["sequence"],
}


@dataclass
class Statement:
    """One problem or measure. ``start:end`` index ``Report.text``; ``text`` is whitespace-collapsed."""

    start: int
    end: int
    text: str
    role: str  # problem | measure
    status: str | None = None  # planned | done (measures only)
    themes: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    pair: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "role": self.role,
                "status": self.status, "themes": list(self.themes),
                "scores": dict(self.scores), "pair": list(self.pair)}


@lru_cache(maxsize=1)
def markers() -> dict[str, Any]:
    with open(resource_path("statement_markers.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    m = markers()
    head = rf"(?:(?<=^)|(?<=[。；;！？\n]))\s*{HEADING_PREFIX}\s*{m['year_prefix']}"
    return {
        "heading": re.compile(
            rf"{head}(?:(?P<measure>{m['heading_measure']})|(?P<problem>{m['heading_problem']})){m['heading_end']}"),
        "opener": re.compile(r"(?:(?<=^)|(?<=[。；;！？\n]))(?:" + "|".join(m["measure_openers"]) + ")"),
        "list_intro": re.compile(m["list_intro"]),
        "generic": re.compile("|".join(m["generic_sentence"])),
        "done": re.compile(m["done_cues"]),
        "planned": re.compile(m["planned_cues"]),
    }


def enumeration(text: str) -> list[int]:
    """Start offsets of the items of the earliest ordinal enumeration (1, 2, 3, …) in ``text``."""
    best: list[int] = []
    for regex in _ITEM_STYLES.values():
        hits = [(m.start(1) if m.group(1) else m.start(2), ordinal_value(m.group(1) or m.group(2)) or 0)
                for m in re.finditer(regex, text)]
        # item start = the enumerator itself (skip the lookbehind whitespace)
        hits = [(_item_start(text, pos), n) for pos, n in hits]
        seq: list[int] = []
        want = 1
        for pos, n in hits:
            if n == want:
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


def _sentences(text: str, base: int) -> list[tuple[int, int]]:
    """Clause spans split on 。；!? and paragraph breaks, relative offsets + base."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(r"[。；;！？!?\n]", text):
        if m.end() - start > 0:
            spans.append((base + start, base + m.end()))
        start = m.end()
    if start < len(text):
        spans.append((base + start, base + len(text)))
    return spans


def _trim(view: CleanView, s: int, e: int) -> tuple[int, int]:
    t = view.text
    while s < e and t[s] in "\n，,、：:":
        s += 1
    while e > s and t[e - 1] in "\n":
        e -= 1
    return s, e


def _is_content(text: str) -> bool:
    """False for list intros, generic sentences and fragments with no object (domain.md §3.4)."""
    core = re.sub(r"[\s。；;，,：:、！？!?]", "", text)
    if len(core) < 6:
        return False
    pats = _patterns()
    return not (pats["generic"].search(text) and len(core) < 60)


def _block_units(view: CleanView, bs: int, be: int) -> list[tuple[int, int]]:
    """Statement spans (view offsets) inside one role block."""
    text = view.text[bs:be]
    items = enumeration(text)
    units: list[tuple[int, int]] = []
    if items:
        bounds = items + [len(text)]
        for i, s in enumerate(items):
            e = bounds[i + 1]
            if i == len(items) - 1:
                # a paragraph after the last item is a tail (e.g. "目前，…已开设"), not part of the item
                para = text.find("\n", s, e - 1)
                if para != -1 and text[para + 1:e].strip():
                    units.append((bs + s, bs + para + 1))
                    units.extend(_clauses(view, bs + para + 1, bs + e))
                    continue
            units.append((bs + s, bs + e))
        # a lead-in before the first item introduces the list; it is kept only if it is a clause
        # with content of its own that does not end in a colon or comma
        lead = text[:items[0]]
        for s, e in _clauses(view, bs, bs + items[0]):
            chunk = view.text[s:e].rstrip("\n")
            if chunk.endswith(("：", ":", "，", ",")) or _patterns()["list_intro"].search(chunk):
                continue
            if lead and not _patterns()["generic"].search(chunk) and _has_no_will_lead(chunk):
                units.insert(0, (s, e))
        units.sort()
    else:
        units = _clauses(view, bs, be)
    out = []
    for s, e in units:
        s, e = _trim(view, s, e)
        if e > s and _is_content(view.text[s:e]):
            out.append((s, e))
    return out


def _has_no_will_lead(chunk: str) -> bool:
    # "2024年，港湾街道将继续…做好工作。" before a numbered list is a lead-in, not a measure
    return not re.search(r"将(?:继续|进一步|切实|着力|从以下)|以下|如下|为进一步|坚持问题导向", chunk)


def _clauses(view: CleanView, bs: int, be: int) -> list[tuple[int, int]]:
    out = []
    for s, e in _sentences(view.text[bs:be], bs):
        chunk = view.text[s:e]
        m = _patterns()["list_intro"].search(chunk)
        if m:  # "仍存在一些不足，主要是：A、B等。" -> keep what follows the intro
            s = s + m.end()
        out.append((s, e))
    return out


def _blocks(view: CleanView) -> list[tuple[str, int, int, int]]:
    """(role, heading_start, body_start, end) blocks in view offsets; text before any marker is a problem block."""
    pats = _patterns()
    cuts: list[tuple[int, int, str]] = []  # (heading start, body start, role)
    for m in pats["heading"].finditer(view.text):
        role = "measure" if m.group("measure") else "problem"
        cuts.append((m.start(), m.end(), role))
    for m in pats["opener"].finditer(view.text):
        if not any(hs <= m.start() < he + 2 for hs, he, _ in cuts):
            cuts.append((m.start(), m.start(), "measure"))
    cuts.sort()
    blocks: list[tuple[str, int, int, int]] = []
    first = cuts[0][0] if cuts else len(view.text)
    if view.text[:first].strip():
        blocks.append(("problem", 0, 0, first))
    for i, (hs, he, role) in enumerate(cuts):
        end = cuts[i + 1][0] if i + 1 < len(cuts) else len(view.text)
        if blocks and blocks[-1][0] == role and hs == he and role == "measure":
            # an opener inside a measure block ("下一步，…") continues that block
            r, bhs, bbs, _ = blocks[-1]
            blocks[-1] = (r, bhs, bbs, end)
            continue
        blocks.append((role, hs, he, end))
    return blocks


def _status(block_text: str, unit_texts: list[str], heading: str, report_year: int | None) -> list[str]:
    pats = _patterns()
    per = []
    for t in unit_texts:
        if pats["done"].search(t):
            per.append("done")
        elif pats["planned"].search(t):
            per.append("planned")
        else:
            per.append("")
    lead = block_text
    block = ""
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", heading)]
    if "改进情况" in heading and "问题" in heading:
        block = "done"  # "（一）2024年工作中存在问题的改进情况": last year's problems, already rectified
    elif report_year and years and max(years) > report_year or pats["planned"].search(heading + lead):
        block = "planned"
    elif pats["done"].search(heading + lead):
        block = "done"
    elif report_year and f"{report_year}年" in lead:
        block = "done"  # "2023年我局加大…力度，一是…" in the 2023 report: work of the report year
    if not block:
        marked = {p for p in per if p}
        block = "done" if marked == {"done"} else "planned"
    return [p or block for p in per]


def split_statements(text: str, start: int = 0, end: int | None = None,
                     report_year: int | None = None) -> list[Statement]:
    """Problem and measure statements of the section-五 body ``text[start:end]``.

    Offsets in the result index ``text``; no themes are assigned here.
    """
    view = clean_view(text, start, end)
    out: list[Statement] = []
    for role, hs, bs, be in _blocks(view):
        units = _block_units(view, bs, be)
        if not units:
            continue
        texts = [view.text[s:e].replace("\n", "") for s, e in units]
        statuses = _status(_lead_text(view, bs, units[0][0]), texts, view.text[hs:bs], report_year) \
            if role == "measure" else [None] * len(units)
        for (s, e), t, st in zip(units, texts, statuses):
            os_, oe = view.orig_span(s, e)
            out.append(Statement(os_, oe, t, role, st))
    return out


def _lead_text(view: CleanView, bs: int, first_unit: int) -> str:
    return view.text[bs:first_unit]
