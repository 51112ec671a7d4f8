"""Split a table region into cells with offsets into the report text.

Every layout seen in real reports reduces to a stream of lines whose cells are separated by
tabs (reader output, HTML rows), pipes (Markdown) or spaces (PDF text). A cell is a label
(matched against the table's templates), a value (integer, decimal or a placeholder
"/", "—", "-" read as null), an empty field (a blank cell in tab/pipe layouts), digits run
together with no separator, or other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nlp.tables.labels import LabelMatcher
from nlp.text.numbers import is_cell_number, parse_cell
from nlp.text.width import nfkc

PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－]{1,2}\s*\d{1,4}\s*[-—–－]{1,2}|第\s*\d{1,4}\s*页.*)\s*$")
MD_RULE = re.compile(r"^[\s|:\-]+$")
_WORD = re.compile(r"\S+")
_PLACEHOLDER = re.compile(r"^(?:/|／|[-—–－―]{1,3}|\\)$")
_TRAILING_DIGITS = re.compile(r"^(.*[^\d\s.,+-])(\d{2,})$")
_SEP = re.compile(r"[\t|]")
_DIGIT_STRING = re.compile(r"\d{8,}|0\d+")  # an identifier or digits run together, not a count


@dataclass
class Token:
    kind: str  # label | text | value | empty | digits
    text: str  # the raw text of the cell
    start: int  # offsets into the report text
    end: int
    line: int
    value: int | float | None = None
    key: str | None = None  # label key when kind == "label"


@dataclass
class Line:
    index: int
    tokens: list[Token] = field(default_factory=list)
    delimited: bool = False  # cells separated by tabs or pipes (empty fields are blank cells)


class _LineMemo:
    """Tokenised lines of the last text seen: each table is looked for in its section and in the
    whole text, and the two regions share most of their lines. Lines are never mutated by readers."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.lines: dict[tuple, Line] = {}

    def get(self, text: str, key: tuple) -> Line | None:
        if self.text is not text:
            self.text, self.lines = text, {}
        return self.lines.get(key)


_MEMO = _LineMemo()


def tokenize(text: str, start: int, end: int, matcher: LabelMatcher) -> list[Line]:
    """Lines of cells for ``text[start:end]``; page-number lines and Markdown rules are skipped."""
    lines: list[Line] = []
    pos = start
    n = 0
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        raw = text[pos:line_end]
        if raw.strip() and not PAGE_NUMBER.match(raw) and not MD_RULE.match(raw):
            key = (pos, line_end, n, id(matcher))
            line = _MEMO.get(text, key)
            if line is None:
                line = _MEMO.lines[key] = _tokenize_line(raw, pos, n, matcher)
            lines.append(line)
            n += 1
        pos = line_end + 1
    return lines


def _tokenize_line(raw: str, offset: int, index: int, matcher: LabelMatcher) -> Line:
    delimited = "\t" in raw or raw.lstrip().startswith("|")
    line = Line(index, delimited=delimited)
    sep = _SEP if delimited else None
    fields: list[tuple[int, int]] = []
    if sep:
        s = 0
        for m in sep.finditer(raw):
            fields.append((s, m.start()))
            s = m.end()
        fields.append((s, len(raw)))
        if raw.lstrip().startswith("|"):  # "| a | b |": drop the outer empties of the pipe frame
            fields = fields[1:]
            if raw.rstrip().endswith("|") and fields:
                fields = fields[:-1]
    else:
        fields = [(0, len(raw))]
    norm_line = nfkc(raw)  # one character for one character, so offsets are shared
    for fs, fe in fields:
        cell = raw[fs:fe]
        if not cell.strip():
            if delimited:
                line.tokens.append(Token("empty", "", offset + fs, offset + fe, index))
            continue
        _split_cell(cell, norm_line[fs:fe], offset + fs, index, matcher, line.tokens)
    return line


def _split_cell(cell: str, norm_cell: str, offset: int, index: int, matcher: LabelMatcher,
                out: list[Token]) -> None:
    """Words of one cell: numbers become values; runs of other words become one text chunk."""
    chunk: list[re.Match] = []

    def flush() -> None:
        if not chunk:
            return
        s, e = chunk[0].start(), chunk[-1].end()
        out.extend(_text_token(cell[s:e], offset + s, index, matcher))
        chunk.clear()

    for m in _WORD.finditer(cell):
        word = m.group()
        norm = norm_cell[m.start():m.end()]
        if is_cell_number(norm):
            flush()
            kind = "digits" if _DIGIT_STRING.fullmatch(norm) else "value"
            out.append(Token(kind, word, offset + m.start(), offset + m.end(), index, parse_cell(word)))
        elif _PLACEHOLDER.match(norm):
            flush()
            out.append(Token("value", word, offset + m.start(), offset + m.end(), index, None))
        else:
            chunk.append(m)
    flush()


def _text_token(text: str, start: int, index: int, matcher: LabelMatcher) -> list[Token]:
    norm = nfkc(text)
    m = _TRAILING_DIGITS.match(norm)
    if m and not re.match(r"[A-Za-z]", m.group(1)[-1]):
        # Scraped pages run the label and its cells together: "…申请数量801000081".
        head = m.group(1)
        lab = matcher.match(head)
        if lab.key:
            cut = len(head)
            return [
                Token("label", text[:cut], start, start + cut, index, key=lab.key),
                Token("digits", text[cut:], start + cut, start + len(text), index),
            ]
    lab = matcher.match(text)
    if lab.key:
        return [Token("label", text, start, start + len(text), index, key=lab.key)]
    kind = "header" if lab.key == "" else "text"
    return [Token(kind, text, start, start + len(text), index)]
