"""Word automatic numbering: the "一、" / "（一）" / "1." that Word draws but does not store as text.

A heading typed as "总体情况" in a numbered list style shows as "一、总体情况"; without rendering
the number the segmenter would not see the section. python-docx does not render list numbers,
so this module does, for the formats used in Chinese government documents.
"""
from __future__ import annotations

from typing import Any

from nlp.text.numerals import int_to_chinese, int_to_chinese_digits
from nlp.text.width import FULLWIDTH_DIGITS

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


def _val(el: Any, tag: str) -> str | None:
    found = el.find(_q(tag)) if el is not None else None
    return None if found is None else found.get(_q("val"))


def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += sym
            n -= value
    return out


def format_number(n: int, fmt: str | None) -> str:
    fmt = fmt or "decimal"
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographLegalTraditional",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return int_to_chinese(n) if n > 0 else str(n)  # 12 → 十二; 0 and below as digits
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return int_to_chinese_digits(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return "".join(FULLWIDTH_DIGITS[d] for d in str(n))
    if fmt in ("lowerLetter", "upperLetter"):
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "lowerLetter" else s.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).lower() if fmt == "lowerRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class Numbering:
    """Renders list labels paragraph by paragraph, keeping Word's counters (call in document order)."""

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, dict[str, Any]]] = {}  # numId -> ilvl -> level definition
        self._style_num: dict[str, tuple[str, int]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            self._load(document)
        except (AttributeError, KeyError, TypeError, ValueError, NotImplementedError):
            # malformed numbering definitions: read the text without list numbers rather than fail
            self._levels, self._style_num = {}, {}

    def _load(self, document: Any) -> None:
        root = document.part.numbering_part.element
        abstract: dict[str, dict[int, dict[str, Any]]] = {}
        for an in root.iterchildren(_q("abstractNum")):
            levels = {}
            for lvl in an.iterchildren(_q("lvl")):
                levels[int(lvl.get(_q("ilvl"), "0"))] = {
                    "start": int(_val(lvl, "start") or 1), "fmt": _val(lvl, "numFmt"),
                    "text": _val(lvl, "lvlText") or "", "suff": _val(lvl, "suff") or "tab"}
            abstract[an.get(_q("abstractNumId"))] = levels
        for num in root.iterchildren(_q("num")):
            levels = {k: dict(v) for k, v in abstract.get(_val(num, "abstractNumId"), {}).items()}
            for ov in num.iterchildren(_q("lvlOverride")):
                start = _val(ov, "startOverride")
                ilvl = int(ov.get(_q("ilvl"), "0"))
                if start is not None and ilvl in levels:
                    levels[ilvl]["start"] = int(start)
            self._levels[num.get(_q("numId"))] = levels
        for st in document.styles.element.iterchildren(_q("style")):
            num_pr = st.find(f"{_q('pPr')}/{_q('numPr')}")
            if num_pr is not None and _val(num_pr, "numId"):
                self._style_num[st.get(_q("styleId"))] = (_val(num_pr, "numId"), int(_val(num_pr, "ilvl") or 0))

    def label(self, p: Any) -> str:
        """The number Word shows before paragraph ``p`` (a w:p element), or ""."""
        if not self._levels:
            return ""
        ppr = p.find(_q("pPr"))
        num_pr = ppr.find(_q("numPr")) if ppr is not None else None
        num_id, ilvl = None, 0
        if num_pr is not None:
            num_id, ilvl = _val(num_pr, "numId"), int(_val(num_pr, "ilvl") or 0)
        elif ppr is not None and _val(ppr, "pStyle") in self._style_num:
            num_id, ilvl = self._style_num[_val(ppr, "pStyle")]
        levels = self._levels.get(num_id or "")
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, levels[ilvl]["start"] - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]  # a higher level restarts the levels below it
        lvl = levels[ilvl]
        if lvl["fmt"] in ("bullet", "none"):
            return ""
        text = lvl["text"]
        for k in range(9, 0, -1):
            if f"%{k}" in text:
                ref = levels.get(k - 1, lvl)
                value = counters.get(k - 1, ref["start"])
                text = text.replace(f"%{k}", format_number(value, ref["fmt"]))
        if text and lvl["suff"] != "nothing" and text[-1].isalnum():
            text += " "
        return text
