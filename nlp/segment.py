"""Segmentation: the six statutory sections and the five sub-items of 一、总体情况.

Headings are found on the normalised text (see :mod:`nlp.normalize`) and mapped back, so
every :class:`Section` holds offsets into ``Report.text``. Title variants live in
``resources/sections.yaml``. A line is a heading only when it starts with the title (after
its numbering) and carries nothing but the title, or the title followed by ：/。 and the body;
the same words inside a sentence never make a heading.
"""
from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_parse
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from nlp.component import factory, require
from nlp.model import SECTION_KEYS, Report, Section
from nlp.normalize import NormalizedText, normalize
from nlp.resources import resource_path
from nlp.segment_chain import best_chain
from nlp.text.enumerators import ordinal_class, ordinal_value
from nlp.text.headings import (
    BARE_TOP_NUMBER,
    INLINE_SUB_NUMBER,
    INLINE_TOP_NUMBER,
    PART_NUMBER,
    SUB_NUMBER,
    TOP_NUMBER,
)

_LEAD = re.compile(r"^[\s#*>|]*")
_TABLE_WORDS = re.compile(r"本年|上年|结转|办理结果|新收|不予|无法提供|其他处理|总计|\d\s*$")
_PUNCT_ONLY = re.compile(r"^[\s：:。.、*#]*$")
_MAX_HEADING = 40


