"""Candidate quantities: a regex finds "number (+ multiplier, 余/多) + unit" spans fast; the negative
lexicon (years, 第X条, 〔2021〕30号, 12345热线, 20个工作日 …) masks what must never be a fact."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nlp.facts.lexicon import Lexicon
from nlp.facts.numerals import parse_number

_AR = r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"  # ASCII: the text is normalised
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
    share_of: Candidate | None = None
    group: int | None = None  # working-text offset of the 其中/含 word of the breakdown this child belongs to


@lru_cache(maxsize=8)
def candidate_regex(units_pattern: str) -> re.Pattern[str]:
    """A match starts at the numeral (so the regex engine skips other characters fast); a Chinese numeral
    must be followed by a unit, so 进一步 and 统一 never match. Qualifiers before the number (约, 近, 超过)
    are read by :data:`_LEFT_QUALIFIER`."""
    num = rf"(?:{_AR}|{_CN})"
    mult = r"千万|百万|十万|万亿|万|亿"
    unit = rf"{units_pattern}|成(?![为员立果绩效本功])"
    cn_needs_unit = rf"(?=(?:[ \t]*[-—–~～至到][ \t]*{num})?[ \t]*(?:{mult})?[ \t]*(?:余|多)?[ \t]*\n?[ \t]*(?:{unit}))"
    return re.compile(
        rf"(?P<num>{_AR}|{_CN}{cn_needs_unit})"
        rf"(?:[ \t]*(?P<sep>[-—–~～至到])[ \t]*(?P<num2>{num}))?"
        rf"[ \t]*(?P<mult>{mult})?[ \t]*(?P<approx>余|多)?"
        rf"(?:[ \t]*\n?[ \t]*(?P<unit>{unit}))?(?P<post>{_POST})?"
    )


_QUALIFIER_LAST = frozenset(w[-1] for w in (_PRE + "|数|几|若干").split("|"))
_DIGITS = re.compile(r"[0-9]+")
_FOLLOWED_CN: dict[int, tuple[Lexicon, re.Pattern[str]]] = {}


def _followed_cn_run(lex: Lexicon) -> re.Pattern[str]:
    """A whole run of Chinese numerals followed (after blanks) by what may follow one in a quantity (the
    first character of a unit, multiplier, 余, range sign). Possessive, so a run that fails is not
    retried shorter ("一十年" is no "一" + 十): the matches are exactly the qualifying maximal runs."""
    hit = _FOLLOWED_CN.get(id(lex))
    if hit is None or hit[0] is not lex:
        follow = {u[0] for u in lex.unit_family} | set("成万亿千百十余多-—–~～至到")
        cls = "".join(re.escape(ch) for ch in sorted(follow))
        hit = _FOLLOWED_CN[id(lex)] = (lex, re.compile(rf"{_CN}+(?=[ \t\n]*[{cls}])".replace("]+(", "]++(", 1)))
    return hit[1]


_LEFT_QUALIFIER = re.compile(rf"(?:(?P<pre>{_PRE})[ \t]*)?(?P<indef>数|几|若干)?[ \t]*$")


_BAD_LEFT = ("第", "每", "满", "前", "/", "-", ".", "—", "－", "#", "No")  # ordinals, rates, rankings, codes
_PER_UNITS = frozenset("件条次个人项份页")  # 每件100元: a price, not a count
_CONDITION_START = frozenset("（()）的")
_CONDITION = re.compile(r"(?:[（(][^）)\n]{0,10}[）)]|[）)])?的(?:[，,]|部分)")
_QUANTITY_NOUN = re.compile(r"(?:数|量)(?:为|达|是|约)?[ \t]*$")
_PERCENT_WORDS = re.compile(rf"百分之(?P<num>{_CN}|{_AR})")


class NegativeMask:
    """Answers "does a negative (year, 第X条, 〔2021〕30号, 12345, phone …) cover this span?".

    Names are checked for every number, and only the names that contain the number's own digits
    ("五个中心" ⊃ 五, "12345" ⊃ 12345). The regex patterns run in a window around the number, and only
    for numbers they can concern: a number without a unit, or a long one (>= 6 characters: phones,
    postcodes). A number with a unit is already protected by the unit grammar: 年/月/日/号 are no
    units, 第/每 before the number and 个工作日 after it reject it.

    Speed (same answers): a pattern whose ``requires`` strings (fact_negatives.yaml: one of them is in
    every match) are all absent from the window is skipped without running it.
    """

    WINDOW = 60

    def __init__(self, text: str, lex: Lexicon, lo: int = 0, hi: int | None = None):
        self.text = text
        self.lex = lex
        self.patterns = _guarded_patterns(lex)

    def covers(self, s: int, e: int, has_unit: bool = False) -> bool:
        text = self.text
        for name in _names_containing(self.lex, text[s:e]):
            k = text.find(name, max(0, s - len(name)), e + len(name))
            while 0 <= k < e:
                if k + len(name) > s:
                    return True
                k = text.find(name, k + 1, e + len(name))
        if has_unit and e - s < 6:
            return False
        lo, hi = max(0, s - self.WINDOW), min(len(text), e + self.WINDOW)
        for pattern, guard in self.patterns:
            if guard is not None and guard.search(text, lo, hi) is None:
                continue  # no match can lie in text[lo:hi] without one of the required strings
            for m in pattern.finditer(text, lo, hi):
                if m.start() >= e:
                    break
                if s < m.end() and m.end() > m.start():
                    return True
        return False


_GUARDS: dict[int, tuple[Lexicon, list[tuple[re.Pattern[str], re.Pattern[str] | None]]]] = {}


def _guarded_patterns(lex: Lexicon) -> list[tuple[re.Pattern[str], re.Pattern[str] | None]]:
    """(pattern, guard) per negative pattern, in lexicon order; guard finds any of its ``requires`` strings."""
    hit = _GUARDS.get(id(lex))
    if hit is None or hit[0] is not lex:
        pairs = []
        for key, pattern in lex.negative_patterns.items():
            req = lex.negative_requires.get(key)
            guard = re.compile("|".join(re.escape(r) for r in req)) if req else None
            pairs.append((pattern, guard))
        hit = _GUARDS[id(lex)] = (lex, pairs)
    return hit[1]


_NAME_INDEX: dict[tuple[int, str], tuple[str, ...]] = {}


def _names_containing(lex: Lexicon, number: str) -> tuple[str, ...]:
    key = (id(lex), number)
    hit = _NAME_INDEX.get(key)
    if hit is None:
        if len(_NAME_INDEX) > 20000:
            _NAME_INDEX.clear()
        hit = _NAME_INDEX[key] = tuple(n for n in lex.negative_name_list if number and number in n)
    return hit


def _blocked_unit(text: str, end: int, unit: str, lex: Lexicon) -> bool:
    return text.startswith(lex.unit_blockers.get(unit, ()), end)  # a tuple: any of the blockers


def find_candidates(text: str, lo: int, hi: int, lex: Lexicon, mask: NegativeMask) -> list[Candidate]:
    """Quantities in ``text[lo:hi]`` that survive the negative rules."""
    out: list[Candidate] = []
    rx = candidate_regex(lex.units_pattern)
    # Two cheap scans find where a number can start; the full pattern runs only there (a Chinese
    # numeral only when a unit, multiplier, 余/多 or range sign follows: 进一步 and 统一 cost nothing).
    starts = [m.start() for m in _DIGITS.finditer(text, lo, hi)]
    starts.extend(m.start() for m in _followed_cn_run(lex).finditer(text, lo, hi))
    starts.sort()
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
    num, unit, mult, approx, post = m.group("num", "unit", "mult", "approx", "post")
    arabic = num[0].isdigit()
    ns, ne = m.start("num"), m.end("num")
    if not unit:
        # No unit: keep a multiplied Arabic number ("总浏览量为536万") or a number right after a
        # quantity noun ("粉丝数 54373；"); any other bare number (years, 2024-0002) is no fact.
        if not arabic or m.group("num2"):
            return None
        if not mult and not (_QUANTITY_NOUN.search(text, max(0, ns - 4), ns)
                             and (ne >= len(text) or text[ne] in "，,；;。)）、\n")):
            return None
    k = ns - 1
    while k >= 0 and text[k] in " \t":
        k -= 1
    q = _LEFT_QUALIFIER.search(text, max(0, ns - 6), ns) if k >= 0 and text[k] in _QUALIFIER_LAST else None
    pre, indef = q.group("pre", "indef") if q else (None, None)
    pre_start = q.start("pre") if pre else ns
    indef_start = q.start("indef") if indef else ns
    if indef and arabic:  # "信息数147条": 数 ends a noun here, it is not 数十
        indef = None
    if not arabic and len(num) == 1 and num in "万亿千百十" and not unit:
        return None
    # Context to the left: ordinals (第三项), rates (每件), part of a longer token (V1.0, 2024-0002).
    left = text[max(0, ns - 2):ns].rstrip(" \t")
    if left.endswith(_BAD_LEFT) or (left[:1] == "每" and left[1:] in _PER_UNITS) or (
            left and left[-1].isascii() and left[-1].isalnum()):
        return None
    if ns < len(text) and m.end() < len(text) and text[m.end():m.end() + 1].isdigit():
        return None
    if unit == "成" and (not (num in "一二三四五六七八九" or (arabic and len(num) == 1))
                        or not pre and not left.endswith(("占", "达", "比", "有"))):
        return None  # 成 is a unit only in shares: 占比超八成
    if unit and _blocked_unit(text, m.end("unit"), unit, lex):
        return None
    if post in ("以下", "以内"):  # thresholds quoted from rules: "10件以下免费"
        return None
    if text[m.end():m.end() + 1] in _CONDITION_START and _CONDITION.match(text, m.end()):  # "申请11—30件的部分", "(含10件)的，不收费": a rule, not a count
        return None
    if not unit:
        end = m.end("post") if post else (m.end("approx") if approx else (m.end("mult") if mult else ne))
    else:
        end = m.end("post") if post else m.end("unit")
    if mask.covers(ns, m.end("num2") if m.group("num2") else ne, has_unit=unit is not None):
        return None
    span = (num + (mult or "")).replace(",", "")
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
    if m.group("num2"):
        v2 = parse_number(m.group("num2").replace(",", "") + (mult or ""))
        if v2 is None or v2 <= value:
            return None
        return Candidate(start, end, ns, m.end("num2"), None, value, v2, "range", unit)
    if indef:  # 数十次, 几百条: an indefinite quantity, never a point value
        return Candidate(start, end, indef_start, ne, None, 2 * value, 9 * value, "indefinite", unit)
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
