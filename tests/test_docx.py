"""DOCX reader: body order, merged Word cells, bold headings, corrupt files and zip-bomb limits."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from _docgen import BOLD_SENTENCE, CORNER_NOTE, SECTIONS, T3_ROWS, T4_VALUES, VERTICAL_LABEL, make_report_docx

from nlp.errors import ReadError
from nlp.io import read_document
from nlp.io.docx import read_docx_file
from nlp.io.limits import ReadLimits


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_report_docx(tmp_path_factory.mktemp("docxgen") / "report.docx")


@pytest.fixture(scope="module")
def report(docx_path: Path):
    return read_document(docx_path)


def _row(text: str, label: str) -> list[str]:
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) > 1 and any(c.endswith(label) for c in cells[:-1]):
            return cells
    raise AssertionError(label)


def test_tables_and_paragraphs_in_body_order(report) -> None:
    t = report.text
    order = [t.index("二、主动公开政府信息情况"), t.index("行政规范性文件\t2\t1\t9"),
             t.index("三、收到和处理政府信息公开申请情况"), t.index("一、本年新收政府信息公开申请数量\t"),
             t.index("四、政府信息公开行政复议、行政诉讼情况"), t.index("\t".join(map(str, T4_VALUES))),
             t.index("五、存在的主要问题及改进情况")]
    assert order == sorted(order)
    assert [x["n_cols"] for x in report.extras["tables"]] == [4, 10, 15]
    for table in report.extras["tables"]:  # table spans cover whole lines of the text
        assert t[table["start"] - 1] == "\n" and t[table["end"] - 1] == "\n"


def test_merged_cells_written_once_with_grid_alignment(report) -> None:
    t = report.text
    for once in ("申请人情况", "法人或其他组织", CORNER_NOTE, "（三）不予公开", "（五）不予处理", VERTICAL_LABEL):
        assert t.count(once) == 1, once
    head = _row(t, "自然人")
    assert head[3] == "自然人" and head[4] == "法人或其他组织" and head[9] == "总计"
    for group, label, values in T3_ROWS:
        cells = _row(t, label)
        assert len(cells) == 10 and [int(c) for c in cells[-7:]] == values, label
    # vertical merge: the label sits in the first row of its span, the rows below are empty there
    assert _row(t, "（一）予以公开")[0] == VERTICAL_LABEL
    assert _row(t, "2.其他法律行政法规禁止公开")[:2] == ["", ""]
    # horizontal merge of table 四: 行政诉讼 spans 10 columns and starts at column 5
    top = _row(t, "行政复议")
    assert top[0] == "行政复议" and top[5] == "行政诉讼" and len(top) == 6


def test_bold_heading_gets_its_own_line(report) -> None:
    head, body = SECTIONS["overall"]
    assert re.search(f"^{head}\n{re.escape(body[:10])}", report.text, re.MULTILINE)
    found = {h["text"]: h["source"] for h in report.extras["headings"]}
    assert found[head] == "bold" and found["四、政府信息公开行政复议、行政诉讼情况"] == "style"
    assert BOLD_SENTENCE not in found  # a bold sentence is not a heading
    for h in report.extras["headings"]:
        assert report.text[h["start"]:h["end"]] == h["text"]


def test_tab_aligned_paragraph_reads_as_cells(report) -> None:
    assert "联系电话\t0517-1234567\n" in report.text


def test_dispatch_and_direct_call_agree(docx_path: Path, report) -> None:
    assert read_docx_file(docx_path).text == report.text
    assert report.file_format == "docx"


def _bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * size)  # compresses about 1000:1
    return path


def test_zip_bomb_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="zip bomb") as err:
        read_document(_bomb(tmp_path / "bomb.docx", 4 * 1024 * 1024))
    assert "bomb.docx" in str(err.value)


@pytest.mark.parametrize("limits, message", [
    (ReadLimits(max_bytes=2000), "file too large"),
    (ReadLimits(zip_max_members=3), "too many members"),
    (ReadLimits(zip_max_uncompressed=20_000), "expands to more than"),
])
def test_docx_limits(docx_path: Path, limits: ReadLimits, message: str) -> None:
    with pytest.raises(ReadError, match=message) as err:
        read_docx_file(docx_path, limits=limits)
    assert "report.docx" in str(err.value)


@pytest.mark.parametrize("kind", ["garbage", "truncated", "ole", "zip_without_document"])
def test_corrupt_docx_names_the_file(docx_path: Path, tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "broken.docx"
    if kind == "garbage":
        bad.write_bytes(b"this is not a word file" * 50)
    elif kind == "truncated":
        data = docx_path.read_bytes()
        bad.write_bytes(data[: len(data) // 2])
    elif kind == "ole":
        bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    else:
        with zipfile.ZipFile(bad, "w") as zf:
            zf.writestr("hello.txt", "hi")
    with pytest.raises(ReadError) as err:
        read_document(bad)
    assert "broken.docx" in str(err.value)
    if kind == "ole":
        assert ".doc" in str(err.value)


def test_word_automatic_numbering_is_rendered(tmp_path: Path) -> None:
    from _docgen import make_numbered_docx

    res = read_document(make_numbered_docx(tmp_path / "numbered.docx"))
    lines = res.text.splitlines()
    assert lines[:5] == ["一、总体情况", "（一）主动公开情况", "（二）依申请公开情况",
                         "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]
    assert "1.属于国家秘密\t0" in lines  # numbering inside table cells too
    assert [h["text"] for h in res.extras["headings"]][:2] == ["一、总体情况", "（一）主动公开情况"]


@pytest.mark.parametrize("n, fmt, expected", [(1, "chineseCounting", "一"), (10, "chineseCounting", "十"),
                                              (12, "chineseCounting", "十二"), (20, "chineseCounting", "二十"),
                                              (105, "chineseCounting", "一百零五"), (3, "decimalEnclosedCircle", "③"),
                                              (4, "upperRoman", "IV"), (2, "lowerLetter", "b"), (7, None, "7")])
def test_number_formats(n: int, fmt: str | None, expected: str) -> None:
    from nlp.io.docx_numbering import format_number

    assert format_number(n, fmt) == expected


def test_table_of_contents_entries_are_skipped(tmp_path: Path) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    toc = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("一、总体情况\t1", style=toc)
    document.add_paragraph("一、总体情况")
    document.add_paragraph("本年度工作概述。")
    path = tmp_path / "toc.docx"
    document.save(str(path))
    assert read_document(path).text == "一、总体情况\n本年度工作概述。\n"


def test_report_framed_in_a_one_column_table_reads_as_body(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.text = "一、总体情况"
    frame.add_paragraph("本年度工作概述。")
    inner = frame.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "行政许可"
    inner.cell(0, 1).text = "120"
    frame.add_paragraph("二、主动公开政府信息情况")
    path = tmp_path / "framed.docx"
    document.save(str(path))
    res = read_document(path)
    assert res.text == "一、总体情况\n本年度工作概述。\n行政许可\t120\n二、主动公开政府信息情况\n"
    assert [t["n_cols"] for t in res.extras["tables"]] == [2]
