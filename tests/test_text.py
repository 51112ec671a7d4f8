"""The text grammar (nlp/text): numerals both ways, numbers as reports write them, enumerators,
heading numbers and the width map — on real reports first, then on properties and small variants."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.normalize import normalize
from nlp.text import (
    fold_number_chars,
    int_to_chinese,
    int_to_chinese_digits,
    is_arabic,
    nfkc,
    nfkc_char,
    ordinal_value,
    parse_cell,
    parse_chinese,
    parse_number,
    parse_percent,
)
from nlp.text.enumerators import (
    ITEM_STYLES,
    LABEL_ENUMERATOR,
    LINE_START_ITEM,
    LIST_MARKER,
    leading_enumerator,
)
from nlp.text.grammar import expand
from nlp.text.headings import CELL_ROW_MARK, NUMBERED_PARAGRAPH, SECTION_HEADING_LINE, SUB_NUMBER, TOP_NUMBER
from nlp.text.numerals import DIGIT_VALUES, MULTIPLIERS
from nlp.text.width import DIGITS, FULLWIDTH_DIGITS, LETTERS, NUMBER_TABLE, TEXT_MAP
from tests.conftest import SEED_FILES, real_reports

TEXTS = SEED_FILES + real_reports(".txt", ".md")
# An Arabic number as the reports print it, with an optional 万/亿 multiplier right after it.
_PRINTED = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万|亿)?(?![\d,])")


def _printed_numbers(path: Path) -> list[tuple[str, Decimal]]:
    """(span, value computed independently with Decimal) for every printed number of a report."""
    out = []
    for m in _PRINTED.finditer(normalize(path.read_text(encoding="utf-8")).text):
        value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
        out.append((m.group(), value * MULTIPLIERS.get(m.group(3) or "", 1)))
    return out


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_numbers_of_real_reports_parse_to_their_value(path: Path) -> None:
    numbers = _printed_numbers(path)
    assert len(numbers) > 20
    for span, value in numbers:
        assert Decimal(str(parse_number(span))) == value, span
        # The same number full-width (PDF text layers) or with a stray space (justified lines).
        wide = "".join(FULLWIDTH_DIGITS.get(ch, ch) for ch in span)
        assert Decimal(str(parse_number(wide))) == value, wide
        assert Decimal(str(parse_number(span[:1] + " " + span[1:]))) == value


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_percentages_of_real_reports(path: Path) -> None:
    text = normalize(path.read_text(encoding="utf-8")).text
    spans = re.findall(r"(?<![\d.])\d+(?:\.\d+)?%", text)
    for span in spans:
        assert parse_percent(span) == float(span[:-1])
        assert parse_percent("".join(FULLWIDTH_DIGITS.get(c, c) for c in span).replace("%", "％")) == float(span[:-1])


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_section_numbers_of_seeds_count_one_to_six(path: Path) -> None:
    """The numbered top-level lines of each seed include the six statutory headings 一…六, in order."""
    lines = normalize(path.read_text(encoding="utf-8")).text.split("\n")
    numbers = [ordinal_value(m.group("num")) for line in lines if (m := TOP_NUMBER.match(line.lstrip()))
               and not m.group("num").isdigit()]
    want = iter(range(1, 7))
    nxt = next(want)
    for n in numbers:
        if n == nxt:
            nxt = next(want, None)
            if nxt is None:
                break
    assert nxt is None, numbers
    subs = [ordinal_value(m.group("num")) for line in lines if (m := SUB_NUMBER.match(line.lstrip()))]
    assert subs[:5] == [1, 2, 3, 4, 5]


# --- Chinese numerals ------------------------------------------------------------------------

@pytest.mark.parametrize("text,value", [
    ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("两千", 2000), ("百", 100), ("千万", 10_000_000),
    ("一万二", 12000), ("三千零五十", 3050), ("一亿两千万", 120_000_000), ("〇", 0)])
def test_parse_chinese(text: str, value: int) -> None:
    assert parse_chinese(text) == value


def test_parse_chinese_refuses_what_is_no_numeral() -> None:
    assert parse_chinese("进一步") is None  # never a sentence
    assert parse_chinese("十十") is None
    assert parse_chinese("") is None


@given(st.integers(min_value=1, max_value=10**12))
@settings(max_examples=400, deadline=None)
def test_chinese_counting_round_trip(n: int) -> None:
    written = int_to_chinese(n)
    assert parse_chinese(written) == n
    assert written.replace("两", "二") == written  # one written form: 二, not 两


@given(st.integers(min_value=0, max_value=10**9))
def test_chinese_digits_round_trip(n: int) -> None:
    written = int_to_chinese_digits(n)
    assert "".join(str(DIGIT_VALUES[ch]) for ch in written) == str(n)


def test_chinese_counting_as_word_lists_show_it() -> None:
    assert [int_to_chinese(n) for n in (1, 10, 11, 20, 21, 100, 105, 110, 1000, 10005)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十", "一千", "一万零五"]
    assert int_to_chinese_digits(2023) == "二〇二三"


@given(st.integers(min_value=1, max_value=99))
def test_ordinal_value_reads_heading_numbers(n: int) -> None:
    assert ordinal_value(int_to_chinese(n)) == n
    assert ordinal_value(str(n)) == n


def test_ordinal_value_of_other_enumerators() -> None:
    assert [ordinal_value(t) for t in ("首先", "其次", "再次", "①", "⑩")] == [1, 2, 3, 1, 10]
    # 最后 closes a list of any length: it counts no position, so none is guessed.
    assert ordinal_value("最后") is None
    assert ordinal_value("") is None and ordinal_value(None) is None and ordinal_value("是") is None


@pytest.mark.parametrize("line,style,value,end", [
    ("（三）加强队伍建设", "paren", 3, 3), ("(12)其他", "paren", 12, 4), ("2、完善制度", "comma", 2, 2),
    ("  五、存在的主要问题", "comma", 5, 4), ("十一、其他", "comma", 11, 3), ("3.加强培训", "dot", 3, 2),
    ("二是强化监督", "shi", 2, 2), ("③细化标准", "circled", 3, 1), ("其次，我们", "sequence", 2, 2),
    ("最后，加强", "last", None, 2), ("第二部分 主动公开", "part", 2, 4), ("第三章", "part", 3, 3)])
def test_leading_enumerator(line: str, style: str, value: int | None, end: int) -> None:
    assert leading_enumerator(line) == (style, value, end)


@pytest.mark.parametrize("line", ["3.5万条", "一些问题", "最后一公里", "首先要", "是否公开", "12345热线"])
def test_no_leading_enumerator(line: str) -> None:
    assert leading_enumerator(line) is None


@given(st.integers(min_value=1, max_value=99), st.sampled_from(["（{}）", "({})", "{}、", "{}是"]))
def test_leading_enumerator_reads_what_int_to_chinese_writes(n: int, form: str) -> None:
    line = form.format(int_to_chinese(n)) + "加强管理"
    enum = leading_enumerator(line)
    assert enum is not None and enum.value == n and line[enum.end:].startswith("加强")


def test_resource_patterns_take_the_grammar_sets() -> None:
    assert expand("[{ordinal_digits}]{1,3}月") == "[一二三四五六七八九十]{1,3}月"
    assert expand("[\\d{numeral_digits}十]+") == "[\\d零〇一二两三四五六七八九十]+"
    assert expand("(?P<num>\\d{1,2})") == "(?P<num>\\d{1,2})"  # quantifiers and groups untouched


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("span,value", [
    ("1,024", 1024), ("1，024", 1024), ("3.2万", 32000), ("32.1万", 321000), ("1.2亿", 120_000_000),
    ("１２３", 123), ("３．５", 3.5), ("12 345", 12345), ("5千", 5000), ("百余", None), ("两", 2), ("十二万", 120000)])
def test_parse_number(span: str, value: float | None) -> None:
    assert parse_number(span) == value
    if isinstance(value, int):
        assert isinstance(parse_number(span), int)  # 553, not 553.0


def test_is_arabic_and_cells() -> None:
    assert is_arabic("1,024") and is_arabic("３５") and not is_arabic("3.2万") and not is_arabic("十二")
    assert [parse_cell(c) for c in ("1,024", "12件", "3.5万元", "-", "05")] == [1024, 12, 3.5, None, 5]


# --- enumerators and headings -----------------------------------------------------------------

def test_item_styles_find_each_kind_of_list() -> None:
    prose = {"shi": "一是加强培训；二是完善制度；三是强化监督。", "paren": "（一）加强培训。（二）完善制度。",
             "digit": "1.加强培训；2、完善制度。", "sequence": "首先，加强培训。第二，完善制度。"}
    for style, text in prose.items():
        hits = [ordinal_value(next(g for g in m.groups() if g)) for m in re.finditer(ITEM_STYLES[style], text)]
        assert hits[:2] == [1, 2], style


def test_line_starts_and_list_markers() -> None:
    start = re.compile(LINE_START_ITEM)
    for line in ("一、总体情况", "（二）主动公开", "(3)网站", "4、加强", "二是完善", "第一部分", "第三条", "# 标题"):
        assert start.match(line), line
    for line in ("1.5万条", "一些问题", "12345热线"):
        assert not start.match(line), line
    assert re.match(LIST_MARKER, "（三）、") and not re.match(LIST_MARKER, "3.5")


def test_heading_forms() -> None:
    assert TOP_NUMBER.match("五、存在的主要问题").group("num") == "五"
    assert TOP_NUMBER.match("第二部分，主动公开").group("num") == "二"
    assert not TOP_NUMBER.match("5.3万条")
    m = SECTION_HEADING_LINE.search("前文\n## 5、存在问题及改进措施\n正文")
    assert (m.group("num"), m.group("title")) == ("5", "存在问题及改进措施")
    assert NUMBERED_PARAGRAPH.match("（一）主动公开") and NUMBERED_PARAGRAPH.match("第二章 总则")
    assert CELL_ROW_MARK.match("（五）其他") and not CELL_ROW_MARK.match("无法提供")
    assert [m.group(1) or m.group(2) or m.group(3) for m in LABEL_ENUMERATOR.finditer("(三) 不予公开 1.属于国家秘密")] \
        == ["三", "1"]


# --- width map -------------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFFEF), max_size=60))
def test_width_maps_are_idempotent_and_keep_length(text: str) -> None:
    table = str.maketrans(TEXT_MAP)
    once = text.translate(table)
    assert once.translate(table) == once
    assert len(fold_number_chars(text)) == len(text)
    assert fold_number_chars(fold_number_chars(text)) == fold_number_chars(text)
    assert len(nfkc(text)) == len(text)
    assert nfkc(nfkc(text)) == nfkc(text)


def test_one_map_agrees_with_unicode() -> None:
    """Every full-width character the map folds is folded as Unicode's NFKC folds it (no private table)."""
    folded = {k: v for k, v in TEXT_MAP.items() if 0xFF00 <= ord(k) <= 0xFFEF}
    assert set(DIGITS) | set(LETTERS) <= set(folded)
    for wide, narrow in folded.items():
        assert nfkc_char(wide) == narrow
    assert {chr(k): v for k, v in NUMBER_TABLE.items()}.items() <= folded.items()


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_leading_enumerator_reads_the_headings_of_seeds(path: Path) -> None:
    """Each statutory heading of a seed opens with 一、…六、 and each sub-item of 一 with (一), (二), …"""
    from nlp.segment import segment

    text = path.read_text(encoding="utf-8")
    sections, _, _ = segment(text)
    heads = [leading_enumerator(text[s.heading_start:s.heading_end]) for s in sections]
    assert [(e.style, e.value) for e in heads] == [("comma", n) for n in range(1, 7)]
    subs = [leading_enumerator(text[s.heading_start:s.heading_end]) for s in sections[0].subsections]
    assert len(subs) >= 4 and [(e.style, e.value) for e in subs] == [("paren", n) for n in range(1, len(subs) + 1)]


def test_grammar_is_written_once() -> None:
    """No module or resource outside nlp/text and text_grammar.yaml keeps its own copy of the ordinal
    digits, the Chinese numeral characters, the full-width offset, NFKC folding or cn2an calls."""
    root = Path(__file__).resolve().parents[1] / "nlp"
    copies = re.compile(r"一二三四五六七八九|零〇一二两|〇一二三|0xFEE0|0xFF10|\"NFKC\"|cn2an\.cn2an|首先\|")
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".py", ".yaml") or "text" in path.relative_to(root).parts[:1] \
                or path.name == "text_grammar.yaml":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if copies.search(line):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()[:80]}")
    assert not found, "\n".join(found)
