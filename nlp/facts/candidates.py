"""Candidate quantities: a regex finds "number (+ multiplier, 余/多) + unit" spans fast; the negative
lexicon (years, 第X条, 〔2021〕30号, 12345热线, 20个工作日 …) masks what must never be a fact."""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from nlp.facts.lexicon import Lexicon
from nlp.facts.numerals import parse_number

_AR = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_CN = r"[零〇一二两三四五六七八九十百千万亿]+"
_PRE = r"约|近|超过|超|逾|不足|不到|将近|接近|大约|上|突破|破|多达|高达"
_POST = r"左右|以上|以下|以内|之多|余|多|上下"

QUALIFIER_OF = {
    "约": "approx", "大约": "approx", "左右": "approx", "上下": "approx",
    "近": "upper_bound", "将近": "upper_bound", "接近": "upper_bound", "不足": "upper_bound", "不到": "upper_bound",
    "超过": "lower_bound", "超": "lower_bound", "逾": "lower_bound", "以上": "lower_bound", "余": "lower_bound",
    "多": "lower_bound", "上": "lower_bound", "突破": "lower_bound", "破": "lower_bound", "之多": "exact",
    "多达": "exact", "高达": "exact",
}


@dataclass
class Candidate:
    """A number span with its unit, in the working (normalised) text."""

    start: int  # span incl. qualifier words and unit
    end: int
    num_start: int
    num_end: int
    value: int | float | None
    value_min: int | float | None
    value_max: int | float | None
    qualifier: str
    unit: str | None
    metric: str | None = None
    channel: str | None = None
    scope: str = "annual"
    parent: int | None = None
    is_share: bool = False
    coordinated: tuple[str, ...] = ()
    share_of: "Candidate | None" = None
    group: int | None = None  # working-text offset of the 其中/含 word of the breakdown this child belongs to


@lru_cache(maxsize=8)
def candidate_regex(units_pattern: str) -> re.Pattern[str]:
    num = rf"(?:{_AR}|{_CN})"
    return re.compile(
        rf"(?P<pre>{_PRE})?[ \t]*(?P<indef>数|几|若干)?(?P<num>{num})"
        rf"(?:[ \t]*(?P<sep>[-—–~～至到])[ \t]*(?P<num2>{num}))?"
        rf"[ \t]*(?P<mult>千万|百万|十万|万亿|万|亿)?[ \t]*(?P<approx>余|多)?"
        rf"(?:[ \t]*\n?[ \t]*(?P<unit>{units_pattern}|成(?![为员立果绩效本功])))?(?P<post>{_POST})?"
    )


_PER_UNIT = re.compile(r"每[件条次个人项份页]$")
_CONDITION = re.compile(r"(?:[（(][^）)\n]{0,10}[）)]|[）)])?的(?:[，,]|部分)")
_QUANTITY_NOUN = re.compile(r"(?:数|量)(?:为|达|是|约)?[ \t]*$")
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_CN}|{_AR})")


def masked_spans(text: str, lex: Lexicon) -> list[tuple[int, int]]:
    """Sorted, merged spans that no fact may overlap."""
    spans = [m.span() for m in lex.negative_names.finditer(text)]
    for pattern in lex.negative_patterns.values():
        spans.extend(m.span() for m in pattern.finditer(text) if m.end() > m.start())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def overlaps(spans: list[tuple[int, int]], starts: list[int], s: int, e: int) -> bool:
    i = bisect_right(starts, s) - 1
    for j in (i, i + 1):
        if 0 <= j < len(spans) and spans[j][0] < e and s < spans[j][1]:
            return True
    return False


def _blocked_unit(text: str, end: int, unit: str, lex: Lexicon) -> bool:
    return any(text.startswith(b, end) for b in lex.unit_blockers.get(unit, ()))


