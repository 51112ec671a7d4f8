"""Tables 二/三/四 of the seeds and of the real reports in ../shared/corpus/real."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import REAL, SEED_FILES, real_reports, requires_shared

from nlp.io import read_document
from nlp.pipeline import parse_report, parse_text
from nlp.tables import parse_table2, parse_table3, parse_table4, parse_tables
from nlp.tables.table2 import cell_keys as t2keys
from nlp.tables.table3 import columns, row_keys
from nlp.tables.table4 import cell_keys as t4keys

SEED_004_T3 = {
    ("new_received", "natural_person"): 2,
    ("new_received", "total"): 2,
    ("unable.not_held", "natural_person"): 1,
    ("unable.not_held", "total"): 1,
    ("other.other", "natural_person"): 1,
    ("other.other", "total"): 1,
    ("total_processed", "natural_person"): 2,
    ("total_processed", "total"): 2,
}
SEED_004_T4 = {"litigation_direct.other": 2, "litigation_direct.total": 2}


def _seed(name: str):
    return next(p for p in SEED_FILES if p.name.startswith(name))


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_cells_exact(path) -> None:
    text = read_document(path).text
    parsed = parse_tables(text)
    is004 = path.name.startswith("004")
    t2, t3, t4 = parsed["table2"], parsed["table3"], parsed["table4"]
    assert t2["format"] == t3["format"] == "2021"
    assert t2["cells"] == {k: 0 for k in t2keys("2021")}
    for row in row_keys("2021"):
        for col in columns():
            expected = SEED_004_T3.get((row, col), 0) if is004 else 0
            assert t3["rows"][row][col] == expected, (path.name, row, col)
            p = t3["provenance"][row][col]
            assert text[p["start"] : p["end"]] == p["raw"] == str(expected)
            assert p["ambiguous"] is False
    assert t4["cells"] == {k: (SEED_004_T4.get(k, 0) if is004 else 0) for k in t4keys()}


def test_seed_parse_with_and_without_sections_agree() -> None:
    for path in SEED_FILES:
        report = parse_report(path, "parse")
        assert report.sections, "the segmenter should find the sections of every seed"
        whole = parse_tables(report.text)
        for name in ("table2", "table3", "table4"):
            field = "rows" if name == "table3" else "cells"
            assert report.tables[name][field] == whole[name][field]


def test_parse_output_contract() -> None:
    report = parse_report(_seed("004"), "parse")
    out = report.to_dict()
    assert set(out["tables"]) == {"table2", "table3", "table4"}
    assert out["tables"]["table3"]["rows"]["unable.not_held"]["natural_person"] == 1
    leaf = out["table_provenance"]["table3"]["rows"]["new_received"]["total"]
    assert set(leaf) >= {"raw", "start", "end", "ambiguous"}
    assert report.text[leaf["start"] : leaf["end"]] == "2"
    leaf4 = out["table_provenance"]["table4"]["cells"]["litigation_direct.total"]
    assert report.text[leaf4["start"] : leaf4["end"]] == "2"


def test_typo_header_and_missing_label_cells_seed000() -> None:
    """Seed 000 prints 本年度止件数 and loses the label cell of rows 5./(六): values still land right."""
    text = read_document(_seed("000")).text
    assert "本年度止件数" in text
    t3 = parse_table3(text)
    prov = t3["provenance"]
    line_of = {
        k: text.count("\n", 0, prov[k]["total"]["start"])
        for k in ("not_processed.confirm_reissue", "other.no_correction")
    }
    assert "确认或重新出具" in text.splitlines()[line_of["not_processed.confirm_reissue"]]
    assert "逾期不补正" in text.splitlines()[line_of["other.no_correction"]]


def test_whole_text_without_sections_and_absent_tables() -> None:
    assert parse_tables("本机关2023年未收到申请。") == {"table2": None, "table3": None, "table4": None}
    assert parse_table2("没有表格") is None and parse_table4("没有表格") is None


def test_unknown_extra_table_is_tolerated() -> None:
    """A platform's extra table (表五…) after table 四 changes nothing in tables 二/三/四."""
    text = read_document(_seed("004")).text
    five = text.index("五、存在的主要问题")
    extra = "表五：政务新媒体情况\n名称\t数量\t粉丝数\n微信公众号\t3\t12000\n微博\t1\t800\n\n"
    base, with_extra = parse_tables(text), parse_tables(text[:five] + extra + text[five:])
    for name in ("table2", "table3", "table4"):
        field = "rows" if name == "table3" else "cells"
        assert with_extra[name][field] == base[name][field]


