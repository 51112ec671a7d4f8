"""The grammar of report text, written once: numerals, numbers, enumerators, heading numbers, widths.

Modules: :mod:`~nlp.text.numerals` (Chinese numerals both ways), :mod:`~nlp.text.numbers` (numbers
as written: 1,024 / 3.2万 / ３５ / 12.5%), :mod:`~nlp.text.enumerators` (一是, （一）, 1., ①, 首先),
:mod:`~nlp.text.headings` (section and sub-item numbers), :mod:`~nlp.text.width` (the full-width
map), :mod:`~nlp.text.codes` (text as an array of code points). Vocabulary lives in ``resources/text_grammar.yaml``.
"""
from __future__ import annotations

from nlp.text.enumerators import Enumerator, leading_enumerator, ordinal_value
from nlp.text.numbers import is_arabic, parse_cell, parse_number, parse_percent, plain_number
from nlp.text.numerals import int_to_chinese, int_to_chinese_digits, parse_chinese
from nlp.text.width import fold_number_chars, nfkc, nfkc_char

__all__ = [
           "Enumerator",
           "fold_number_chars",
           "int_to_chinese",
           "int_to_chinese_digits",
           "is_arabic",
           "leading_enumerator",
           "nfkc",
           "nfkc_char",
           "ordinal_value",
           "parse_cell",
           "parse_chinese",
           "parse_number",
           "parse_percent",
           "plain_number",
]