def find_candidates(text: str, lo: int, hi: int, lex: Lexicon, mask: list[tuple[int, int]]) -> list[Candidate]:
    """Quantities in ``text[lo:hi]`` that survive the negative rules."""
    starts = [s for s, _ in mask]
    out: list[Candidate] = []
    rx = candidate_regex(lex.units_pattern)
    pos = lo
    while True:
        m = rx.search(text, pos, hi)
        if not m:
            break
        pos = m.end() if m.end() > m.start() else m.start() + 1
        cand = _candidate(text, m, lex, mask, starts)
        if cand is not None:
            out.append(cand)
        elif m.group("pre") and m.start("num") > m.start():
            pos = m.start("num")  # "近年来" swallowed a qualifier; retry just after it
    for m in _PERCENT_WORDS.finditer(text, lo, hi):
        value = parse_number(m.group("num"))
        if value is not None and not overlaps(mask, starts, m.start(), m.end()):
            out.append(Candidate(m.start(), m.end(), m.start("num"), m.end("num"), value, value, value, "exact", "%"))
    out.sort(key=lambda c: c.start)
    return out


def _candidate(text: str, m: re.Match[str], lex: Lexicon, mask, starts) -> Candidate | None:
    num = m.group("num")
    unit = m.group("unit")
    mult, approx, pre, post, indef = (m.group(k) for k in ("mult", "approx", "pre", "post", "indef"))
    ns, ne = m.start("num"), m.end("num")
    arabic = num[0].isdigit()
    if indef and arabic:  # "信息数147条": 数 ends a noun here, it is not 数十
        indef = None
    if not arabic and len(num) == 1 and num in "万亿千百十" and not unit:
        return None
    # Context to the left: ordinals (第三项), rates (每件), part of a longer token (V1.0, 2024-0002).
    left = text[max(0, ns - 2):ns].rstrip(" \t")
    if left.endswith(("第", "每", "满", "前", "/", "-", ".", "—", "－", "#", "No")) or _PER_UNIT.search(left) or (left and left[-1].isascii() and left[-1].isalnum()):
        return None
    if ns < len(text) and m.end() < len(text) and text[m.end():m.end() + 1].isdigit():
        return None
    if overlaps(mask, starts, ns, m.end("num2") if m.group("num2") else ne):
        return None
    if unit == "成":
        if not (num in "一二三四五六七八九" or (arabic and len(num) == 1)) or not pre and not left.endswith(("占", "达", "比", "有")):
            return None
    if unit and _blocked_unit(text, m.end("unit"), unit, lex):
        return None
    if post in ("以下", "以内"):  # thresholds quoted from rules: "10件以下免费"
        return None
    if _CONDITION.match(text, m.end()):  # "申请11—30件的部分", "(含10件)的，不收费": a rule, not a count
        return None
    if not unit:
        # No unit: keep a multiplied Arabic number ("总浏览量为536万") or a number right after a
        # quantity noun ("粉丝数 54373；"); any other bare number is no fact.
        bare = arabic and not mult and _QUANTITY_NOUN.search(text, max(0, ns - 4), ns) \
            and (m.end("num") >= len(text) or text[m.end("num")] in "，,；;。)）、\n")
        if not (arabic and mult) and not bare:
            return None
        end = m.end("post") if post else (m.end("approx") if approx else (m.end("mult") if mult else ne))
    else:
        end = m.end("post") if post else m.end("unit")
    span = (num + (mult or "")).replace(",", "")
    value = parse_number(span)
    if value is None:
        return None
    if pre == "上" and arabic:  # "上3条" is not "上万条"
        pre = None
    start = m.start("pre") if pre and QUALIFIER_OF.get(pre) != "exact" else ns
    if indef:
        start = m.start("indef")
    qualifier = "exact"
    vmin: int | float | None = value
    vmax: int | float | None = value
    if unit == "成":
        value = vmin = vmax = value * 10
        unit = "%"
    if m.group("num2"):
        v2 = parse_number(m.group("num2").replace(",", "") + (mult or ""))
        if v2 is None or v2 <= value:
            return None
        return Candidate(start, end, ns, m.end("num2"), None, value, v2, "range", unit)
    if indef:  # 数十次, 几百条: an indefinite quantity, never a point value
        return Candidate(start, end, m.start("indef"), ne, None, 2 * value, 9 * value, "indefinite", unit)
    for word in (pre, approx, post):
        q = QUALIFIER_OF.get(word or "")
        if q and q != "exact":
            qualifier = q
    if qualifier == "lower_bound":
        vmax = None
    elif qualifier == "upper_bound":
        vmin = None
    elif qualifier == "approx":
        vmin = vmax = None
    return Candidate(start, end, ns, ne, value, vmin, vmax, qualifier, unit)