@lru_cache(maxsize=1)
def _spec() -> dict[str, Any]:
    with open(resource_path("sections.yaml"), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    spec["_compiled"] = {k: [re.compile(p) for p in v["patterns"]] for k, v in spec["sections"].items()}
    # inside running text an end anchor ("^概述$") cannot hold; drop it there
    spec["_inline"] = {k: [re.compile(p.pattern.rstrip("$")) for p in v] for k, v in spec["_compiled"].items()}
    # All title patterns in one alternation (group tN = pattern N): one match rules most lines out; a
    # line that matches is searched from the first pattern that matched. No pattern may use \1 etc.
    spec["_flat"] = [(k, p) for k, v in spec["_compiled"].items() for p in v]
    spec["_any_title"] = re.compile("|".join(f"(?P<t{n}>{p.pattern})" for n, (_, p) in enumerate(spec["_flat"])))
    # Most short lines hold none of the characters some title needs: one scan for them rules those out
    # before the long alternation runs (None when a pattern needs no particular character).
    spec["_title_chars"] = _needed_chars([p for _, p in spec["_flat"]])
    spec["_unmapped"] = [re.compile(p) for p in spec.get("unmapped_patterns", [])]
    spec["_measures"] = [re.compile(p) for p in spec.get("measures_patterns", [])]
    spec["_orders"] = [{k: i for i, k in enumerate(order)} for order in spec.get("orders") or [list(spec["sections"])]]
    spec["_sub_title"] = re.compile(spec["overall_subsections"]["inline_title"])
    spec["_sub_kw"] = [(k, re.compile(p)) for k, p in spec["overall_subsections"]["keywords"]]
    return spec


def _needed_chars(patterns: list[re.Pattern[str]]) -> re.Pattern[str] | None:
    """A character class every match of any of ``patterns`` contains a character of, or None."""
    chars: set[str] = set()
    for p in patterns:
        need = None if p.flags & re.IGNORECASE else _required(sre_parse.parse(p.pattern, p.flags))
        if not need:
            return None
        chars |= need
    return re.compile("[" + re.escape("".join(sorted(chars))) + "]")


def _required(items: Any) -> frozenset[str] | None:
    """Characters one of which every match of the parsed sequence ``items`` contains (the smallest
    such set among its elements), or None when no element is sure to hold a literal character."""
    best = None
    for op, av in items:
        need = _required_one(op, av)
        if need is not None and (best is None or len(need) <= len(best)):
            best = need
    return best


def _required_one(op: Any, av: Any) -> frozenset[str] | None:
    if op is sre_c.LITERAL:
        return frozenset(chr(av))
    if op is sre_c.IN:  # a positive class of single characters
        return frozenset(chr(v) for _, v in av) if all(o is sre_c.LITERAL for o, _ in av) else None
    if op is sre_c.SUBPATTERN:
        return _required(av[-1])
    if op is sre_c.BRANCH:  # every alternative must hold one
        alts = [_required(alt) for alt in av[1]]
        return None if any(a is None for a in alts) else frozenset().union(*alts)
    if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _required(av[2])
    return None  # anchors, look-arounds, negated classes, optional parts


@dataclass
class _Heading:
    key: str | None
    number: str | None
    title: str
    line_start: int  # normalised offsets
    end: int
    score: int


def _lines(text: str):
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _heading_end(rest_start: int, rest: str, title_end: int, numbered: bool) -> int | None:
    """Where a heading whose title ends at ``title_end`` (in ``rest``) ends, or None if not a heading."""
    tail = rest[title_end:]
    if _PUNCT_ONLY.match(tail):
        return rest_start + len(rest.rstrip())
    if tail[0] in "：:。":
        return rest_start + title_end + 1
    if numbered and len(tail.strip()) <= 6 and not re.search(r"[，。；]", tail):
        return rest_start + len(rest.rstrip())
    return None


def _find_headings(norm: str) -> tuple[list[_Heading], list[_Heading]]:
    spec = _spec()
    mapped: list[_Heading] = []
    others: list[_Heading] = []
    title_chars = spec["_title_chars"]
    for start, line in _lines(norm):
        stripped = line.strip()
        if not stripped or "\t" in stripped or len(stripped) > 80:
            continue
        lead = _LEAD.match(line).end()
        body = line[lead:]
        m = TOP_NUMBER.match(body) or PART_NUMBER.match(body)
        bare = False
        if m is None:
            m, bare = BARE_TOP_NUMBER.match(body), True
        number = m.group("num") if m else None
        rest_off = lead + (m.end() if m else 0)
        rest = line[rest_off:].rstrip("*# ")
        if not rest:
            continue
        found = False
        first = spec["_any_title"].match(rest) if title_chars is None or title_chars.search(rest) else None
        for key, pat in spec["_flat"][int(first.lastgroup[1:]):] if first else ():
            tm = pat.match(rest)
            if not tm:
                continue
            end = _heading_end(start + rest_off, rest, tm.end(), number is not None)
            if end is None or (number is None and len(rest) > 30):
                continue
            expected = spec["sections"][key]["number"]
            same_number = number == expected or ordinal_value(number) == ordinal_value(expected)
            score = 1 + (number is not None) + 2 * same_number
            mapped.append(_Heading(key, number, rest[: tm.end()], start, end, score))
            found = True
            break
        if not found and number and not bare and len(rest) <= 30 and not _TABLE_WORDS.search(rest) \
                and not re.search(r"[，。；]", rest):
            title = rest.rstrip("：:。")
            key = "measures" if any(p.match(title) for p in spec["_measures"]) else None
            others.append(_Heading(key, number, title, start, start + len(line.rstrip()), 0))
    return mapped, others


# Scraped web pages lose their line breaks: headings then stand inside the running text, after
# a sentence end, a table's last number or the start of the text.
_INLINE_BOUNDARY = set("。；;：:！？!?\"”)）-—0123456789 \n\t")


def _find_inline_headings(norm: str) -> list[_Heading]:
    spec = _spec()
    found: list[_Heading] = []
    for m in INLINE_TOP_NUMBER.finditer(norm):
        rest = norm[m.end(): m.end() + 40]
        for key, patterns in spec["_inline"].items():
            tm = next((t for p in patterns if (t := p.match(rest)) is not None), None)
            if tm is None:
                continue
            end = m.end() + tm.end()
            if end < len(norm) and norm[end] in "：:。":
                end += 1
            expected = spec["sections"][key]["number"]
            after_boundary = m.start() == 0 or norm[m.start() - 1] in _INLINE_BOUNDARY
            score = 1 + after_boundary + 2 * (m.group("num") == expected)
            found.append(_Heading(key, m.group("num"), rest[: tm.end()], m.start(), end, score))
            break
    return found


_PROBLEMS_ITEM = re.compile(rf"^[\s#*]*[(]{ordinal_class(1, 2)}[)].{{0,24}}?(?:问题|不足|改进|整改)")


def _inferred_problems(norm: str, chain: list[_Heading]) -> _Heading | None:
    """Section 五 whose heading was lost (PDF-to-text conversions): its first "(一)…问题/改进" item
    after section 四 and before 六 starts it. The heading span is empty and the title says so."""
    keys = [h.key for h in chain]
    if "problems" in keys or "review_litigation" not in keys:
        return None
    lo = chain[keys.index("review_litigation")].end
    hi = chain[keys.index("other")].line_start if "other" in keys else len(norm)
    for start, line in _lines(norm[lo:hi]):
        if _PROBLEMS_ITEM.match(line):
            pos = lo + start
            return _Heading("problems", None, "(inferred: heading missing)", pos, pos, 0)
    return None


def _unmapped_boundaries(chain: list[_Heading], others: list[_Heading]) -> list[_Heading]:
    """Numbered top-level headings of older formats that fit the numbering between mapped ones."""
    spec = _spec()
    out: list[_Heading] = []
    for h in sorted(others, key=lambda g: g.line_start):
        n = ordinal_value(h.number)
        # the previous boundary may itself be an unmapped part ("九、保密审查…" then "十、…")
        prev = sorted([g for g in chain + out if g.line_start < h.line_start], key=lambda g: g.line_start)
        nxt = [g for g in chain if g.line_start > h.line_start]
        prev_n = ordinal_value(prev[-1].number) if prev else 0
        next_n = ordinal_value(nxt[0].number) if nxt else None
        fits = prev_n is not None and n == prev_n + 1 and (next_n is None or next_n > n)
        if fits or any(p.search(h.title) for p in spec["_unmapped"]):
            out.append(h)
    return out


# The statistics annex starts where its title is followed by its header (统计指标 / 指标名称) — in
# scraped pages without line breaks it has no line of its own (domain.md §1.6b).
_ANNEX_START = re.compile(
    r"(?:附(?:件|表)\d?[：:]?)?[^，。；\s]{0,20}?(?:政府信息公开|信息公开)[^，。；\s]{0,10}?统计(?:报)?表"
    r"(?=[^。；]{0,30}?(?:统计指标|指标名称|指标))"
)


def _annex_start(norm: str, chain: list[_Heading]) -> _Heading | None:
    """The annex as a boundary when no heading line announced it (only after the last section)."""
    if any(h.key == "legacy_stats" for h in chain) or not chain:
        return None
    last = max(h.end for h in chain)
    m = _ANNEX_START.search(norm, last)
    if m is None:
        return None
    # the title is cut at the last sentence end before it ("…无。附件：政府信息公开情况统计表")
    start = max(m.start(), norm.rfind("。", 0, m.end()) + 1, norm.rfind("\n", 0, m.end()) + 1)
    return _Heading("legacy_stats", None, norm[start: m.end()], start, m.end(), 0)


def _merge_measures(boundaries: list[_Heading]) -> list[_Heading]:
    """Problems and measures written as two top-level sections ("四、存在问题" then "五、下步工作计划"):
    the measures heading is no boundary, so `problems` spans both."""
    out: list[_Heading] = []
    for h in boundaries:
        if h.key == "measures" and out and out[-1].key == "problems":
            continue
        out.append(h)
    return out


def _sub_candidates(body: str) -> list[tuple[str, int, int, str, int]]:
    """(numeral, start, end of numbering, rest of line, line end) for each "(一)"-style item of 一.

    Items start lines; in text without line breaks (scraped pages) they stand inline.
    """
    cands: list[tuple[str, int, int, str, int]] = []
    if body.count("\n") < 3:
        return [(m.group("num"), m.start(), m.end(), body[m.end(): m.end() + _MAX_HEADING + 1], -1)
                for m in INLINE_SUB_NUMBER.finditer(body)]
    for start, line in _lines(body):
        lead = _LEAD.match(line).end()
        m = SUB_NUMBER.match(line[lead:])
        if m:
            cands.append((m.group("num"), start, start + lead + m.end(), line[lead + m.end():], start + len(line)))
    return cands


def _subsections(norm: NormalizedText, original: str, body_start: int, body_end: int,
                 by_position: bool = True) -> list[Section]:
    """Sub-items of 一. ``by_position``: an item whose title names no sub-key takes the key of its
    position — only in the 2019/2021 总体情况, whose five items are fixed; a pre-2019 概述 lists its own."""
    spec = _spec()
    subs: list[tuple[str, str, str, int, int]] = []
    used: set[str] = set()
    last_n = 0
    ordinal = spec["overall_subsections"]["ordinal"]
    for num, start, rest_start, rest, line_end in _sub_candidates(norm.text[body_start:body_end]):
        n = ordinal_value(num)
        if n is None or n <= last_n or n > 5:
            continue
        cut = re.search(r"[。：:]", rest)
        canonical = spec["_sub_title"].match(rest) if line_end == -1 else None
        if canonical:  # inline item with no punctuation after its title: "(一)主动公开2023年…"
            title, h_end = canonical.group(0), rest_start + canonical.end()
        elif cut and cut.start() <= _MAX_HEADING:
            title, h_end = rest[: cut.start()], rest_start + cut.end()
        elif len(rest.rstrip()) <= _MAX_HEADING and "\n" not in rest:
            title, h_end = rest.rstrip(), rest_start + len(rest.rstrip())
        else:
            comma = re.search(r"[，。；]", rest)
            stop = comma.start() if comma and comma.start() <= _MAX_HEADING else 0
            title, h_end = rest[:stop], rest_start + stop
        key = next((k for k, pat in spec["_sub_kw"] if pat.search(title) and k not in used), None)
        if key is None and by_position and ordinal[n - 1] not in used:
            key = ordinal[n - 1]
        if key is None:
            continue
        used.add(key)
        last_n = n
        subs.append((key, num, title.strip(), body_start + start, body_start + h_end))
    out = []
    for i, (key, num, title, hs, he) in enumerate(subs):
        end = subs[i + 1][3] if i + 1 < len(subs) else body_end
        out.append(_make_section(norm, original, key, num, title, hs, he, end))
    return out


def _make_section(norm: NormalizedText, original: str, key: str, number: str | None, title: str,
                  h_start: int, h_end: int, end: int) -> Section:
    """Build a Section from normalised offsets, converting them to original offsets."""
    ohs = norm.orig_offset(h_start)
    ohe = norm.orig_span(h_start, h_end)[1] if h_end > h_start else ohs
    oend = norm.orig_offset(end) if end < len(norm.text) else len(original)
    # Trailing newlines belong between sections, not to the body.
    body_end = max(ohe, oend)
    return Section(key=key, number=number, title=title, heading_start=ohs, heading_end=ohe,
                   start=ohe, end=body_end, text=original[ohe:body_end])


def segment(text: str, norm: NormalizedText | None = None) -> tuple[list[Section], list[str], list[dict]]:
    """Split a report into its statutory sections.

    Returns ``(sections, missing_keys, unmapped)``; offsets refer to ``text``. ``unmapped``
    lists the preamble and top-level headings of older formats that have no statutory key.
    """
    norm = norm or normalize(text)
    mapped, others = _find_headings(norm.text)
    chain = best_chain(mapped, _spec()["_orders"])
    if len(chain) < 3:
        inline_chain = best_chain(_find_inline_headings(norm.text), _spec()["_orders"])
        if len(inline_chain) > len(chain):
            chain, others = inline_chain, []
    elif len(chain) < len(SECTION_KEYS):
        # partly scraped pages: some headings on their own line, others glued to their text
        inline = [h for h in _find_inline_headings(norm.text)
                  if not any(g.line_start <= h.line_start < g.end for g in mapped)]
        mixed = best_chain(mapped + inline, _spec()["_orders"])
        if len(mixed) > len(chain):
            chain = mixed
    annex = _annex_start(norm.text, chain)
    if annex is not None:
        chain = chain + [annex]
    inferred = _inferred_problems(norm.text, chain)
    if inferred is not None:
        chain = sorted(chain + [inferred], key=lambda h: h.line_start)
    extra = _unmapped_boundaries(chain, others)
    boundaries = _merge_measures(sorted(chain + extra, key=lambda h: h.line_start))
    sections: list[Section] = []
    unmapped: list[dict] = []
    for i, h in enumerate(boundaries):
        end = boundaries[i + 1].line_start if i + 1 < len(boundaries) else len(norm.text)
        if h.key is None or h.key == "measures":
            s = _make_section(norm, text, "unmapped", h.number, h.title, h.line_start, h.end, end)
            unmapped.append({"number": h.number, "title": h.title, "heading_start": s.heading_start,
                             "start": s.start, "end": s.end})
            continue
        sec = _make_section(norm, text, h.key, h.number, h.title, h.line_start, h.end, end)
        if h.key == "overall":
            sec.subsections = _subsections(norm, text, h.end, end, by_position="总体情况" in h.title)
        sections.append(sec)
    if boundaries:
        first = norm.orig_offset(boundaries[0].line_start)
        if text[:first].strip():
            unmapped.insert(0, {"number": None, "title": "preamble", "heading_start": 0, "start": 0, "end": first})
    found = {s.key for s in sections}
    missing = [k for k in SECTION_KEYS if k not in found]
    return sections, missing, unmapped


class Segmenter:
    """Component "segment": ``sections``, ``missing_sections`` and ``unmapped_sections`` from ``report.norm``."""

    name = "segment"

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["norm"])
        report.sections, report.missing_sections, report.unmapped_sections = segment(report.text, report.norm)
        return report


@factory("segment", requires=["norm"], assigns=["sections", "missing_sections", "unmapped_sections"])
def make_segmenter() -> Segmenter:
    return Segmenter()
