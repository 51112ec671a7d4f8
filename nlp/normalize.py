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

# The characters normalize() handles as events (everything else maps to exactly one character and
# is copied in runs): a space (or a character mapped to one) starts a run of spaces and dropped
# characters; an ASCII clause mark may turn full-width; a run of dropped characters vanishes.
_SPACES = "".join(sorted({" "} | {c for c, v in _CHAR_MAP.items() if v == " "}))
_DROPPED = "".join(sorted(c for c, v in _CHAR_MAP.items() if v == ""))
_CLAUSE_MARKS = "".join(_ASCII_CLAUSE)
# Characters written as themselves and never CJK: a lone " " between two of them ("| 0 | 12 |", the
# cells of a markdown table) is always kept, so it is no event and is copied with its run. (Its left
# neighbour is the last character written: a kept stretch never starts with " " after one of them.)
_PLAIN = "".join(c for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz|"
                 if c not in _CHAR_MAP and c not in _ASCII_CLAUSE)
# The lookahead lets the regex engine skip to the next event character before trying the branches.
_EVENT = re.compile(f"(?=[{re.escape(_SPACES + _DROPPED + _CLAUSE_MARKS)}])"
                    f"(?!(?<=[{re.escape(_PLAIN)}]) [{re.escape(_PLAIN)}])"
                    f"(?:(?P<space>[{re.escape(_SPACES)}][{re.escape(_SPACES + _DROPPED)}]*)"
                    f"|(?P<clause>[{re.escape(_CLAUSE_MARKS)}])|[{re.escape(_DROPPED)}]+)")
_ONE_TO_ONE = {c: v for c, v in _CHAR_MAP.items() if len(v) == 1 and v != " "}
# Few characters of a report need the one-to-one map: a regex finds them (str.translate would
# look up every character). No event character is in it, so the whole text is mapped once.
_MAPPED = re.compile("[" + re.escape("".join(_ONE_TO_ONE)) + "]")


def _map_one_to_one(text: str) -> str:
    """``text`` with every character of ``_ONE_TO_ONE`` replaced (same length)."""
    return _MAPPED.sub(lambda m: _ONE_TO_ONE[m.group()], text)
# A whole line (^…$ per line: one scan of the text finds them all).
_PAGE_NUMBER_LINES = re.compile(r"^[ \t]*(?:[-—–]{1,2}[ \t]*\d{1,4}[ \t]*[-—–]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$", re.MULTILINE)
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


def _continues(pline: str, nline: str) -> bool:
    """True when ``nline`` continues the sentence that ``pline`` leaves unfinished."""
    if not nline:
        return False
    # Every test must pass; the last character of ``pline`` is the cheapest one, and most lines end a
    # sentence ("。"), so it is read first.
    ends_open = _is_cjk_letter(pline[-1]) or pline[-1] in "，、“\"(（《"
    if not ends_open:
        return False
    if "\t" in pline or "\t" in nline or len(pline.strip()) < _MIN_WRAPPED_LINE:
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
    return _is_cjk_letter(nline[0]) or nline[0] in "，、。；：”\"）)》"


def _deleted_ranges(text: str) -> list[tuple[int, int]]:
    """Original ranges ``[start, end)`` removed wholesale: page-number lines (with their line break)
    and joined line breaks; a join may span page-number lines, so ranges can overlap."""
    n = len(text)
    ranges: list[tuple[int, int]] = []
    page_lines: set[int] = set()  # start offsets of the page-number lines
    # Every alternative of the pattern holds a digit, so a page-number line is never blank.
    for m in _PAGE_NUMBER_LINES.finditer(text):
        page_lines.add(m.start())
        ranges.append((m.start(), min(m.end() + 1, n)))
    # Join: previous non-blank line ends mid-sentence, next non-blank line continues it.
    prev = None
    s = 0
    for line in text.split("\n"):
        e = s + len(line)
        if s not in page_lines and line.strip():
            if prev is not None:
                ps, pe = prev
                pline = text[ps:pe].rstrip(" ")
                nline = line.lstrip(" ")
                if _continues(pline, nline):
                    ranges.append((ps + len(pline), s + (len(line) - len(nline))))
            prev = (s, e)
        s = e + 1
    return ranges


def _deleted_positions(text: str) -> set[int]:
    """Original positions removed wholesale: page-number lines and joined line breaks."""
    deleted: set[int] = set()
    for a, b in _deleted_ranges(text):
        deleted.update(range(a, b))
    return deleted


def _kept_spans(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` between the positions :func:`_deleted_positions` removes."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for a, b in sorted(_deleted_ranges(text)):
        if b <= a:
            continue
        if a > pos:
            spans.append((pos, a))
        pos = max(pos, b)
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def normalize(text: str) -> NormalizedText:
    """Normalise ``text`` (see module docstring) keeping an exact offset map.

    Each kept stretch is copied through the one-to-one map between the events of ``_EVENT``;
    only the events (a few hundred per report) run Python code."""
    n = len(text)
    mapped = _map_one_to_one(text)
    parts: list[str] = []
    omap: list[int] = []
    last = "\n"  # the last character written: spaces and clause marks look at it
    for a, b in _kept_spans(text):
        pos = a
        for m in _EVENT.finditer(text, a, b):
            i, j = m.span()
            if i > pos:
                run = mapped[pos:i]
                parts.append(run)
                omap.extend(range(pos, i))
                last = run[-1]
            pos = j
            kind = m.lastgroup
            if kind == "space":
                # A run of spaces: drop it when it touches a CJK character on either side (on the
                # right, the character after the run even when it is deleted).
                right = _CHAR_MAP.get(text[j], text[j]) if j < n else "\n"
                if _is_cjk(last) or _is_cjk(right):
                    continue
                for k in range(i, j):
                    if _CHAR_MAP.get(text[k], text[k]):
                        parts.append(" ")
                        omap.append(k)
                        last = " "
            elif kind == "clause":
                ch = _CHAR_MAP.get(text[i], text[i])
                if _is_cjk_letter(last) or (i + 1 < n and _is_cjk_letter(text[i + 1])):
                    ch = _ASCII_CLAUSE[ch]
                parts.append(ch)
                omap.append(i)
                last = ch
        if b > pos:
            run = mapped[pos:b]
            parts.append(run)
            omap.extend(range(pos, b))
            last = run[-1]
    return NormalizedText("".join(parts), text, tuple(omap))


class Normalizer:
    """Component "normalize": ``report.norm`` = the normalised text with its offset map."""

    name = "normalize"

    def __call__(self, report: Report) -> Report:
        report.norm = normalize(report.text)
        return report


@factory("normalize", assigns=["norm"])
def make_normalizer() -> Normalizer:
    return Normalizer()
