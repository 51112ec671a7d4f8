"""`govnlp export` (issue 17 §3): the panel read back with openpyxl has Chinese headers and the
values of table_cells; CSV opens in Excel (BOM); group sums add up; table 三 looks printed;
compare --metric reads indicators and cells. Also the run's cross-year pass on 洪泽区 2023/2024."""

from __future__ import annotations

import math
import re
import shutil

import pandas as pd
import pytest
from conftest import REAL, SEED_FILES
from openpyxl import load_workbook

from nlp.compare.metrics import metric_source, metric_values
from nlp.export import export_run
from nlp.export.panel import cell_label
from nlp.io import read_document
from nlp.run.runner import run_corpus


@pytest.fixture(scope="module")
def rundir(tmp_path_factory):
    inputs = tmp_path_factory.mktemp("inputs")
    for p in SEED_FILES:
        shutil.copy(p, inputs / p.name)
    if REAL.is_dir():  # the 洪泽区 pair, the 2024 report flattened with a row only 2023 can decide
        shutil.copy(REAL / "kiro-2023-hongze-qu.pdf", inputs / "hz2023.pdf")
        flat = re.sub(r"\s+", "", read_document(REAL / "kiro-2024-hongze-qu.pdf").text)
        flat = flat.replace("行政规范性文件308第二十条", "行政规范性文件13018第二十条")
        (inputs / "hz2024_flat.txt").write_text(flat, encoding="utf-8")
    out = tmp_path_factory.mktemp("run")
    summary = run_corpus([inputs], out, jobs=1, progress=False, similarity=False)
    assert summary.n_errors == 0
    return out


def test_labels() -> None:
    assert cell_label("table3", "new_received", "natural_person") == "表三·自然人·本年新收政府信息公开申请数量"
    assert cell_label("table3", "denied.state_secret", "total") == "表三·总计·不予公开·属于国家秘密"
    assert cell_label("table2", "normative_doc", "valid") == "表二·行政规范性文件·现行有效件数"
    assert cell_label("table4", "review", "corrected") == "表四·行政复议·结果纠正"


def test_xlsx_reads_back_with_chinese_headers_and_the_cell_values(rundir) -> None:
    files = export_run(rundir, xlsx=True, by="year")
    wb = load_workbook(next(f for f in files if f.suffix == ".xlsx"))
    assert wb.sheetnames == ["报告", "分组合计", "分组均值", "字段说明"]
    ws = wb["报告"]
    header = [c.value for c in ws[1]]
    assert "表三·自然人·本年新收政府信息公开申请数量" in header and "指标·实质公开率" in header
    assert "单位" in header and "检查·不通过数" in header and "第五部分·问题主题" in header
    assert ws.freeze_panes == "E2" and ws.auto_filter.ref.startswith("A1:")
    legend = {r[1]: r[0] for r in wb["字段说明"].iter_rows(min_row=2, values_only=True)}
    col = {h: i for i, h in enumerate(header)}
    cells = pd.read_parquet(rundir / "table_cells.parquet")
    docs = pd.read_parquet(rundir / "documents.parquet")
    n_checked = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        doc_id = row[col["文档编号"]]
        mine = cells[cells["doc_id"] == doc_id]
        assert len(mine) >= 150
        for rec in mine.itertuples(index=False):
            label = legend[f"{rec.table}.{rec.row}.{rec.column}"]
            got = row[col[label]]
            if pd.isna(rec.value):
                assert got is None, (label, got)
            else:
                assert got == rec.value, (label, got, rec.value)
            n_checked += 1
        agency = docs.loc[docs["doc_id"] == doc_id, "agency"].iloc[0]
        assert row[col["单位"]] == agency
    assert n_checked >= 5 * 200
    # Number formats: counts as integers, ratios as percentages.
    second = next(iter(ws.iter_rows(min_row=2, max_row=2)))
    assert second[col["表三·自然人·本年新收政府信息公开申请数量"]].number_format == "0"
    assert second[col["指标·实质公开率"]].number_format == "0.0%"


