"""Numbers as reports write them: 1,024 / 3.2 / ３５ / 3.2万 / 1.2亿 / 十二 / 百余 / 12.5%.

One reader for the fact extractor (prose), one for table cells (no multipliers, a cell may carry
its unit), both on the same separators, multipliers and width map.
"""
from __future__ import annotations

import re

from nlp.io.limits import DEFAULT_LIMITS
from nlp.text.grammar import grammar
from nlp.text.numerals import MULTIPLIERS, NUMERAL_CHARS, SMALL_MULTIPLIERS, parse_chinese, round_number
from nlp.text.width import fold_number_chars, nfkc

_SEPARATORS = grammar()["numerals"]["thousands_separators"]
_SEP = "[" + _SEPARATORS + "]"

# Regex pieces (strings, to be built into callers' patterns). The text is width-folded first.
ARABIC = r"[0-9]+(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"  # 1,024 / 3.5 / 553 (ASCII comma)
CHINESE = "[" + NUMERAL_CHARS + "]+"  # a run of Chinese numeral characters
MULTIPLIER = "|".join(MULTIPLIERS)  # 千万|百万|十万|万亿|万|亿: longest first

_ARABIC_ONLY = re.compile(rf"^\d{{1,3}}(?:{_SEP}\d{{3}})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_ARABIC_TAIL = re.compile(
    rf"^(\d+(?:{_SEP}\d{{3}})*(?:\.\d+)?)\s*({'|'.join(list(MULTIPLIERS) + list(SMALL_MULTIPLIERS))})?$")
_CELL_NUMBER = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+-]?\d+(?:\.\d+)?$")
_CELL_UNIT = re.compile(  # a table cell with its unit: "12件"
    r"^([+-]?\d+(?:\.\d+)?)(?:" + "|".join(map(re.escape, grammar()["numerals"]["cell_units"])) + ")$")


def strip_separators(text: str) -> str:
    """``text`` without thousands separators (1,024 → 1024)."""
    for sep in _SEPARATORS:
        text = text.replace(sep, "")
    return text


def plain_number(text: str) -> int | float | None:
    """An Arabic number as written (ASCII, "," separators allowed, sign allowed) → int, else float, else None."""
    t = text.replace(",", "")
    try:
        return int(t)
    except ValueError:
        pass
    try:
        return float(t)
    except ValueError:
        return None


def parse_number(span: str) -> int | float | None:
    """Arabic or Chinese numeral span, optionally followed by a multiplier (3.2万, 10万, 1.2亿) → number.

    Spaces inside the span ("1 024") are PDF artefacts and ignored; full-width digits are read.
    None for a digit run longer than ``ReadLimits.max_number_digits``: it is not a count, and reading
    it would change its value (float) or fail (Python's int conversion limit).
    """
    if sum(ch.isdigit() for ch in span) > DEFAULT_LIMITS.max_number_digits:
        return None
    if span.isascii() and span.isdigit():
        return int(span)
    span = fold_number_chars(span).strip().replace(" ", "")
    if not span:
        return None
    m = _ARABIC_TAIL.match(span)
    if m:
        digits, mult = m.groups()
        value = float(strip_separators(digits))
        if mult:
            value *= SMALL_MULTIPLIERS.get(mult) or MULTIPLIERS[mult]
        return round_number(value)
    return parse_chinese(span)


def is_arabic(span: str) -> bool:
    """True for an Arabic number with no multiplier (1,024 / 3.5 / ３５)."""
    return bool(_ARABIC_ONLY.match(fold_number_chars(span).replace(" ", "")))


def is_cell_number(folded: str) -> bool:
    """A width-folded table cell that holds a number: "1,024", "-3.5", or with a unit word ("12件")."""
    return bool(_CELL_NUMBER.match(folded) or _CELL_UNIT.match(folded))


# is_cell_number and parse_cell in one match, for the table tokenizer's hot loop: group 1 is the
# number of a cell with its unit, None for a bare number.
_CELL_READ = re.compile("(?:" + _CELL_NUMBER.pattern + ")|" + _CELL_UNIT.pattern)
NOT_A_NUMBER = object()


def read_cell(folded: str) -> int | float | None | object:
    """``parse_cell`` of an nfkc-folded cell when :func:`is_cell_number` holds for it, else
    :data:`NOT_A_NUMBER` (tables read every word of a region through here)."""
    m = _CELL_READ.match(folded)
    if m is None:
        return NOT_A_NUMBER
    unit = m.group(1)
    return plain_number(folded if unit is None else unit)


def parse_cell(cell: str) -> int | float | None:
    """A table cell's number ("1,024", "３．５", "12件") → int or float, or None (cells print no 万/亿)."""
    t = nfkc(cell).replace(",", "")
    m = _CELL_UNIT.match(t)
    return plain_number(m.group(1) if m else t)


def parse_percent(span: str) -> float | None:
    """"12.5%" / "１２．５％" → 12.5 (the percentage points), or None."""
    t = fold_number_chars(span).strip().replace(" ", "")
    if not t.endswith("%"):
        return None
    value = parse_number(t[:-1])
    return None if value is None else float(value)
