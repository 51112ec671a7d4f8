"""Normalisation keeps an exact map back to the original text."""
from __future__ import annotations

from conftest import SEED_FILES, layout_variants, text_reports
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.normalize import _ASCII_CLAUSE, _CHAR_MAP, _PAGE_NUMBER_LINE, _continues, _deleted_ranges, normalize


def _check_map(text: str) -> None:
    """Every kept character comes from the original character at its mapped offset."""
    n = normalize(text)
    assert len(n._map) == len(n.text)
    assert list(n._map) == sorted(set(n._map))  # strictly increasing: spans never cross
    for i, ch in enumerate(n.text):
        a, b = n.orig_span(i, i + 1)
        assert 0 <= a < b <= len(text) and b == a + 1
        src = text[a]
        assert ch in (_CHAR_MAP.get(src, src), _ASCII_CLAUSE.get(src))


def test_spaces_next_to_cjk_removed_and_spans_map_back():
    text = "通过微信公众号平台主动公开各类信息 553 条，累计处理达 950 余件。"
    n = normalize(text)
    assert "信息553条" in n.text and "达950余件" in n.text
    i = n.text.index("553条")
    a, b = n.orig_span(i, i + 4)
    assert text[a:b] == "553 条"


def test_width_quotes_and_brackets():
    n = normalize("（一）主动公开１２３条，危及“三安全一稳定”")
    assert n.text == '(一)主动公开123条，危及"三安全一稳定"'


def test_ascii_clause_punctuation_next_to_cjk_becomes_full_width():
    n = normalize("2023 年度, 新乡市; 共计:3.5万条, 12,345")
    assert n.text == "2023年度，新乡市；共计：3.5万条，12,345"  # digits keep their ASCII comma


def test_page_number_lines_are_dropped():
    text = "第一页的最后一段文字还没有写完整的句子内容\n- 4 -\n继续写完。\n— 6 —\n第 3 页 共 9 页\n结束"
    n = normalize(text)
    assert "- 4 -" not in n.text and "— 6 —" not in n.text and "共 9 页" not in n.text
    assert "句子内容继续写完。" in n.text


def test_broken_line_in_real_seed_is_joined():
    text = SEED_FILES[1].read_text(encoding="utf-8")
    assert "建立依申请公开制\n\n度" in text
    n = normalize(text)
    i = n.text.index("建立依申请公开制度")
    a, b = n.orig_span(i, i + len("建立依申请公开制度"))
    assert text[a:b] == "建立依申请公开制\n\n度"


def test_headings_and_table_cells_are_not_joined():
    text = "(三)完善公开制度规范，加强政府信息管理\n我局所有发布信息均按照原则执行\n商业\n企业\n一、本年新收政府信息公开申请数量\t0\t0"
    n = normalize(text)
    assert "管理\n我局" in n.text and "商业\n企业" in n.text


def test_map_on_all_seeds():
    for seed in SEED_FILES:
        _check_map(seed.read_text(encoding="utf-8"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="政府信息公开 条件０１２3４,，;：:“”（）()\n\t-— 第页共abcＡ\u3000", max_size=80))
def test_map_is_exact_for_any_text(text):
    _check_map(text)


def _deleted_ranges_line_by_line(text: str) -> list[tuple[int, int]]:
    """The plain form of normalize._deleted_ranges: one ^…$ scan for page-number lines, then every pair of
    consecutive non-blank lines (page-number lines skipped) judged by _continues."""
    import re

    pattern = re.compile("^" + _PAGE_NUMBER_LINE, re.MULTILINE)
    ranges = [(m.start(), min(m.end() + 1, len(text))) for m in pattern.finditer(text)]
    page_lines = {a for a, _ in ranges}
    prev = None
    s = 0
    for line in text.split("\n"):
        e = s + len(line)
        if s not in page_lines and line.strip():
            if prev is not None:
                pline = text[prev[0]:prev[1]].rstrip(" ")
                nline = line.lstrip(" ")
                if _continues(pline, nline):
                    ranges.append((prev[0] + len(pline), s + (len(line) - len(nline))))
            prev = (s, e)
        s = e + 1
    return ranges


def test_deleted_ranges_equal_the_line_by_line_scan_on_reports():
    for path in text_reports():
        for text in layout_variants(path.read_text(encoding="utf-8")):
            assert _deleted_ranges(text) == _deleted_ranges_line_by_line(text)


_LONG = "因政府信息公开申请行政复议提起行政诉讼的情况说明"  # longer than a wrapped line must be


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(list("政府信息公开，、。“\"(（《）1 \t\n|#一")),
                          st.sampled_from([_LONG, "一是" + _LONG, _LONG[:19], _LONG[:18], _LONG[:12], _LONG[:8],
                                           "\n- 3 -\n", "第 2 页", "\n\n", "   \n", "(三)", "情况", "12/30"])),
                max_size=40))
def test_deleted_ranges_equal_the_line_by_line_scan_on_generated_text(parts: list[str]) -> None:
    text = "".join(parts)
    assert _deleted_ranges(text) == _deleted_ranges_line_by_line(text)