def test_csv_has_a_bom_and_group_sums_add_up(rundir) -> None:
    export_run(rundir, by="year")
    raw = (rundir / "export" / "panel.csv").read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    panel = pd.read_csv(rundir / "export" / "panel.csv", encoding="utf-8-sig")
    assert panel.columns[0] == "文档编号"
    sums = pd.read_csv(rundir / "export" / "groups_sum_year.csv", encoding="utf-8-sig")
    label = "表三·总计·本年新收政府信息公开申请数量"
    for _, g in sums.iterrows():
        part = panel[panel["分组·year"] == g["分组·year"]]
        assert int(g["报告数"]) == len(part) > 0
        assert g[label] == part[label].sum()
    assert "指标·实质公开率" not in sums.columns  # sums of ratios mean nothing
    means = pd.read_csv(rundir / "export" / "groups_mean_year.csv", encoding="utf-8-sig")
    assert "指标·实质公开率" in means.columns


def test_statutory_table3_sheet(rundir) -> None:
    files = export_run(rundir, table3=[SEED_FILES[4].name])
    ws = load_workbook(files[-1]).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1][3] == "申请人情况" and rows[2][3] == "自然人" and rows[3][4] == "商业企业"
    labels = [r[0] or r[1] or r[2] for r in rows[4:]]
    assert labels[0] == "一、本年新收政府信息公开申请数量" and labels[-1] == "四、结转下年度继续办理"
    assert rows[4][3:] == (2, 0, 0, 0, 0, 0, 2)  # seed 004: 2 applications from natural persons
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "D2:J2" in merged and "E3:I3" in merged


def test_compare_metric_reads_indicators_and_cells(rundir) -> None:
    assert metric_source("实质公开率") == "indicator"
    assert metric_source("table3.new_received.total") == "cell"
    assert metric_source("active_disclosure.total") == "fact"
    cells = metric_values(rundir, "table3.new_received.total")
    assert len(cells) >= 5 and set(cells.columns) == {"doc_id", "value", "source"}
    assert set(cells["source"]) == {"table_cells"}
    ind = metric_values(rundir, "行政复议纠错率")
    table = pd.read_parquet(rundir / "indicators.parquet")
    want = table[(table["indicator"] == "review_correction_rate") & table["value"].notna()]
    assert sorted(ind["value"]) == sorted(want["value"])


def test_run_settles_cells_and_indicators_across_years(rundir) -> None:
    if not REAL.is_dir():
        pytest.skip("../shared/corpus/real is absent")
    docs = pd.read_parquet(rundir / "documents.parquet")
    flat = docs.loc[docs["path"].str.endswith("hz2024_flat.txt"), "doc_id"].iloc[0]
    prev = docs.loc[docs["path"].str.endswith("hz2023.pdf"), "doc_id"].iloc[0]
    cells = pd.read_parquet(rundir / "table_cells.parquet")
    row = cells[(cells["doc_id"] == flat) & (cells["row"] == "normative_doc")].set_index("column")
    assert [row.loc[c, "value"] for c in ("made", "repealed", "valid")] == [13, 0, 18]
    assert row.loc["valid", "decided_by"].startswith("stock")
    ind = pd.read_parquet(rundir / "indicators.parquet")
    growth = ind[(ind["doc_id"] == flat) & (ind["indicator"] == "application_growth")].iloc[0]
    assert growth["prev_doc_id"] == prev and math.isclose(growth["value"], (95 - 21) / 21)
    checks = pd.read_parquet(rundir / "checks.parquet")
    b7 = checks[(checks["doc_id"] == flat) & (checks["rule"] == "B7.normative_stock.normative_doc")]
    assert b7["status"].tolist() == ["PASS"]  # re-checked against 2023 after settling


def test_export_command(rundir, tmp_path) -> None:
    from typer.testing import CliRunner

    from nlp.cli import app

    out = tmp_path / "x"
    res = CliRunner().invoke(app, ["export", str(rundir), "--xlsx", "--by", "level", "-o", str(out),
                                   "--table3", SEED_FILES[0].name])
    assert res.exit_code == 0, res.output
    assert {p.name for p in out.iterdir()} == {"panel.csv", "panel.xlsx", "groups_sum_level.csv",
                                              "groups_mean_level.csv", "table3_1.xlsx"}
    bad = CliRunner().invoke(app, ["export", str(rundir), "--by", "agency"])
    assert bad.exit_code != 0
    missing = CliRunner().invoke(app, ["export", str(rundir), "--table3", "no-such-report.txt", "-o", str(out)])
    assert missing.exit_code == 1 and "no processed report" in missing.output
