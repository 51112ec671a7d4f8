"""Split a table region into lines of cells (with their offsets in the line, the line's in the report text).

Every layout seen in real reports reduces to a stream of lines whose cells are separated by
tabs (reader output, HTML rows), pipes (Markdown) or spaces (PDF text). A cell is a label
(matched against the table's templates), a value (integer, decimal or a placeholder
"/", "—", "-" read as null), an empty field (a blank cell in tab/pipe layouts), digits run
together with no separator, or other text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nlp.tables.labels import LabelMatcher
from nlp.text.numbers import NOT_A_NUMBER, read_cell
from nlp.text.width import nfkc, nfkc_report

PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]{1,2}\s*\d{1,4}\s*[-—–－]{1,2}|第\s*\d{1,4}\s*页.*)\s*$")
MD_RULE = re.compile(r"^[\s|:\-]+$")
_WORD = re.compile(r"\S+")
_PLACEHOLDER = re.compile(r"^(?:/|／|[-—–－―]{1,3}|\\)$")
_TRAILING_DIGITS = re.compile(r"^(.*[^\d\s.,+-])(\d{2,})$")
_SEP = re.compile(r"[\t|]")
_DIGIT_STRING = re.compile(r"\d{8,}|0\d+")  # an identifier or digits run together, not a count


@dataclass(frozen=True, slots=True)  # shared by every line of the same text: never changed
class Token:
    kind: str  # label | text | value | empty | digits
    text: str  # the raw text of the cell
    start: int  # offsets from the start of the token's line (Line.offset)
    end: int
    value: int | float | None = None
    key: str | None = None  # label key when kind == "label"


@dataclass
class Line:
    index: int
    tokens: tuple[Token, ...] = ()
    delimited: bool = False  # cells separated by tabs or pipes (empty fields are blank cells)
    offset: int = 0  # where the line starts in the report text
    # What a reader derives from the tokens alone (rows.line_view), kept with the tokens and so
    # shared by every line of the same text: immutable values only.
    views: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


def tokenize(text: str, start: int, end: int, matcher: LabelMatcher) -> list[Line]:
    """Lines of cells for ``text[start:end]``; page-number lines and Markdown rules are skipped."""
    return list(iter_lines(text, start, end, matcher))


def iter_lines(text: str, start: int, end: int, matcher: LabelMatcher) -> Iterator[Line]:
    """:func:`tokenize`'s lines one at a time, each tokenised when reached: a reader that stops at its
    table's last row leaves the prose after it (up to the rest of the report when no end marker was
    found) untokenised."""
    # nfkc maps one character to one character, so a slice of the folded text is the folded slice:
    # every line and cell reads its folded form from the report's.
    norm = nfkc_report(text)
    pos = start
    n = 0
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        shape = _line_tokens(text[pos:line_end], matcher, norm, pos)
        if shape is not None:
            yield Line(n, shape[1], shape[0], pos, shape[2])
            n += 1
        pos = line_end + 1


_ROW_KINDS = frozenset(("label", "value", "digits"))


def adds_no_row(text: str, start: int, end: int, matcher: LabelMatcher) -> bool:
    """Whether extending a region that ends at ``start`` up to ``end`` leaves every reader's rows as
    they were: ``start`` ends a line (the region's last line is not lengthened) and no line of
    ``text[start:end]`` holds a label or a number (the readers pass over headers, text and blank
    cells that no row follows)."""
    if start > 0 and text[start - 1] != "\n":
        if text[start] != "\n":
            return False
        start += 1
    norm, pos = nfkc_report(text), start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        shape = _line_tokens(text[pos:line_end], matcher, norm, pos)
        if shape is not None and any(t.kind in _ROW_KINDS for t in shape[1]):
            return False
        pos = line_end + 1
    return True


# A line's tokens depend only on its text and the matcher (their offsets are the line's own), and
# table lines recur: "\t0", "| 0 | 0 |", blank cells, the row labels of every report. They are
# kept by line and matcher (the object itself: an id could be reused by another matcher) and
# shared by every line with that text.
_Shape = tuple[bool, tuple[Token, ...], dict[Any, Any]]
_SHAPES: dict[tuple[str, LabelMatcher], _Shape | None] = {}
_SHAPE_CHARS = 200  # longer lines (flattened tables, prose) seldom recur: not kept (8192 lines: a few MB)


def _line_tokens(raw: str, matcher: LabelMatcher, norm: str, pos: int) -> _Shape | None:
    """(delimited, tokens, views: see Line.views) of the line ``raw`` found at ``pos`` (``norm``: the
    folded text); None for a blank, page-number or Markdown rule line."""
    key = (raw, matcher)
    try:
        return _SHAPES[key]
    except KeyError:
        pass
    shape = None
    if raw.strip() and not PAGE_NUMBER.match(raw) and not MD_RULE.match(raw):
        shape = (*_tokenize_line(raw, matcher, norm[pos : pos + len(raw)]), {})
    if len(raw) <= _SHAPE_CHARS:
        if len(_SHAPES) >= 8192:
            _SHAPES.clear()
        _SHAPES[key] = shape
    return shape


_READ: dict[str, tuple[str, int | float | None] | None] = {}  # the same cells recur in every report


def _read_word(norm: str) -> tuple[str, int | float | None] | None:
    """(kind, value) of a folded word that is a number ("value", or "digits" for digits run
    together), else None; memoised (values are immutable)."""
    try:
        return _READ[norm]
    except KeyError:
        pass
    value = read_cell(norm)
    if value is NOT_A_NUMBER:
        read = None
    else:
        read = ("digits" if _DIGIT_STRING.fullmatch(norm) else "value", value)
    if len(norm) <= 24:  # short words recur; a long digit run is not worth keeping
        if len(_READ) >= 8192:
            _READ.clear()
        _READ[norm] = read
    return read


def _is_placeholder(norm: str) -> bool:
    """A folded word that stands for an empty cell ("/", "—", "--"): one to three characters, so longer
    words skip the regex."""
    return len(norm) <= 3 and _PLACEHOLDER.match(norm) is not None


def _tokenize_line(raw: str, matcher: LabelMatcher, norm_line: str | None = None) -> tuple[bool, tuple[Token, ...]]:
    """(delimited, tokens) of one line; ``norm_line`` is ``nfkc(raw)`` when the caller has it."""
    stripped = raw.lstrip()
    piped = stripped.startswith("|")
    delimited = piped or "\t" in raw
    cells = _SEP.split(raw) if delimited else [raw]
    lo, hi = 0, len(cells)
    if piped:  # "| a | b |": drop the outer empties of the pipe frame
        lo = 1
        if raw.rstrip().endswith("|") and hi > lo:
            hi -= 1
    if norm_line is None:
        norm_line = nfkc(raw)  # one character for one character, so offsets are shared
    tokens: list[Token] = []
    fs = len(cells[0]) + 1 if lo else 0  # the separators are one character each
    for cell in cells[lo:hi]:
        fe = fs + len(cell)
        word = cell.strip()
        if not word:
            if delimited:
                tokens.append(Token("empty", "", fs, fe))
        else:
            # Most cells of a table line are one number or placeholder, padded in Markdown: read it
            # here as _split_cell would read the cell's one word. A word that reads as either holds
            # no space (nor, folded one character for one, did its source), so it is the only word.
            ws = fs if len(word) == len(cell) else fs + len(cell) - len(cell.lstrip())
            we = ws + len(word)
            norm = norm_line[ws:we]
            read = _read_word(norm)
            if read is not None:
                tokens.append(Token(read[0], word, ws, we, read[1]))
            elif _is_placeholder(norm):
                tokens.append(Token("value", word, ws, we, None))
            else:
                _split_cell(cell, norm_line[fs:fe], fs, matcher, tokens)
        fs = fe + 1
    return delimited, tuple(tokens)


def _split_cell(cell: str, norm_cell: str, offset: int, matcher: LabelMatcher, out: list[Token]) -> None:
    """Words of one cell (at ``offset`` in its line): numbers become values; runs of other words
    become one text chunk (``cell[cs:ce]``, pending while ``cs`` >= 0)."""
    cs = ce = -1
    for m in _WORD.finditer(cell):
        s, e = m.span()
        norm = norm_cell[s:e]
        read = _read_word(norm)
        if read is not None:
            kind, value = read
        elif _is_placeholder(norm):
            kind, value = "value", None
        else:
            if cs < 0:
                cs = s
            ce = e
            continue
        if cs >= 0:
            out.extend(_text_token(cell[cs:ce], offset + cs, matcher, norm_cell[cs:ce]))
            cs = -1
        out.append(Token(kind, m.group(), offset + s, offset + e, value))
    if cs >= 0:
        out.extend(_text_token(cell[cs:ce], offset + cs, matcher, norm_cell[cs:ce]))


_LATIN = re.compile(r"[A-Za-z]")


def _text_token(text: str, start: int, matcher: LabelMatcher, norm: str | None = None) -> list[Token]:
    """A run of non-number words: a label (with the digits run onto it split off), a header or text;
    ``norm`` is ``nfkc(text)`` when the caller has it."""
    if norm is None:
        norm = nfkc(text)
    m = _TRAILING_DIGITS.match(norm)
    if m and not _LATIN.match(m.group(1)[-1]):
        # Scraped pages run the label and its cells together: "…申请数量801000081".
        head = m.group(1)
        lab = matcher.match(head)
        if lab.key:
            cut = len(head)
            return [
                Token("label", text[:cut], start, start + cut, key=lab.key),
                Token("digits", text[cut:], start + cut, start + len(text)),
            ]
    lab = matcher.match(text)
    if lab.key:
        return [Token("label", text, start, start + len(text), key=lab.key)]
    kind = "header" if lab.key == "" else "text"
    return [Token(kind, text, start, start + len(text))]
