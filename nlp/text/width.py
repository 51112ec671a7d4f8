"""Character widths: the one map from full-width forms (and typographic quotes and spaces) to ASCII.

Reports mix ３５ and 35, （一） and (一); every parser reads one form. All maps here are one
character for one character (or to nothing, for the normaliser that keeps its own offset map), so
offsets found on folded text are offsets into the source.
"""
from __future__ import annotations

import unicodedata

from nlp.text.grammar import grammar

_W = grammar()["width"]
OFFSET: int = int(_W["fullwidth_offset"])


def _fold(chars: str) -> dict[str, str]:
    return {ch: chr(ord(ch) - OFFSET) for ch in chars}


def _span(first: str, last: str) -> str:
    """The full-width forms of the ASCII characters ``first``…``last``."""
    return "".join(chr(c + OFFSET) for c in range(ord(first), ord(last) + 1))


DIGITS: dict[str, str] = _fold(_span("0", "9"))  # ０-９ → 0-9
FULLWIDTH_DIGITS: dict[str, str] = {v: k for k, v in DIGITS.items()}  # 0-9 → ０-９
LETTERS: dict[str, str] = _fold(_span("A", "Z") + _span("a", "z"))  # Ａ-Ｚ, ａ-ｚ → A-Z, a-z

# The normaliser's map (nlp.normalize): digits, letters, brackets and signs to ASCII, curly quotes
# to straight ones, odd spaces to a space, invisible characters to nothing.
TEXT_MAP: dict[str, str] = (DIGITS | LETTERS | _fold(_W["symbols"]) | dict(_W["quotes"])
                            | dict.fromkeys(_W["spaces"], " ") | dict.fromkeys(_W["dropped"], ""))

# ASCII clause marks → full-width ("," → "，"): the normaliser writes them so next to CJK text.
CLAUSE_MARKS_TO_FULLWIDTH: dict[str, str] = {ch: chr(ord(ch) + OFFSET) for ch in _W["clause_marks"]}

# Inside numbers only (digits, %, ., +, -): the fact extractor folds the raw text with it.
NUMBER_TABLE: dict[int, str] = str.maketrans(DIGITS | _fold(_W["number_symbols"]))


def fold_number_chars(text: str) -> str:
    """``text`` with full-width digits and number signs in ASCII (same length, so offsets hold)."""
    return text.translate(NUMBER_TABLE)


class _NfkcTable(dict):
    """str.translate table: NFKC of a character when it stays one character (offsets stay 1:1)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        self[code] = value = n if len(n) == 1 else ch
        return value


_NFKC = _NfkcTable()
_LONG = 2000  # texts this long are whole reports, folded again by every marker search: keep the last ones
_recent: list[tuple[str, str]] = []


def nfkc_char(ch: str) -> str:
    """NFKC of one character when that is one character (full-width → ASCII, ① → 1), else ``ch``."""
    return ch.translate(_NFKC)


def nfkc(text: str) -> str:
    """``text`` folded character by character with :func:`nfkc_char` (same length; table labels, cells)."""
    if len(text) < _LONG:
        return text.translate(_NFKC)
    return nfkc_report(text)


def nfkc_report(text: str) -> str:
    """:func:`nfkc` of a whole report text of any length, kept for the last two texts (a report and its
    reflowed copy): the table readers fold the same report for a dozen marker searches and regions."""
    for src, norm in _recent:
        if src is text:
            return norm
    norm = text.translate(_NFKC)
    _recent.insert(0, (text, norm))
    del _recent[2:]
    return norm
    norm = text.translate(_NFKC)
    _recent.insert(0, (text, norm))
    del _recent[2:]
    return norm
