"""Normalisation with an offset map back to the original text.

The normalised text is what parsers and extractors read; every span they find is
mapped back with :meth:`NormalizedText.orig_span`, so output offsets always refer to
the reader's text. Operations (each one keeps the map exact):

* full-width digits/letters/brackets/%/+ → ASCII; curly quotes → straight; NBSP and
  ideographic space → space; CR dropped;
* ASCII , ; : ? ! next to a CJK character → full-width (one form for clause splitters);
* spaces next to a CJK character removed ("553 条", "950 余件", "2023 年度");
* page-number lines ("- 4 -", "第 3 页 共 9 页") dropped;
* lines broken in mid-sentence by PDF extraction ("建立依申请公开制\\n\\n度") joined.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from nlp.component import factory
from nlp.model import Report
from nlp.text.enumerators import LINE_START_ITEM
from nlp.text.width import CLAUSE_MARKS_TO_FULLWIDTH, TEXT_MAP

_CHAR_MAP = TEXT_MAP  # the one width map (nlp.text.width)
_ASCII_CLAUSE = CLAUSE_MARKS_TO_FULLWIDTH  # "," → "，" next to CJK text

# Characters the loop of normalize() must see one by one: those mapped to a space or to nothing,
# and the ASCII clause marks; every other character maps to exactly one character.
_SPECIAL = re.compile("[" + re.escape("".join(sorted({" "} | set(_ASCII_CLAUSE) | {
    c for c, v in _CHAR_MAP.items() if v in (" ", "")}))) + "]")
_ONE_TO_ONE = str.maketrans({c: v for c, v in _CHAR_MAP.items() if len(v) == 1 and v != " "})
_PAGE_NUMBER = re.compile(r"^[ \t]*(?:[-—–]{1,2}[ \t]*\d{1,4}[ \t]*[-—–]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$")
# A line that starts a heading or an enumerated item must not be glued to the previous line.
_BLOCK_START = re.compile(r"^\s*" + LINE_START_ITEM)
_TITLE_END = re.compile(r"(?:情况|事项|措施|打算|计划|安排|概述|报告|年报)$")
_CLAUSE = re.compile(r"[，,。；;：:]")
_SENTENCE_END = set("。！？；：:;!?)）】」』\"”")
_MIN_WRAPPED_LINE = 20  # PDF-wrapped prose lines are long; table cells and titles are short
_MAX_HEADING_LINE = 30


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF


def _is_cjk_letter(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the offset of its source character."""

    text: str
    original: str
    _map: tuple[int, ...]

    def orig_offset(self, i: int) -> int:
        """Original offset of normalised position ``i`` (as a span start)."""
        if i >= len(self._map):
            return len(self.original)
        return self._map[i]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` to the original text."""
        if end <= start:
            o = self.orig_offset(start)
            return o, o
        return self._map[start], self._map[end - 1] + 1

    def norm_offset(self, orig: int) -> int:
        """First normalised position whose source is at or after original offset ``orig``."""
        return bisect.bisect_left(self._map, orig)


def _lines(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _continues(pline: str, nline: str) -> bool:
    """True when ``nline`` continues the sentence that ``pline`` leaves unfinished."""
    if "\t" in pline or "\t" in nline or len(pline.strip()) < _MIN_WRAPPED_LINE or not nline:
        return False
    if _BLOCK_START.match(nline) or pline.lstrip().startswith("|"):
        return False
    # A heading line is short; a long line that starts like one ("一是…") is wrapped prose.
    if _BLOCK_START.match(pline) and len(pline.strip()) < _MAX_HEADING_LINE:
        return False
    # An unnumbered section title of older reports ("因政府信息公开申请行政复议、提起行政诉讼的情况"):
    # no clause punctuation and a title ending; wrapped prose of that length has commas.
    if len(pline.strip()) < 40 and _TITLE_END.search(pline.rstrip()) and not _CLAUSE.search(pline):
        return False
    ends_open = _is_cjk_letter(pline[-1]) or pline[-1] in "，、“\"(（《"
    starts_inside = _is_cjk_letter(nline[0]) or nline[0] in "，、。；：”\"）)》"
    return ends_open and starts_inside


def _deleted_positions(text: str) -> set[int]:
    """Original positions removed wholesale: page-number lines and joined line breaks."""
    deleted: set[int] = set()
    lines = _lines(text)
    keep = []
    for s, e in lines:
        if _PAGE_NUMBER.match(text[s:e]) and text[s:e].strip():
            deleted.update(range(s, min(e + 1, len(text))))
        else:
            keep.append((s, e))
    # Join: previous non-blank line ends mid-sentence, next non-blank line continues it.
    prev = None
    for s, e in keep:
        line = text[s:e]
        if not line.strip():
            continue
        if prev is not None:
            ps, pe = prev
            pline = text[ps:pe].rstrip(" ")
            nline = line.lstrip(" ")
            if _continues(pline, nline):
                gap_start = ps + len(pline)
                gap_end = s + (len(line) - len(nline))
                deleted.update(range(gap_start, gap_end))
        prev = (s, e)
    return deleted


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` (see module docstring) keeping an exact offset map."""
    deleted = _deleted_positions(text)
    stops = sorted(deleted)
    chars: list[str] = []
    omap: list[int] = []
    n = len(text)
    i = 0
    k = 0  # next entry of ``stops``
    while i < n:
        # Characters that map one to one are copied in runs; the loop below sees only the rest.
        m = _SPECIAL.search(text, i)
        j = m.start() if m else n
        while k < len(stops) and stops[k] < i:
            k += 1
        if k < len(stops) and stops[k] < j:
            j = stops[k]
        if j > i:
            chars.extend(text[i:j].translate(_ONE_TO_ONE))
            omap.extend(range(i, j))
            i = j
            continue
        if i in deleted:
            i += 1
            continue
        ch = _CHAR_MAP.get(text[i], text[i])
        if ch == " ":
            # A run of spaces: drop it when it touches a CJK character on either side.
            j = i
            while j < n and j not in deleted and _CHAR_MAP.get(text[j], text[j]) in (" ", ""):
                j += 1
            left = chars[-1] if chars else "\n"
            right = _CHAR_MAP.get(text[j], text[j]) if j < n else "\n"
            if _is_cjk(left) or _is_cjk(right):
                i = j
                continue
            for k2 in range(i, j):
                mapped = _CHAR_MAP.get(text[k2], text[k2])
                if mapped:
                    chars.append(" ")
                    omap.append(k2)
            i = j
            continue
        if ch in _ASCII_CLAUSE and ((chars and _is_cjk_letter(chars[-1])) or (i + 1 < n and _is_cjk_letter(text[i + 1]))):
            ch = _ASCII_CLAUSE[ch]
        if ch:
            chars.append(ch)
            omap.append(i)
        i += 1
    return NormalizedText("".join(chars), text, tuple(omap))


class Normalizer:
    """Component "normalize": ``report.norm`` = the normalised text with its offset map."""

    name = "normalize"

    def __call__(self, report: Report) -> Report:
        report.norm = normalize(report.text)
        return report


@factory("normalize", assigns=["norm"])
def make_normalizer() -> Normalizer:
    return Normalizer()
