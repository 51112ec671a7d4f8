"""Normalisation keeps an exact map back to the original text."""
from __future__ import annotations

from conftest import SEED_FILES
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.normalize import _ASCII_CLAUSE, _CHAR_MAP, normalize


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
