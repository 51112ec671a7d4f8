"""PDF reader: reading order, page furniture, ruled tables (merged cells, page breaks), fallbacks, errors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from _docgen import (
    CORNER_NOTE,
    PAGE_HEADER,
    SPLIT_AFTER,
    T3_ROWS,
    T4_VALUES,
    VERTICAL_LABEL,
    make_framed_paragraph_pdf,
    make_report_pdf,
    make_scanned_pdf,
)
from conftest import real_reports, requires_shared

from nlp.errors import ReadError
from nlp.io import read_document
from nlp.io.limits import ReadLimits
from nlp.io.pdf import SCANNED_MESSAGE, read_pdf_file

REAL_PDFS = real_reports(".pdf")
PAGE_NUMBER_LINE = re.compile(r"^\s*[-－—–]\s*\d+\s*[-－—–]\s*$", re.MULTILINE)
SIX_HEADS = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
             "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


@pytest.fixture(scope="module")
def gen_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pdfgen")
    make_report_pdf(d / "ruled.pdf")
    make_report_pdf(d / "borderless.pdf", ruled=False)
    make_framed_paragraph_pdf(d / "framed.pdf")
    make_scanned_pdf(d / "scanned.pdf")
    return d


@pytest.fixture(scope="module")
def ruled(gen_dir: Path):
    return read_document(gen_dir / "ruled.pdf")


def _row_line(text: str, label: str) -> list[str]:
    """Cells of the table row whose last label cell ends with ``label``."""
    for line in text.splitlines():
        cells = line.split("\t")
        if any(c.endswith(label) for c in cells[:-1]) and len(cells) >= 2:
            return cells
    raise AssertionError(f"no row for {label!r}")


def _ints(cells: list[str], n: int) -> list[int]:
    tail = cells[-n:]
    assert all(re.fullmatch(r"\d+", c) for c in tail), cells
    return [int(c) for c in tail]


# ------------------------------------------------------------------ generated ruled report

def test_every_table3_row_is_one_line_with_its_seven_values(ruled) -> None:
    for group, label, values in T3_ROWS:
        cells = _row_line(ruled.text, label)
        assert _ints(cells, 7) == values, label


def test_table3_keeps_grid_columns_and_merged_headers_once(ruled) -> None:
    assert ruled.text.count("申请人情况") == 1
    assert ruled.text.count("法人或其他组织") == 1
    assert ruled.text.count(CORNER_NOTE) == 1
    head = _row_line(ruled.text, "自然人")
    # grid positions survive the merged header cells: 自然人 col 3, 法人… col 4, 总计 col 9
    assert head[3] == "自然人" and head[4] == "法人或其他组织" and head[9] == "总计"
    sub = next(ln.split("\t") for ln in ruled.text.splitlines() if "商业企业" in ln)
    assert sub[4:9] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    # every data row has the 10 grid cells (3 label columns + 7 values)
    for _, label, _ in T3_ROWS:
        assert len(_row_line(ruled.text, label)) == 10, label


def test_vertical_one_char_per_line_label_is_joined_into_its_cell(ruled) -> None:
    cells = _row_line(ruled.text, "（一）予以公开")
    assert cells[0] == VERTICAL_LABEL
    assert ruled.text.count(VERTICAL_LABEL) == 1
    assert not re.search(r"^本$", ruled.text, re.MULTILINE)


def test_table_split_across_pages_reads_as_consecutive_rows(ruled) -> None:
    lines = ruled.text.splitlines()
    before = T3_ROWS[SPLIT_AFTER][1]
    after = T3_ROWS[SPLIT_AFTER + 1][1]
    i = next(k for k, ln in enumerate(lines) if before in ln)
    assert after in lines[i + 1], "the page break must not put anything between two rows"
    # the group label cut by the break is one cell, with a box on each page
    assert _row_line(ruled.text, before)[1] == "（四）无法提供"
    pages = {b[2] for b in ruled.extras["cell_boxes"]
             if ruled.text[b[0]:b[1]] in ("（四）无", "法提供")}
    assert pages == {2, 3}


def test_page_numbers_and_repeated_headers_are_removed(ruled) -> None:
    assert not PAGE_NUMBER_LINE.search(ruled.text)
    assert PAGE_HEADER not in ruled.text
    assert ruled.extras["removed_lines"] == 6  # 3 page numbers + 3 headers
    assert ruled.extras["pages"] == 3
    starts = ruled.extras["page_starts"]
    assert starts[0] == 0 and starts == sorted(starts) and starts[-1] < len(ruled.text)


def test_cell_boxes_point_at_the_cell_text(ruled) -> None:
    boxes = ruled.extras["cell_boxes"]
    assert len(boxes) > 200
    for start, end, page, x0, top, x1, bottom in boxes:
        piece = ruled.text[start:end]
        assert piece and "\t" not in piece and "\n" not in piece
        assert 1 <= page <= 3 and 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842
    # the values of a row run left to right on one page
    line_start = ruled.text.index("一、本年新收政府信息公开申请数量")
    row = [b for b in boxes if line_start <= b[0] < ruled.text.index("\n", line_start)]
    assert [ruled.text[b[0]:b[1]] for b in row[1:]] == [str(v) for v in T3_ROWS[0][2]]
    assert [b[3] for b in row] == sorted(b[3] for b in row) and {b[2] for b in row} == {2}


def test_table4_and_table2_rows(ruled) -> None:
    data = next(ln.split("\t") for ln in ruled.text.splitlines()
                if re.fullmatch(r"(\d+\t){14}\d+", ln))
    assert [int(c) for c in data] == T4_VALUES
    assert _row_line(ruled.text, "行政规范性文件") == ["行政规范性文件", "2", "1", "9"]
    assert _row_line(ruled.text, "行政事业性收费") == ["行政事业性收费", "12.5"]
    tables = ruled.extras["tables"]
    assert [t["n_cols"] for t in tables] == [4, 10, 10, 15] and all(t["method"] == "ruling" for t in tables)


def test_sections_in_reading_order(ruled) -> None:
    positions = [ruled.text.index(h) for h in SIX_HEADS]
    assert positions == sorted(positions)
    for h in SIX_HEADS:
        assert re.search(f"^{re.escape(h)}$", ruled.text, re.MULTILINE), h


# ------------------------------------------------------------------ fallbacks and traps

def test_borderless_table_falls_back_to_text_layer_rows(gen_dir: Path) -> None:
    res = read_document(gen_dir / "borderless.pdf")
    assert res.extras["tables"] == []
    assert not PAGE_NUMBER_LINE.search(res.text)
    for label in ("一、本年新收政府信息公开申请数量", "（七）总计", "四、结转下年度继续办理",
                  "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"):
        values = next(v for _, lab, v in T3_ROWS if lab == label)
        assert f"{label}\t" + "\t".join(map(str, values)) in res.text, label
    # the page break (with its page number and header) falls between these two rows
    lines = res.text.splitlines()
    i = next(k for k, ln in enumerate(lines) if T3_ROWS[SPLIT_AFTER][1] in ln)
    assert T3_ROWS[SPLIT_AFTER + 1][1] in lines[i + 1]
    # the fallback rows carry cell boxes too
    assert any(res.text[b[0]:b[1]] == "一、本年新收政府信息公开申请数量" for b in res.extras["cell_boxes"])


def test_invisible_line_frames_do_not_make_tables(gen_dir: Path) -> None:
    res = read_document(gen_dir / "framed.pdf")
    assert "一、总体情况\n本年度主动公开政府信息1200条，其中规范性文件12件。\n" in res.text
    (table,) = res.extras["tables"]
    assert table["n_cols"] == 4 and table["n_rows"] == 4
    assert res.text[table["start"]:].startswith("第二十条第（一）项\n信息内容\t本年制发件数")


def test_scanned_pdf_fails_clearly(gen_dir: Path) -> None:
    with pytest.raises(ReadError) as err:
        read_document(gen_dir / "scanned.pdf")
    assert SCANNED_MESSAGE in str(err.value) and "scanned.pdf" in str(err.value)


@pytest.mark.parametrize("content", [b"%PDF-1.4\n" + b"x" * 300, b"not a pdf at all" * 20, "half"])
def test_corrupt_pdf_names_the_file(gen_dir: Path, tmp_path: Path, content) -> None:
    if content == "half":
        data = (gen_dir / "ruled.pdf").read_bytes()
        content = data[: len(data) // 2]
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_document(bad)
    assert "broken.pdf" in str(err.value)


def test_limits_on_pages_and_size(gen_dir: Path) -> None:
    with pytest.raises(ReadError, match="too many pages"):
        read_pdf_file(gen_dir / "ruled.pdf", limits=ReadLimits(max_pages=2))
    with pytest.raises(ReadError, match="file too large") as err:
        read_pdf_file(gen_dir / "ruled.pdf", limits=ReadLimits(max_bytes=1000))
    assert "ruled.pdf" in str(err.value)
    # geometry skipped on pages with too many drawing objects: text-layer rows instead
    res = read_pdf_file(gen_dir / "ruled.pdf", limits=ReadLimits(max_page_objects=10))
    assert res.extras["tables"] == [] and "（七）总计\t5\t1\t0\t0\t0\t0\t6" in res.text


# ------------------------------------------------------------------ the real reports

@requires_shared
@pytest.mark.parametrize("path", REAL_PDFS, ids=[p.name for p in REAL_PDFS])
def test_real_pdf_text_and_tables(path: Path) -> None:
    res = read_document(path)
    text = res.text
    assert not PAGE_NUMBER_LINE.search(text)
    heads = [m.start() for h in SIX_HEADS for m in [re.search(f"^{re.escape(h)}", text, re.MULTILINE)] if m]
    assert len(heads) == 6 and heads == sorted(heads)
    assert VERTICAL_LABEL in text  # the vertical label of table 三, joined
    # table 三: the 勾稽 identity and the row sums hold in these reports, so any lost or shifted
    # cell shows up here
    new = _ints(_row_line(text, "本年新收政府信息公开申请数量"), 7)
    carried = _ints(_row_line(text, "上年结转政府信息公开申请数量"), 7)
    total = _ints(_row_line(text, "（七）总计"), 7)
    forward = _ints(_row_line(text, "结转下年度继续办理"), 7)
    for c in range(7):
        assert new[c] + carried[c] == total[c] + forward[c]
    rows = [ln.split("\t") for ln in text.splitlines() if re.search(r"[^\d\t]\t*(\t\d+){7}$", ln)]
    assert len(rows) >= 20
    for cells in rows:
        v = _ints(cells, 7)
        assert sum(v[:6]) == v[6], cells
    # table 四: one row of 15 integers
    assert re.search(r"^(\d+\t){14}\d+$", text, re.MULTILINE)
    # every cell box names a cell of the text on a real page
    n = res.extras["pages"]
    for start, end, page, *_ in res.extras["cell_boxes"]:
        assert text[start:end].strip() and 1 <= page <= n
    assert len(res.extras["tables"]) >= 4


def test_boxes_for_span_finds_the_cells_of_a_span(ruled) -> None:
    from nlp.io.pdf import boxes_for_span

    boxes = ruled.extras["cell_boxes"]
    start = ruled.text.index("（四）无法提供")
    found = boxes_for_span(boxes, start, start + len("（四）无法提供"))
    assert [f["page"] for f in found] == [2, 3]
    assert boxes_for_span(boxes, 0, 5) == []  # the title is not a table cell
    row = ruled.text.index("（七）总计")
    hit = boxes_for_span(boxes, row, row + 2)
    assert len(hit) == 1 and hit[0]["page"] == 3 and len(hit[0]["bbox"]) == 4


@pytest.mark.parametrize("rotate_page", [True, False], ids=["page-rotated", "text-rotated"])
def test_sideways_text_is_read_upright(tmp_path: Path, rotate_page: bool) -> None:
    from _docgen import make_sideways_pdf

    res = read_document(make_sideways_pdf(tmp_path / "side.pdf", rotate_page=rotate_page))
    assert res.text == "四、政府信息公开行政复议、行政诉讼情况\n行政复议 1 件，行政诉讼 0 件。\n"
    assert res.extras["rotated_pages"] == [1]


def test_encrypted_pdf(tmp_path: Path) -> None:
    from _docgen import make_encrypted_pdf

    # owner-password-only encryption (common for "no copy/print" reports) still reads
    assert read_document(make_encrypted_pdf(tmp_path / "owner.pdf", "")).text == "Annual report 2024\n"
    with pytest.raises(ReadError, match="encrypted PDF: a password is required") as err:
        read_document(make_encrypted_pdf(tmp_path / "locked.pdf", "secret"))
    assert "locked.pdf" in str(err.value)