def test_blank_and_placeholder_cells_are_null_with_raw_text() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t5\t\t/\t—\t-\t\t5\n"
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    t3 = parse_table3(text)
    row, prov = t3["rows"]["new_received"], t3["provenance"]["new_received"]
    assert list(row.values()) == [5, None, None, None, None, None, 5]
    assert [prov[c]["raw"] for c in columns()] == ["5", "", "/", "—", "-", "", "5"]


def test_2019_table2_detected_from_header_words() -> None:
    """A 2019-format table 二 (domain.md §1.6): other columns, 其他对外管理服务事项, 政府集中采购."""
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
        "规章\t0\t0\t0\n规范性文件\t3\t3\t41\n第二十条第（五）项\n信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
        "行政许可\t12\t-2\t356\n其他对外管理服务事项\t4\t0\t20\n第二十条第（六）项\n"
        "信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n行政处罚\t30\t+5\t88\n行政强制\t2\t0\t1\n"
        "第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费\t6\t-1\n"
        "第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t7\t251000元\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    t2 = parse_table2(text)
    assert t2["format"] == "2019"
    c = t2["cells"]
    assert (c["normative_doc.new_made"], c["normative_doc.total_published"]) == (3, 41)
    assert (c["licensing.prev_items"], c["licensing.change"], c["licensing.decisions"]) == (12, -2, 356)
    assert c["other_services.decisions"] == 20 and c["penalty.change"] == 5
    assert (c["admin_fee.prev_items"], c["admin_fee.change"]) == (6, -1)
    assert (c["procurement.items"], c["procurement.amount"]) == (7, 251000)


# --- real reports ---------------------------------------------------------------------------------
# Expected cells read off the sources by hand (table 三 totals column and table 四), so that a
# parser regression shows up as a wrong number, not only as a failed identity.
REAL_T3_TOTALS = {
    "kiro-2023-shuyang-fagaiju.html": {
        "new_received": 26,
        "granted": 26,
        "total_processed": 26,
        "carried_forward": 0,
    },
    "kiro-2024-shanghai-kewei-source.md": {
        "new_received": 34,
        "carried_over": 2,
        "unable.not_held": 4,
        "unable.needs_creation": 6,
        "other.no_correction": 10,
        "total_processed": 35,
        "carried_forward": None,
    },
    "kiro-2025-shanghai-shizhengfu-bangongting-source.md": {
        "new_received": 1295,
        "carried_over": 189,
        "unable.not_held": 513,
        "other.no_correction": 43,
        "other.fee_unpaid": 0,
        "total_processed": 1191,
        "carried_forward": 293,
    },
    "kiro-2025-shuyang-xian-renmin-zhengfu.txt": {
        "new_received": 713,
        "partial": 101,
        "other.fee_unpaid": 7,
        "total_processed": 718,
        "carried_forward": 31,
    },
    "govnianbao-2024-huaian-shizhengfu.pdf": {
        "new_received": 3119,
        "partial": 454,
        "other.no_correction": 71,
        "other.fee_unpaid": 6,
        "total_processed": 3050,
    },
    "kiro-2023-hongze-qu.pdf": {
        "new_received": 21,
        "partial": 4,
        "denied.state_secret": 1,
        "unable.not_held": 10,
    },
    "kiro-2024-hongze-qu.pdf": {
        "new_received": 95,
        "granted": 50,
        "unable.not_held": 31,
        "total_processed": 95,
    },
}
REAL_T4 = {
    "kiro-2023-shuyang-fagaiju.html": [0, 0, 0, 1, 1] + [0] * 10,
    "kiro-2024-shanghai-kewei-source.md": [1, 0, 0, 0, 1] + [0] * 10,
    "kiro-2025-shanghai-shizhengfu-bangongting-source.md": [40, 0, 10, 5, 55, 2, 0, 4, 6, 12, 6, 0, 9, 7, 22],
    "kiro-2025-shuyang-xian-renmin-zhengfu.txt": [27, 10, 9, 15, 61, 3, 0, 0, 0, 3, 8, 0, 1, 1, 10],
    "govnianbao-2024-huaian-shizhengfu.pdf": [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20],
    "kiro-2023-hongze-qu.pdf": [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0],  # as printed (inconsistent)
    "kiro-2024-hongze-qu.pdf": [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3],
}
# Cells the source itself does not give (mangled extraction), checked to be null, never guessed.
REAL_UNREADABLE = {
    "kiro-2024-shanghai-kewei-source.md": {"table3.carried_forward.total"},
    "kiro-2025-shanghai-shizhengfu-bangongting-source.md": {
        f"table2.{d}.{c}" for d in ("regulation", "normative_doc") for c in ("made", "repealed", "valid")
    },
}
_HAS_PDF_READER = importlib.util.find_spec("nlp.io.pdf") is not None


