"""Candidate quantities: a regex finds "number (+ multiplier, 余/多) + unit" spans fast; the negative
lexicon (years, 第X条, 〔2021〕30号, 12345热线, 20个工作日 …) masks what must never be a fact."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from nlp.facts.lexicon import Lexicon
from nlp.facts.negatives import NegativeMask
from nlp.text.enumerators import ORDINAL_DIGITS
from nlp.text.numbers import ARABIC, CHINESE, MULTIPLIER, parse_number, strip_separators
from nlp.text.numerals import UNIT_VALUES

_AR = ARABIC  # ASCII: the text is normalised
_CN = CHINESE
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
    share_of: Candidate | None = None
    group: int | None = None  # working-text offset of the 其中/含 word of the breakdown this child belongs to


@lru_cache(maxsize=8)
def candidate_regex(units_pattern: str) -> re.Pattern[str]:
    """A match starts at the numeral (so the regex engine skips other characters fast); a Chinese numeral
    must be followed by a unit, so 进一步 and 统一 never match. Qualifiers before the number (约, 近, 超过)
    are read by :data:`_LEFT_QUALIFIER`."""
    num = rf"(?:{_AR}|{_CN})"
    mult = MULTIPLIER
    unit = rf"{units_pattern}|成(?![为员立果绩效本功])"
    cn_needs_unit = rf"(?=(?:[ \t]*[-—–~～至到][ \t]*{num})?[ \t]*(?:{mult})?[ \t]*(?:余|多)?[ \t]*\n?[ \t]*(?:{unit}))"
    return re.compile(
        rf"(?P<num>{_AR}|{_CN}{cn_needs_unit})"
        rf"(?:[ \t]*(?P<sep>[-—–~～至到])[ \t]*(?P<num2>{num}))?"
        rf"[ \t]*(?P<mult>{mult})?[ \t]*(?P<approx>余|多)?"
        rf"(?:[ \t]*\n?[ \t]*(?P<unit>{unit}))?(?P<post>{_POST})?"
    )


_QUALIFIER_LAST = frozenset(w[-1] for w in (_PRE + "|数|几|若干").split("|"))
_LEFT_QUALIFIER = re.compile(rf"(?:(?P<pre>{_PRE})[ \t]*)?(?P<indef>数|几|若干)?[ \t]*$")


_ONE_TO_NINE = ORDINAL_DIGITS[:9]  # a single Chinese digit (substring test: 八成, not 十成)
_BAD_LEFT = ("第", "每", "满", "前", "/", "-", ".", "—", "－", "#", "No")  # ordinals, rates, rankings, codes
_PER_UNITS = frozenset("件条次个人项份页")  # 每件100元: a price, not a count
_CONDITION_START = frozenset("（()）的")
_CONDITION = re.compile(r"(?:[（(][^）)\n]{0,10}[）)]|[）)])?的(?:[，,]|部分)")
_QUANTITY_NOUN = re.compile(r"(?:数|量)(?:为|达|是|约)?[ \t]*$")
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_CN}|{_AR})")


_CN_CODES = [ord(ch) for ch in _CN[1:-2]]  # the characters of _CN ("[…]+")
_DIGIT, _CN_NUMERAL, _AFTER_CN, _AFTER_DIGITS = 1, 2, 4, 8


def _char_table(lex: Lexicon) -> np.ndarray:
    """Flags per code point (a NumPy table, one look-up per character): digit, Chinese numeral, may follow
    a Chinese numeral in a quantity (first character of a unit, multiplier, 余/多, range sign), may follow
    a run of digits in a candidate :func:`_candidate` can accept (the same, a number going on with , or .,
    blanks, a post-qualifier, or the punctuation after a bare count: "粉丝数 54373；")."""
    table = lex.derived.get("char_table")
    if table is None:
        table = np.zeros(0x110000, dtype=np.uint8)
        table[[ord(ch) for ch in "0123456789"]] |= _DIGIT
        table[_CN_CODES] |= _CN_NUMERAL
        after_cn = {u[0] for u in lex.unit_family} | set("成余多-—–~～至到") | set(UNIT_VALUES)
        table[[ord(ch) for ch in after_cn]] |= _AFTER_CN | _AFTER_DIGITS
        after_digits = set(",. \t\n") | set("，,；;。)）、") | {w[0] for w in _POST.split("|")}
        table[[ord(ch) for ch in after_digits]] |= _AFTER_DIGITS
        lex.derived["char_table"] = table
    return table


def _char_scans(lex: Lexicon) -> tuple:
    """The flag table read as scans: (table, digit-run regex, Chinese-numeral-run regex, characters that may
    follow digits, characters that may follow a Chinese numeral). Rebuilt when the table is another one."""
    table = _char_table(lex)
    hit = lex.derived.get("char_scans")
    if hit is None or hit[0] is not table:
        def chars(flag: int) -> str:
            return "".join(map(chr, np.flatnonzero(table & flag).tolist()))

        hit = (table, re.compile("[" + re.escape(chars(_DIGIT)) + "]+"),
               re.compile("[" + re.escape(chars(_CN_NUMERAL)) + "]+"),
               frozenset(chars(_AFTER_DIGITS)), frozenset(chars(_AFTER_CN)))
        lex.derived["char_scans"] = hit
    return hit


def _number_starts(text: str, lo: int, hi: int, lex: Lexicon) -> list[int]:
    """Where a quantity can start in ``text[lo:hi]``, in order: each run of digits that is followed by what
    can go on a candidate (after anything else, 2024年 or 12月, it is a bare number, never a fact), and each
    run of Chinese numerals followed, after blanks, by what may follow one (进一步, 统一 cost nothing).
    Runs end at the span's edges (what lies outside is unseen by the candidate pattern). The runs are found
    by two regex scans of the flag table's characters and only their ends are looked at (a span holds a
    few dozen runs: fewer steps than whole-array NumPy passes over each span)."""
    _, digit_run, cn_run, after_digits, after_cn = _char_scans(lex)
    found = [m.start() for m in digit_run.finditer(text, lo, hi) if m.end() == hi or text[m.end()] in after_digits]
    cn = []
    for m in cn_run.finditer(text, lo, hi):
        k = m.end()
        while k < hi and text[k] in " \t\n":  # the lookahead skips blanks
            k += 1
        if k < hi and text[k] in after_cn:
            cn.append(m.start())
    return sorted(found + cn) if cn else found


def find_candidates(text: str, lo: int, hi: int, lex: Lexicon, mask: NegativeMask) -> list[Candidate]:
    """Quantities in ``text[lo:hi]`` that survive the negative rules."""
    out: list[Candidate] = []
    rx = candidate_regex(lex.units_pattern)
    starts = _number_starts(text, lo, hi, lex)  # the full pattern runs only there
    pos = lo
    for start in starts:
        if start < pos:
            continue
        m = rx.match(text, start, hi)
        if m is None:
            continue
        pos = m.end()
        cand = _candidate(text, m, lex, mask)
        if cand is not None:
            out.append(cand)
    for m in _PERCENT_WORDS.finditer(text, lo, hi):
        value = parse_number(m.group("num"))
        if value is not None and not mask.covers(m.start(), m.end()):
            out.append(Candidate(m.start(), m.end(), m.start("num"), m.end("num"), value, value, value, "exact", "%"))
    out.sort(key=lambda c: c.start)
    return out


def _candidate(text: str, m: re.Match[str], lex: Lexicon, mask: NegativeMask) -> Candidate | None:
    num, unit, mult, approx, post, num2 = m.group("num", "unit", "mult", "approx", "post", "num2")
    arabic = num[0].isdigit()
    ns, ne = m.start("num"), m.end("num")
    if not unit:
        # No unit: keep a multiplied Arabic number ("总浏览量为536万") or a number right after a
        # quantity noun ("粉丝数 54373；"); any other bare number (years, 2024-0002) is no fact.
        if not arabic or num2:
            return None
        if not mult and not (_QUANTITY_NOUN.search(text, ns - 4 if ns > 4 else 0, ns)
                             and (ne >= len(text) or text[ne] in "，,；;。)）、\n")):
            return None
    k = ns - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    q = _LEFT_QUALIFIER.search(text, ns - 6 if ns > 6 else 0, ns) if k >= 0 and text[k] in _QUALIFIER_LAST else None
    pre, indef = q.group("pre", "indef") if q else (None, None)
    pre_start = q.start("pre") if pre else ns
    indef_start = q.start("indef") if indef else ns
    if indef and arabic:  # "信息数147条": 数 ends a noun here, it is not 数十
        indef = None
    if not arabic and len(num) == 1 and num in UNIT_VALUES and not unit:
        return None
    # Context to the left: ordinals (第三项), rates (每件), part of a longer token (V1.0, 2024-0002).
    left = text[ns - 2 if ns > 2 else 0:ns].rstrip(" \t")  # (conditionals for max(0, …): hot path)
    if left.endswith(_BAD_LEFT) or (left[:1] == "每" and left[1:] in _PER_UNITS) or (
            left and left[-1].isascii() and left[-1].isalnum()):
        return None
    after = text[m.end():m.end() + 1]  # "" at the end of the text
    if after.isdigit():
        return None
    if unit == "成" and (not (num in _ONE_TO_NINE or (arabic and len(num) == 1))
                        or not pre and not left.endswith(("占", "达", "比", "有"))):
        return None  # 成 is a unit only in shares: 占比超八成
    if unit and text.startswith(lex.unit_blockers.get(unit, ()), m.end("unit")):  # any of the blockers
        return None
    if post in ("以下", "以内"):  # thresholds quoted from rules: "10件以下免费"
        return None
    if after in _CONDITION_START and _CONDITION.match(text, m.end()):  # "申请11—30件的部分", "(含10件)的，不收费": a rule, not a count
        return None
    if not unit:
        end = m.end("post") if post else (m.end("approx") if approx else (m.end("mult") if mult else ne))
    else:
        end = m.end("post") if post else m.end("unit")
    if mask.covers(ns, m.end("num2") if num2 else ne, has_unit=unit is not None):
        return None
    span = strip_separators(num + (mult or ""))
    value = parse_number(span)
    if value is None:
        return None
    if pre == "上" and arabic:  # "上3条" is not "上万条"
        pre = None
    start = pre_start if pre and QUALIFIER_OF.get(pre) != "exact" else ns
    if indef:
        start = indef_start
    qualifier = "exact"
    vmin: int | float | None = value
    vmax: int | float | None = value
    if unit == "成":
        value = vmin = vmax = value * 10
        unit = "%"
    if num2:
        v2 = parse_number(strip_separators(num2) + (mult or ""))
        if v2 is None or v2 <= value:
            return None
        return Candidate(start, end, ns, m.end("num2"), None, value, v2, "range", unit)
    if indef:  # 数十次, 几百条: an indefinite quantity, never a point value
        return Candidate(start, end, indef_start, ne, None, 2 * value, 9 * value, "indefinite", unit)
    if pre or approx or post:  # most numbers have no qualifier word
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
