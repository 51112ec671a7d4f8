"""The pre-2019 statistics annex (政府信息公开情况统计表, 国办发〔2014〕32号, and older local tables).

The annex is a list of indicators, one per row: label, unit (计量单位), value; some tables add a
序号 column before the label, a 代码 column after the unit, or two value columns (本期实际 / 本年累计).
Rows are found by their labels (``resources/tables/legacy_stats.yaml``), never by counting numbers:
the text between one label and the next holds that row's unit and value. This works the same on
tab rows, one cell per line, labels broken across lines, Markdown pipes and whitespace-free
scraped text ("…主动公开政府信息数条120其中…"), because labels are matched on a view of the text
where every whitespace run is one space, and glued enumerators ("1202.传真申请数") are cut with
the enumerator the schema gives for the next row. A cell that cannot be decided is null with
``ambiguous`` set and its raw text kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.text.enumerators import CLOSE, OPEN, ORD, SEP, printed_enumerator
from nlp.text.trie import trie_pattern
from nlp.text.width import nfkc, nfkc_report

_SPACE = re.compile(r"[\s|\u3000]+")
_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_PLACEHOLDER = re.compile(r"[/／—–\-－―\\]+")
_OPEN, _CLOSE = "(（", ")）"
# An enumerator standing alone before a label ("2." "（三）" "其中："), from the text grammar's pieces.
_ENUM_TAIL = re.compile(
    rf"(?:^|(?<=[\s\d]))(?:其中[:：]?\s?)?(?:\d{{1,2}}{SEP}|{OPEN}\d{{1,2}}{CLOSE}|{ORD}{{1,2}}{SEP}"
    rf"|{OPEN}{ORD}{{1,2}}{CLOSE})?\s?(?:其中[:：]?)?\s?$"
)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The legacy schema (resources/tables/legacy_stats.yaml) with compiled label patterns."""
    with open(resource_path("tables/legacy_stats.yaml"), encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    for ind in spec["indicators"]:  # YAML reads yes/no as booleans
        c = ind.get("comparable")
        ind["comparable"] = {True: "yes", False: "no"}.get(c, c) if isinstance(c, bool) else c
    spec["by_key"] = {ind["key"]: ind for ind in spec["indicators"]}
    aliases: dict[str, list[str]] = {}
    for ind in spec["indicators"]:
        for alias in ind["aliases"]:
            aliases.setdefault(nfkc(alias), []).append(ind["key"])
    # longest label first: 不同意公开答复数 claims its text before 同意公开答复数 can
    spec["_labels"] = [(alias, keys, _label_pattern(alias)) for alias, keys in
                       sorted(aliases.items(), key=lambda kv: (-len(re.sub(r'["“”]', "", kv[0])), kv[0]))]
    spec["_units"] = sorted(spec["units"], key=len, reverse=True)
    # the first unit printed at a position, longest first (alternatives are tried in order)
    spec["_unit_pattern"] = re.compile("|".join(map(re.escape, spec["_units"])))
    return spec


def _label_pattern(alias: str) -> re.Pattern:
    parts = []
    for ch in alias:
        if ch in "“”\"":
            parts.append('["“”]?')
        elif ch in "、，,":
            parts.append("[、，,]?")
        else:
            parts.append(re.escape(ch))
    # a label may be broken over lines: one space allowed between its characters
    return re.compile(" ?".join(parts))


def _view(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Width-normalised text with every whitespace/pipe run as one space, and the offset of each
    view character in ``text``."""
    src = nfkc_report(text)[start:end]
    out: list[str] = []
    offs: list[int] = []
    pos = 0
    for m in _SPACE.finditer(src):
        out.append(src[pos: m.start()])
        offs.extend(range(start + pos, start + m.start()))
        out.append(" ")
        offs.append(start + m.start())
        pos = m.end()
    out.append(src[pos:])
    offs.extend(range(start + pos, start + len(src)))
    return "".join(out), offs


@dataclass
class _Hit:
    alias: str
    keys: list[str]
    start: int  # view offsets
    end: int
    key: str | None = None


def _hits(view: str) -> list[_Hit]:
    claimed = bytearray(len(view))
    hits: list[_Hit] = []
    for alias, keys, pat in schema()["_labels"]:
        for m in pat.finditer(view):
            if any(claimed[m.start(): m.end()]):
                continue
            claimed[m.start(): m.end()] = b"\x01" * (m.end() - m.start())
            hits.append(_Hit(alias, keys, m.start(), m.end()))
    return sorted(hits, key=lambda h: h.start)


def _cluster(hits: list[_Hit]) -> list[_Hit]:
    """The run of labels close to each other holding the most distinct indicators (the annex)."""
    spec = schema()
    best: list[_Hit] = []
    run: list[_Hit] = []
    for h in hits + [None]:  # type: ignore[list-item]
        if h is not None and (not run or h.start - run[-1].end <= spec["max_gap"]):
            run.append(h)
            continue
        if len({a for r in run for a in r.keys}) > len({a for r in best for a in r.keys}):
            best = run
        run = [h] if h is not None else []
    return best


def _assign_keys(hits: list[_Hit]) -> list[_Hit]:
    """Give each label its indicator; a label shared by two (被依法纠错数) goes to the one whose
    `after` indicator came last. The first occurrence of an indicator wins."""
    by_key = schema()["by_key"]
    seen: set[str] = set()
    last: dict[str, int] = {}
    out = []
    for i, h in enumerate(hits):
        if len(h.keys) == 1:
            key = h.keys[0]
        else:
            anchored = [k for k in h.keys if by_key[k].get("after") in last]
            key = max(anchored, key=lambda k: last[by_key[k]["after"]]) if anchored else None
        if key is None or key in seen:
            continue
        seen.add(key)
        last[key] = i
        h.key = key
        out.append(h)
    return out


@lru_cache(maxsize=64)
def _enum_tail(enum: str) -> re.Pattern[str]:
    """The enumerator ``enum`` printed at the end of a row's region (before the next label)."""
    return re.compile(rf"(?:其中[:：]?\s?)?(?:{printed_enumerator(enum)}|{OPEN}\s*{re.escape(enum)}\s*{CLOSE})\s?$")


def _cut_enumerator(region: str, next_key: str | None) -> str:
    """Remove the enumerator printed before the next label from the end of this row's region."""
    enum = schema()["by_key"][next_key].get("enum") if next_key else None
    if enum:
        m = _enum_tail(enum).search(region)
        if m:
            return region[: m.start()]
    m = _ENUM_TAIL.search(region)
    return region[: m.start()] if m else region


def _tokens(region: str) -> tuple[str | None, list[tuple[str, int, int]]]:
    """(unit, [(number or placeholder, start, end)]) read from the start of a row's region; stops
    at the first other text (a block heading, a note, the next table)."""
    units = schema()["_unit_pattern"]
    unit = None
    toks: list[tuple[str, int, int]] = []
    i = 0
    while i < len(region):
        ch = region[i]
        if ch in " :：":
            i += 1
            continue
        if ch in _OPEN:
            close = min((j for j in (region.find(c, i) for c in _CLOSE) if j > i), default=-1)
            if close < 0:
                break
            i = close + 1
            continue
        if unit is None and not toks:
            u = units.match(region, i)
            if u is not None:
                unit, i = u.group(), u.end()
                continue
        m = _NUMBER.match(region, i) or _PLACEHOLDER.match(region, i)
        if m is None:
            break
        toks.append((m.group(0), m.start(), m.end()))
        i = m.end()
    return unit, toks


def _value(raw: str) -> int | float | None:
    if not _NUMBER.fullmatch(raw):
        return None
    v = float(raw.replace(",", ""))
    return int(v) if v.is_integer() and "." not in raw else v


def _may_hold_annex(text: str, start: int = 0, end: int | None = None) -> bool:
    """Cheap pre-check: enough distinct labels appear at all in ``text[start:end]`` (most reports
    have no annex). The folded text is the whole report's, folded once (nfkc keeps offsets)."""
    # _SPACE removes whitespace (as str.split sees it: the same class as \s) and pipes; split and
    # join build the same string with fewer pieces than a substitution.
    flat = "".join(nfkc_report(text)[start:end].split()).replace("|", "")
    need = schema()["min_indicators"]
    pattern, keys_at = _alias_index()
    found: set[str] = set()
    m = pattern.search(flat)
    while m is not None:  # every position where a label starts (one search, not one per label)
        found.update(keys_at[m.group()])
        if len(found) >= need:
            return True
        m = pattern.search(flat, m.start() + 1)
    return False


@lru_cache(maxsize=1)
def _alias_index() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """(pattern, keys): the pattern matches the longest label (its straight quotes dropped, as the
    pre-check looks for it) starting at a position; ``keys[label]`` are the indicators of every label
    starting there too, i.e. of the labels that are prefixes of it. A label occurs in a text exactly
    when it is a prefix of the longest label at one of its positions."""
    keys_of: dict[str, set[str]] = {}
    for alias, keys, _ in schema()["_labels"]:
        keys_of.setdefault(alias.replace('"', ""), set()).update(keys)
    keys_at = {a: frozenset(k for b, ks in keys_of.items() if a.startswith(b) for k in ks) for a in keys_of}
    return re.compile(trie_pattern(list(keys_of))), keys_at


def _header(view: str, start: int) -> dict[str, bool]:
    head = view[max(0, start - 240): start]
    return {"code": "代码" in head, "seq": "序号" in head, "cumulative": "本年累计" in head}


def parse_legacy_stats(text: str, start: int = 0, end: int | None = None) -> dict[str, Any] | None:
    """Parse the statistics annex in ``text[start:end]``; None when there is none.

    Returns {"format": "legacy", "schema": "gbf2014_32" | "local", "cells": {key: value},
    "units": {key: unit}, "provenance": {key: {raw, start, end, ambiguous, unit, label,
    label_start, label_end}}, "span": (start, end)} with offsets into ``text``.
    """
    end = len(text) if end is None else end
    if not _may_hold_annex(text, start, end):
        return None
    view, offs = _view(text, start, end)
    hits = _assign_keys(_cluster(_hits(view)))
    spec = schema()
    if len(hits) < spec["min_indicators"]:
        return None
    head = _header(view, hits[0].start)
    cells: dict[str, Any] = {}
    units: dict[str, str] = {}
    prov: dict[str, Any] = {}
    span_end = hits[-1].end
    for i, h in enumerate(hits):
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        region = view[h.end: nxt.start if nxt else min(len(view), h.end + 80)]
        if nxt is not None:
            region = _cut_enumerator(region, nxt.key)
        unit, toks = _tokens(region)
        nums = [t for t in toks if _NUMBER.fullmatch(t[0])]
        ambiguous = False
        if head["code"] and len(nums) >= 2:
            nums = nums[1:]  # the 代码 column comes before the values
        if head["seq"] and nxt is not None:
            # the next row's 序号 ends this region; glued to the value it cannot be told apart
            ambiguous = len(nums) < 2 and bool(nums)
            nums = nums[:-1]
        if ambiguous:
            chosen = None
        elif len(nums) == 1:
            chosen = nums[0]
        elif len(nums) > 1:
            values = {_value(n[0]) for n in nums}
            chosen = nums[-1] if head["cumulative"] or len(values) == 1 else None
            ambiguous = chosen is None
        else:
            chosen = None
        placeholder = next((t for t in toks if not _NUMBER.fullmatch(t[0])), None) if not nums else None
        raw_tok = chosen or placeholder or (nums[0] if nums else None)
        value = _value(chosen[0]) if chosen else None
        o_start = offs[h.end + raw_tok[1]] if raw_tok else None
        o_end = offs[h.end + raw_tok[2] - 1] + 1 if raw_tok else None
        if raw_tok:
            span_end = max(span_end, h.end + raw_tok[2])
        unit = unit or spec["by_key"][h.key]["unit"]
        cells[h.key] = value
        units[h.key] = unit
        prov[h.key] = {"raw": raw_tok[0] if raw_tok else None, "start": o_start, "end": o_end,
                       "ambiguous": ambiguous, "unit": unit, "label": text[offs[h.start]: offs[h.end - 1] + 1],
                       "label_start": offs[h.start], "label_end": offs[h.end - 1] + 1}
    national = {k for k in cells if k.startswith(("channel.", "response.", "replies.already_public", "org.reading",
                                                  "applications.completed", "active.normative_docs_issued"))}
    return {"format": "legacy", "schema": "gbf2014_32" if national else "local",
            "cells": cells, "units": units, "provenance": prov,
            "span": (offs[hits[0].start], offs[min(span_end, len(offs)) - 1] + 1)}


def counterparts() -> dict[str, dict[str, Any]]:
    """key -> {name, unit, metric, counterpart, comparable} for every legacy indicator."""
    return {k: {f: ind.get(f) for f in ("name", "unit", "metric", "counterpart", "comparable")}
            for k, ind in schema()["by_key"].items()}