def _real_files():
    files = real_reports(".txt", ".md", ".html")
    if _HAS_PDF_READER:
        files += real_reports(".pdf")
    return files


@requires_shared
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: p.name)
def test_real_report_all_cells_read(path) -> None:
    report = parse_report(path, "parse")
    assert report.ok, report.error
    tables = report.tables
    assert all(tables[n] is not None for n in ("table2", "table3", "table4")), path.name
    unreadable = REAL_UNREADABLE.get(path.name, set())
    nulls = {
        f"table3.{r}.{c}" for r, row in tables["table3"]["rows"].items() for c, v in row.items() if v is None
    }
    nulls |= {f"{n}.{k}" for n in ("table2", "table4") for k, v in tables[n]["cells"].items() if v is None}
    if path.suffix == ".html":  # the HTML table leaves the five organisation columns blank
        nulls = {n for n in nulls if not any(n.endswith(c) for c in columns()[1:6])}
    assert nulls == unreadable
    for row, total in REAL_T3_TOTALS[path.name].items():
        assert tables["table3"]["rows"][row]["total"] == total, row
    assert [tables["table4"]["cells"][k] for k in t4keys()] == REAL_T4[path.name]
    prov = report.table_provenance["table3"]["rows"]
    for row in prov.values():
        for p in row.values():
            if p["start"] is not None and p["raw"]:
                assert report.text[p["start"] : p["end"]] == p["raw"]
    if path.suffix == ".pdf":  # cells of PDF ruled tables carry their page and box
        leaf = prov["new_received"]["total"]
        assert leaf["page"] >= 1 and len(leaf["bbox"]) == 4


@requires_shared
def test_html_blank_cells_are_null() -> None:
    path = REAL / "kiro-2023-shuyang-fagaiju.html"
    t3 = parse_tables(read_document(path).text)["table3"]
    assert list(t3["rows"]["new_received"].values()) == [26, None, None, None, None, None, 26]
    assert t3["provenance"]["new_received"]["other_org"]["raw"] == ""


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real is absent")
@pytest.mark.parametrize("name", ["govnianbao-2024-huaian-shizhengfu.pdf", "kiro-2023-hongze-qu.pdf"])
def test_pdf_text_layout(name: str) -> None:
    """PDF text (pdfplumber extract_text): vertical labels, labels wrapped around numbers, page numbers."""
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(REAL / name) as pdf:
        text = "\n".join(p.extract_text() or "" for p in pdf.pages)
    report = parse_text(text, source=name, pipeline="parse")
    t3 = report.tables["table3"]
    for row, total in REAL_T3_TOTALS[name].items():
        assert t3["rows"][row]["total"] == total, row
    assert [report.tables["table4"]["cells"][k] for k in t4keys()] == REAL_T4[name]
    assert t3["format"] == ("2021" if "huaian" in name else "2019")  # 洪泽 merges （六）其他处理 (2019 row)
