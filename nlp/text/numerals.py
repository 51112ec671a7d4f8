"""Chinese numerals both ways: 十二 → 12 and 12 → 十二 (with 〇/零/两, 十/百/千/万/亿).

Reading uses cn2an on an isolated numeral span only: its whole-sentence transform corrupts
ordinary words (进一步 → 进1步, 统一 → 统1), so it is never handed a sentence.
"""
from __future__ import annotations

from functools import lru_cache

import cn2an

from nlp.text.grammar import grammar

_N = grammar()["numerals"]
DIGIT_VALUES: dict[str, int] = {str(k): int(v) for k, v in _N["digits"].items()}
UNIT_VALUES: dict[str, int] = {str(k): int(v) for k, v in _N["units"].items()}
MULTIPLIERS: dict[str, int] = {str(k): int(v) for k, v in _N["multipliers"].items()}
SMALL_MULTIPLIERS: dict[str, int] = {str(k): int(v) for k, v in _N["small_multipliers"].items()}
# Every character a Chinese numeral is written with, digits first (零〇一二两…九十百千万亿).
NUMERAL_CHARS: str = "".join(DIGIT_VALUES) + "".join(UNIT_VALUES)

_COUNTING_ZERO, _DIGIT_ZERO = _N["counting_zero"], _N["digit_zero"]
# One written form per digit value (两 and 〇 are alternative spellings, not the canonical ones).
_WRITTEN = [_COUNTING_ZERO] + [next(c for c, v in DIGIT_VALUES.items() if v == d and c != "两")
                               for d in range(1, 10)]
_UNIT_OF = {v: u for u, v in UNIT_VALUES.items()}


def round_number(value: float) -> int | float:
    """Integers as int (553, not 553.0); decimals rounded to kill binary noise (32.1万 → 321000)."""
    rounded = round(value, 6)
    return int(rounded) if float(rounded).is_integer() else rounded


@lru_cache(maxsize=4096)
def parse_chinese(span: str) -> int | float | None:
    """A span of Chinese numerals (两, 十二, 一百二十, 百, 千万) → number, or None if malformed."""
    span = span.replace(_DIGIT_ZERO, _COUNTING_ZERO)
    if not span or any(ch not in NUMERAL_CHARS for ch in span):
        return None
    if span in MULTIPLIERS:  # 千万, 百万: no leading digit
        return MULTIPLIERS[span]
    if span[0] in "百千万亿":  # 百余 / 千余 / 万余: an implicit 一
        span = _WRITTEN[1] + span
    try:
        value = cn2an.cn2an(span, "normal")
    except (ValueError, KeyError, IndexError):
        # cn2an rejects some digit-by-digit forms such as 二〇二三 (and they are years anyway)
        return None
    return round_number(float(value))


def _below_myriad(n: int, leading: bool) -> str:
    """1 ≤ n < 10000 in counting form; ``leading``: the number starts here (十二, not 一十二)."""
    out, zero = "", False
    for value in (1000, 100, 10, 1):
        d = n // value % 10
        if d == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out += _COUNTING_ZERO
            zero = False
        if not (leading and not out and value == 10 and d == 1):
            out += _WRITTEN[d]
        out += _UNIT_OF.get(value, "")
    return out


def int_to_chinese(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 20000 → 二万 (counting form, as Word renders list numbers)."""
    if n < 0:
        raise ValueError(f"no Chinese counting form for {n}")
    if n == 0:
        return _COUNTING_ZERO
    out, leading = "", True
    for value in (100_000_000, 10_000, 1):
        part = n // value % 10_000 if value < 100_000_000 else n // value
        if part == 0:
            continue
        if not leading and part < 1000:
            out += _COUNTING_ZERO  # 一万零五, 一亿零三百万
        out += (int_to_chinese(part) if part >= 10_000 else _below_myriad(part, leading)) + _UNIT_OF.get(value, "")
        leading = False
    return out


def int_to_chinese_digits(n: int) -> str:
    """2023 → 二〇二三 (digit by digit, as years and Word's "ideographDigital" lists are written)."""
    return "".join(_DIGIT_ZERO if d == "0" else _WRITTEN[int(d)] for d in str(n))
