"""Enumerators: how reports number the items of a list (一是…二是, （一）, 1. / 1、, ①, 首先…其次).

The pieces (which characters count, which brackets and separators) come from
``resources/text_grammar.yaml``; the patterns each reader needs are built here from them, so a
new form (say 第一，) is added in one place. Patterns are regex *strings* meant to be embedded in
callers' expressions, or compiled patterns where callers use them as they are.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from nlp.text.grammar import grammar
from nlp.text.numerals import parse_chinese

_E = grammar()["enumerators"]
ORDINAL_DIGITS: str = _E["ordinal_digits"]  # 一二三四五六七八九十
SEQUENCE_WORDS: tuple[str, ...] = tuple(_E["sequence_words"])  # 首先, 其次, 再次
LAST_WORD: str = _E["last_word"]  # 最后: the last item, whatever its number
CIRCLED: str = _E["circled"]  # ①…⑳
OPEN_CHARS, CLOSE_CHARS, SEP_CHARS = _E["open_brackets"], _E["close_brackets"], _E["separators"]
ORD = f"[{ORDINAL_DIGITS}]"  # one ordinal character
OPEN = f"[{OPEN_CHARS}]"  # ( or （
CLOSE = f"[{CLOSE_CHARS}]"  # ) or ）
SEP = f"[{SEP_CHARS}]"  # 、 . ．
CLOSE_OR_SEP = f"[{CLOSE_CHARS}{SEP_CHARS}]"  # what ends 一、 / (一) / 一.
ITEM_WORD = _E["item_word"]  # 是 of 一是
PART_WORDS = _E["part_words"]  # 章节部分 of 第一部分
ARTICLE_WORD = _E["article_word"]  # 条 of 第三条


def ordinal_class(first: int = 1, last: int = 10) -> str:
    """Regex class of the ordinals ``first``…``last`` (1 → 一): "(一)"/"(二)" items of one section."""
    return f"[{ORDINAL_DIGITS[first - 1:last]}]"


# Where a line starts a list item or a heading, so it is never glued to the line before
# (normaliser) and the line break before it is a real boundary (fact extractor): # (Markdown),
# 一、 / （一） / 一. , (1) , 1、 / 1. (not 1.5), 一是, 第一部分 / 第三条 (an article opens a line too).
LINE_START_ITEM = (
    rf"(?:#|{OPEN}?{ORD}{{1,3}}\s?{CLOSE_OR_SEP}|{OPEN}\d{{1,2}}{CLOSE}"
    rf"|\d{{1,2}}{SEP}(?!\d)|{ORD}{ITEM_WORD}|第[{ORDINAL_DIGITS}\d]+[{PART_WORDS}{ARTICLE_WORD}])"
)

# An enumerator printed in a table label cell; several may precede one label ("(三) 不予公开 1.属于…").
# Groups: Chinese ordinal of 一、, of (一), digits of 1. / 1、.
LABEL_ENUMERATOR = re.compile(
    rf"({ORD}{{1,2}})\s*、|{OPEN}\s*({ORD}{{1,2}})\s*{CLOSE}|(?<![\d.])(\d{{1,2}})\s*{SEP}(?!\d)"
)

# The enumerator before a heading inside prose ("（一）存在的主要问题", "二、改进措施"), optional.
HEADING_PREFIX = rf"(?:{OPEN}[{ORDINAL_DIGITS}1-9]{CLOSE}|{ORD}、|[1-9]{SEP})?"

# A list marker at a line start, never a quantity: "1、", "(2).", "三、" (the fact extractor's negative).
LIST_MARKER = rf"^\s*{OPEN}?[\d{ORDINAL_DIGITS}]{{1,3}}{CLOSE}?{SEP}(?!\d)"

# Item styles of enumerations in prose, each with one group capturing the ordinal (the "sequence"
# style has two: 第一， or 首先，). Callers add the context an item may follow.
ITEM_STYLES: dict[str, str] = {
    "shi": rf"({ORD}{{1,2}}){ITEM_WORD}",  # 一是…二是
    "paren": rf"{OPEN}({ORD}{{1,2}}){CLOSE}",  # （一）…（二）
    "digit": rf"([1-9]){SEP}(?!\d)",  # 1.…2、
    "sequence": rf"(?:第({ORD})[，,、]|({SEQUENCE_WORDS[0]})[，,])",  # 第一，… / 首先，…
}


def printed_enumerator(token: str) -> str:
    """Regex for the enumerator ``token`` as a table prints it before a label: "2." / "2、" for a digit,
    "(四)" / "四、" for a Chinese ordinal (spaces allowed inside)."""
    if token.isdigit():
        return re.escape(token) + rf"\s*{SEP}"
    return rf"(?:{OPEN}\s*{token}\s*{CLOSE}|{token}\s*、)"


def ordinal_value(token: str | None) -> int | None:
    """The number an enumerator token counts: "五" → 5, "十二" → 12, "3" → 3, "首先" → 1, "②" → 2.

    None when the token is no ordinal, so a caller never guesses a position.
    """
    if not token:
        return None
    if token.isdecimal():
        return int(token)
    if token in SEQUENCE_WORDS:
        return SEQUENCE_WORDS.index(token) + 1
    if len(token) == 1 and token in CIRCLED:
        return CIRCLED.index(token) + 1
    value = parse_chinese(token)
    return value if isinstance(value, int) else None


class Enumerator(NamedTuple):
    """An enumerator read at the start of a line: its style, the number it counts and where it ends."""

    style: str  # paren | comma | dot | shi | circled | sequence | last | part
    value: int | None  # None only for 最后 (the last item: its number is not written)
    end: int  # offset just after the enumerator (and its separator)


_LEADING = re.compile(
    rf"\s*(?:{OPEN}\s*(?P<paren>{ORD}{{1,3}}|\d{{1,2}})\s*{CLOSE}"
    rf"|(?P<part>第(?:{ORD}{{1,3}}|\d{{1,2}})(?:部分|[{PART_WORDS}{ARTICLE_WORD}]))"
    rf"|(?P<shi>{ORD}{{1,3}}){ITEM_WORD}"
    rf"|(?P<comma>{ORD}{{1,3}}|\d{{1,2}})\s*、"
    rf"|(?P<dot>{ORD}{{1,3}}|\d{{1,2}})\s*[.．](?!\d)"
    rf"|(?P<circled>[{CIRCLED}])"
    rf"|(?P<sequence>{'|'.join(SEQUENCE_WORDS)})(?=[，,、：:\s])|(?P<last>{LAST_WORD})(?=[，,、：:\s]))"
)


def leading_enumerator(line: str) -> Enumerator | None:
    """The enumerator that opens ``line`` ("（三）…", "2、…", "二是…", "③…", "其次，…", "第二部分…"), or None.

    For new readers that need the kind and the count of an item in one call; the value is never
    guessed (a token that counts nothing gives None).
    """
    m = _LEADING.match(line)
    if m is None:
        return None
    style = m.lastgroup or ""
    token = m.group(style)
    if style == "part":
        token = re.sub(rf"^第|(?:部分|[{PART_WORDS}{ARTICLE_WORD}])$", "", token)
    value = ordinal_value(token)
    if value is None and style != "last":
        return None
    return Enumerator(style, value, m.end())
