"""Reading: encodings, HTML tables, and bad input that must fail with a clear message."""
from __future__ import annotations

import codecs

import pytest
from conftest import SEED_FILES, real_reports, requires_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.errors import ReadError, UnsupportedFormat
from nlp.io import read_document
from nlp.io.text import _CJK, _GARBAGE, _looks_like_text


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16", "utf-16-le", "utf-8-sig"])
def test_encoded_copies_of_a_seed_read_exactly_like_utf8(tmp_path, encoding):
    for seed in SEED_FILES:
        original = read_document(seed)
        copy = tmp_path / f"{seed.stem}.{encoding}.txt"
        data = original.text.encode(encoding)
        if encoding == "utf-16-le":  # no BOM: must be recognised from its byte pattern
            assert not data.startswith(codecs.BOM_UTF16_LE)
        copy.write_bytes(data)
        assert read_document(copy).text == original.text


def test_seed_is_utf8_and_keeps_its_text(seed_paths):
    r = read_document(seed_paths[1])
    assert r.encoding == "utf-8"
    assert r.text == seed_paths[1].read_text(encoding="utf-8")
    assert "受理12345便民服务热线441件" in r.text


def test_empty_file_is_an_error_naming_the_file(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.txt: empty file"):
        read_document(p)


def test_binary_file_is_an_error(tmp_path):
    p = tmp_path / "image.txt"
    p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(ReadError, match=r"image\.txt: .*(binary|decode)"):
        read_document(p)


def test_file_truncated_inside_a_multibyte_character(tmp_path, seed_paths):
    data = seed_paths[0].read_bytes()
    cut = data.rindex("报告".encode()) + 1  # inside the 3-byte UTF-8 sequence of 报
    p = tmp_path / "truncated.txt"
    p.write_bytes(data[:cut])
    with pytest.raises(ReadError, match=r"truncated\.txt: truncated"):
        read_document(p)


def test_latin1_garbage_is_not_silently_decoded(tmp_path):
    p = tmp_path / "garbage.txt"
    p.write_bytes("Ãƒâ€ž some mojibake Ã©Ã¨ without any Chinese".encode("latin-1", "replace") * 20)
    with pytest.raises(ReadError, match="garbage.txt"):
        read_document(p)


def test_unsupported_suffix(tmp_path):
    p = tmp_path / "report.xls"
    p.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UnsupportedFormat, match=r"report\.xls: unsupported format '\.xls'"):
        read_document(p)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="file not found"):
        read_document(tmp_path / "nope.txt")


def test_html_fragment_tables_become_tab_rows(tmp_path):
    p = tmp_path / "t.html"
    p.write_text(
        "<html><head><title>x</title><script>var a='一、总体情况';</script></head><body>"
        "<p>一、总体情况</p><table><tr><td>一、本年新收政府信息公开申请数量</td><td>26</td><td></td><td>26</td></tr>"
        "<tr><th>行政许可</th><td>0</td></tr></table><p>五、存在的主要问题及改进情况<br>一是……</p></body></html>",
        encoding="utf-8",
    )
    text = read_document(p).text
    assert "一、本年新收政府信息公开申请数量\t26\t\t26\n" in text
    assert "行政许可\t0\n" in text
    assert "var a" not in text  # scripts are not visible text
    assert "五、存在的主要问题及改进情况\n一是" in text


@requires_shared
def test_real_html_report_keeps_table_rows_and_blank_cells():
    (html,) = real_reports(".html")
    text = read_document(html).text
    rows = [ln for ln in text.splitlines() if ln.startswith("一 、本年新收政府信息公开申请数量")]
    assert len(rows) == 1
    cells = rows[0].split("\t")
    # 自然人 26, five blank organisation cells, 总计 26: blanks stay blank, positions stay put.
    assert cells[1] == "26" and cells[-1] == "26" and cells[2:7] == [""] * 5


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("政府信息公开ab1 \n\t\x00\x07\ufffd\ue001。")), max_size=3000))
def test_text_test_counts_only_as_far_as_its_thresholds(text):
    """``_looks_like_text`` stops counting at its thresholds: the answer of counting every match."""
    limit = max(2, len(text) // 1000)
    want = bool(text.strip()) and len(_GARBAGE.findall(text)) <= limit \
        and len(_CJK.findall(text)) >= min(10, max(1, len(text) // 50))
    assert _looks_like_text(text) == want
