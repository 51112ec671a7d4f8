"""Metadata: agency, year, level and format version."""
from __future__ import annotations

import csv

import pytest
from conftest import REAL, SEED_FILES, requires_shared

from nlp.io import read_document
from nlp.meta import admin_level, detect_format, extract_metadata


def test_seed_metadata_from_titles():
    metas = [extract_metadata(read_document(p).text) for p in SEED_FILES]
    assert [m.year for m in metas] == [2023, 2023, 2024, 2023, 2023]
    assert metas[0].agency == "红旗区文化街街道办事处"
    assert metas[3].agency == "前进区港湾街道办事处"  # title broken over two lines
    assert {m.level for m in metas} == {"township_street"}
    assert {m.format_version for m in metas} == {"2021"}


@requires_shared
def test_real_reports_year_and_format_match_their_sources_record():
    with open(REAL / "SOURCES.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    checked = 0
    for row in rows:
        if row["file_format"] not in ("txt", "md", "html"):
            continue
        meta = extract_metadata(read_document(REAL / row["file"]).text)
        assert meta.year == int(row["year"]), row["file"]
        assert meta.format_version == row["report_format"], row["file"]
        # abbreviations (上海市科委) and OCR slips (沐阳 for 沭阳) still share most characters
        shared = set(meta.agency or "") & set(row["agency"])
        assert len(shared) >= 0.8 * len(set(meta.agency)), (row["file"], meta.agency)
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("name,level", [
    ("江苏省人民政府", "province"), ("上海市人民政府", "province"), ("淮安市人民政府", "city"),
    ("淮安市洪泽区人民政府", "county_district"), ("沭阳县人民政府", "county_district"),
    ("原州区南关街道", "township_street"), ("红旗区洪门镇", "township_street"),
    ("上海市人民政府办公厅", "department"), ("沭阳县发展和改革局", "department"),
    ("上海市科学技术委员会", "department"), ("某县乡村振兴局", "department"),
])
def test_admin_level(name, level):
    assert admin_level(name) == level


def test_format_detected_from_header_words_not_year():
    t2019 = "第二十条第(一)项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n第二十条第(九)项\t政府集中采购\t采购总金额"
    assert detect_format(t2019) == "2019"
    assert detect_format("信息内容\t本年制发件数\t本年废止件数\t现行有效件数") == "2021"
    assert detect_format("一、概述\n本年度共主动公开信息100条。") == "legacy"
    # a 2023 report that still uses the 2019 table 二 is a 2019-format report
    meta = extract_metadata("某街道2023年政府信息公开工作年度报告\n" + t2019)
    assert meta.year == 2023 and meta.format_version == "2019"


@requires_shared
def test_region_is_report_metadata():
    """The province is metadata of one report, so `parse` shows it without a corpus run."""
    by_name = {p.name: extract_metadata(read_document(p).text) for p in REAL.iterdir() if p.suffix != ".tsv"}
    assert by_name["kiro-2023-hongze-qu.pdf"].region == "江苏"
    assert by_name["kiro-2024-shanghai-kewei-source.md"].region == "上海"
    # a seed names only its district; the opening lines name the prefecture (新乡市 → 河南)
    assert extract_metadata(read_document(SEED_FILES[0]).text).region == "河南"
