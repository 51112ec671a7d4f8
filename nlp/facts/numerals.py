"""Numeral strings → numbers: Arabic (1,024 / 3.2 / full-width), Chinese (两, 十二, 一百二十) and 万/亿 multipliers.

cn2an is used only on an isolated Chinese numeral span: its whole-sentence transform
corrupts ordinary words (进一步 → 进1步, 统一 → 统1), so we never hand it a sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

import cn2an

from nlp.io.limits import DEFAULT_LIMITS

# Length-preserving (one char → one char) so offsets stay valid after translation.
FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)} | {
    "％": "%", "．": ".", "，": "，", "＋": "+", "－": "-",
})

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000, "千万": 10_000_000, "百万": 1_000_000, "十万": 100_000,
               "万亿": 10**12}

_ARABIC = re.compile(r"^\d{1,3}(?:[,，]\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")
_ARABIC_TAIL = re.compile(r"^(\d+(?:[,，]\d{3})*(?:\.\d+)?)\s*(千万|百万|十万|万亿|万|亿|千|百)?$")


def _clean_number(value: float) -> int | float:
    """Integers as int (553, not 553.0); decimals rounded to kill binary noise (32.1万 → 321000)."""
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


@lru_cache(maxsize=4096)
def parse_chinese(span: str) -> int | float | None:
    """A span of Chinese numerals (两, 十二, 一百二十, 百, 千万) → number, or None if malformed."""
    span = span.replace("〇", "零")
    if not span or any(ch not in CN_NUMERAL_CHARS for ch in span):
        return None
    if span in MULTIPLIERS:  # 千万, 百万: no leading digit
        return MULTIPLIERS[span]
    if span[0] in "百千万亿":  # 百余 / 千余 / 万余: an implicit 一
        span = "一" + span
    try:
        value = cn2an.cn2an(span, "normal")
    except (ValueError, KeyError, IndexError):
        # cn2an rejects digit-by-digit forms such as 二〇二三 (and they are years anyway)
        return None
    return _clean_number(float(value))


def parse_number(span: str) -> int | float | None:
    """Arabic or Chinese numeral span, optionally followed by a multiplier (3.2万, 10万, 1.2亿) → number.

    None for a digit run longer than ``ReadLimits.max_number_digits``: it is not a count, and reading
    it would change its value (float) or fail (Python's int conversion limit).
    """
    if sum(ch.isdigit() for ch in span) > DEFAULT_LIMITS.max_number_digits:
        return None
    if span.isascii() and span.isdigit():
        return int(span)
    span = span.translate(FULLWIDTH).strip().replace(" ", "")
    if not span:
        return None
    m = _ARABIC_TAIL.match(span)
    if m:
        digits, mult = m.groups()
        value = float(digits.replace(",", "").replace("，", ""))
        if mult:
            value *= {"千": 1000, "百": 100}.get(mult) or MULTIPLIERS[mult]
        return _clean_number(value)
    return parse_chinese(span)


def is_arabic(span: str) -> bool:
    return bool(_ARABIC.match(span.translate(FULLWIDTH).replace(" ", "")))
