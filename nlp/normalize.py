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
# The pattern starts with the class of event characters (the first character of every event is read
# first, and the branch is chosen by looking back at it), so the regex engine scans for that class in C
# instead of entering the pattern at every character.
_EVENT = re.compile(f"[{re.escape(_SPACES + _DROPPED + _CLAUSE_MARKS)}]"
                    f"(?!(?<=[{re.escape(_PLAIN)}] )[{re.escape(_PLAIN)}])"
                    f"(?:(?<=[{re.escape(_SPACES)}])(?P<space>[{re.escape(_SPACES + _DROPPED)}]*)"
                    f"|(?<=[{re.escape(_CLAUSE_MARKS)}])(?P<clause>)|[{re.escape(_DROPPED)}]*)")
_ONE_TO_ONE = {c: v for c, v in _CHAR_MAP.items() if len(v) == 1 and v != " "}
# Few characters of a report need the one-to-one map: a regex finds them (str.translate would
# look up every character). No event character is in it, so the whole text is mapped once.
_MAPPED = re.compile("[" + re.escape("".join(_ONE_TO_ONE)) + "]")


def _map_one_to_one(text: str) -> str:
    """``text`` with every character of ``_ONE_TO_ONE`` replaced (same length)."""
    return _MAPPED.sub(lambda m: _ONE_TO_ONE[m.group()], text)


# A whole page-number line. Searched as "\n" + line (and once at offset 0 for the first line): a pattern
# that starts with a literal lets the regex engine jump from line break to line break (^ with MULTILINE
# is tried at every character).
_PAGE_NUMBER_LINE = r"[ \t]*(?:[-—–]{1,2}[ \t]*\d{1,4}[ \t]*[-—–]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$"
_FIRST_PAGE_NUMBER_LINE = re.compile(_PAGE_NUMBER_LINE, re.MULTILINE)
_NEXT_PAGE_NUMBER_LINE = re.compile("\n" + _PAGE_NUMBER_LINE, re.MULTILINE)
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


_CJK_LETTERS = "\u4e00-\u9fff\u3400-\u4dbf"  # CJK ideographs and extension A, as a regex class body
_CJK_LETTER = re.compile(f"[{_CJK_LETTERS}]")


def _is_cjk_letter(ch: str) -> bool:
    return _CJK_LETTER.match(ch) is not None


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


_OPEN_END = "，、“\"(（《"  # besides a CJK letter, a line ending in one of these leaves its sentence open


def _ends_open(pline: str) -> bool:
    """True when ``pline`` (a non-blank line without trailing spaces) leaves its sentence unfinished."""
    return _is_cjk_letter(pline[-1]) or pline[-1] in _OPEN_END


def _continues(pline: str, nline: str) -> bool:
    """True when ``nline`` continues the sentence that ``pline`` leaves unfinished."""
    if not nline:
        return False
    # Every test must pass; the last character of ``pline`` is the cheapest one, and most lines end a
    # sentence ("。"), so it is read first.
    if not _ends_open(pline):
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


# A line that the next one may continue, found in the REVERSED text (again so that the pattern starts
# with a literal): its line break, trailing spaces, an open last character (_ends_open) and the
# characters before it with no tab and no line break — _continues needs _MIN_WRAPPED_LINE of them, so
# most lines (sentence ends, table rows, short titles) are never looked at.
_OPEN_LINE_REVERSED = re.compile(
    f"\n *(?=[{_CJK_LETTERS}{re.escape(_OPEN_END)}][^\n\t]{{{_MIN_WRAPPED_LINE - 1}}})")


def _deleted_ranges(text: str) -> list[tuple[int, int]]:
    """Original ranges ``[start, end)`` removed wholesale: page-number lines (with their line break)
    and joined line breaks; a join may span page-number lines, so ranges can overlap."""
    n = len(text)
    ranges: list[tuple[int, int]] = []
    page_lines: list[int] = []  # start offsets of the page-number lines
    first = _FIRST_PAGE_NUMBER_LINE.match(text)
    if first:
        page_lines.append(0)
        ranges.append((0, min(first.end() + 1, n)))
    for m in _NEXT_PAGE_NUMBER_LINE.finditer(text):
        page_lines.append(m.start() + 1)
        ranges.append((m.start() + 1, min(m.end() + 1, n)))
    skipped = set(page_lines)  # every alternative of the pattern holds a digit: never a blank line
    # Join: a non-blank line ends mid-sentence and the next non-blank line (page-number lines skipped)
    # continues it.
    joins: list[tuple[int, int]] = []
    for m in _OPEN_LINE_REVERSED.finditer(text[::-1]):
        pend = n - m.end()  # the end of the line without its trailing spaces
        pstart = text.rfind("\n", 0, pend) + 1
        if pstart in skipped:
            continue
        start = n - m.start()  # the next line
        while start <= n:
            end = text.find("\n", start)
            line = text[start:end if end >= 0 else n]
            if line.strip() and start not in skipped:
                nline = line.lstrip(" ")
                if _continues(text[pstart:pend], nline):
                    joins.append((pend, start + len(line) - len(nline)))
                break
            start += len(line) + 1
    return ranges + joins[::-1]  # in text order


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
