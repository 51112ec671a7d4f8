"""Never a silently wrong cell (issue 17 §1).

Whitespace-free variants of every seed and real report (PDFs included) must give, for every
cell, either the value of the laid-out reading or null; a null that stands for a digit run
with several splits says so (ambiguous, candidates). Every split cell names the constraint
that decided it. The cross-year identities are tested on the consecutive 洪泽区 2023/2024 reports.
"""

from __future__ import annotations

import re

import pytest
from conftest import REAL, SEED_FILES, real_reports, requires_shared

from nlp.io import read_document
from nlp.model import Report
from nlp.pipeline import parse_text
from nlp.rules import run_checks
from nlp.tables import parse_tables
from nlp.tables.crossyear import resolve_pair

ALL = list(SEED_FILES) + real_reports(".txt", ".html", ".md", ".pdf")


def parsed(text: str) -> Report:
    """Tables and facts: what the checks need."""
    return parse_text(text, pipeline="check")


def flatten(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cells(parsed: dict) -> dict[tuple[str, str], tuple[object, dict]]:
    out = {}
    for name, res in parsed.items():
        if not res:
            continue
        if name == "table3":
            for row, cols in res["rows"].items():
                for col, v in cols.items():
                    out[(name, f"{row}.{col}")] = (v, res["provenance"][row][col])
        else:
            for key, v in res["cells"].items():
                out[(name, key)] = (v, res["provenance"][key])
    return out


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.name: read_document(p).text for p in ALL}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:32])
def test_whitespace_free_cell_is_right_or_null(path, texts) -> None:
    text = texts[path.name]
    want = cells(parse_tables(text))
    flat = flatten(text)
    got = cells(parse_tables(flat))
    assert got, "the whitespace-free variant lost every table"
    n_equal = 0
    for key, (v, p) in got.items():
        base = want.get(key, (None, {}))[0]
        if v is None:
            continue
        assert v == base, (key, v, base, p)  # a value is never a guess
        n_equal += 1
        if p.get("decided_by"):
            assert not p["ambiguous"]
    for key, (v, p) in got.items():
        if v is None and p.get("candidates"):
            assert p["ambiguous"] and len(p["candidates"]) >= 2, key
            assert flat[p["start"] : p["end"]] == p["raw"]
            if want.get(key, (None,))[0] is not None:
                # The true value is among the candidates whenever the layout reading is consistent.
                idx = _index(key, p)
                assert any(c[idx] == want[key][0] for c in p["candidates"]) or _inconsistent(want, key), key
    # Shuyang 2023 leaves its empty table 三 cells blank: flattened, those rows cannot be read.
    assert n_equal >= 25, n_equal


def _index(key: tuple[str, str], p: dict) -> int:
    """Position of a cell inside its group's splits (row of 二/三, all 15 of 四)."""
    from nlp.tables.table2 import spec as t2spec
    from nlp.tables.table3 import columns
    from nlp.tables.table4 import cell_keys

    table, ref = key
    if table == "table3":
        return columns().index(ref.rsplit(".", 1)[1])
    if table == "table4":
        return cell_keys().index(ref)
    row, col = ref.rsplit(".", 1)
    for fmt in t2spec()["formats"].values():
        for r in fmt["rows"]:
            if r["key"] == row and col in r["columns"] and len(r["columns"]) == len(p["candidates"][0]):
                return r["columns"].index(col)
    raise AssertionError(key)


def _inconsistent(want: dict, key: tuple[str, str]) -> bool:
    return key[0] == "table4"  # 洪泽区 2023 prints block totals of 0 beside non-zero parts


@requires_shared
def test_huaian_whitespace_free_nulls_are_the_ambiguous_runs() -> None:
    """淮安市 2024: "82666" (8 / 26 / 66) and table 四's 15 cells as one digit run."""
    text = flatten(read_document(REAL / "govnianbao-2024-huaian-shizhengfu.pdf").text)
    parsed = parse_tables(text)
    t2, p2 = parsed["table2"]["cells"], parsed["table2"]["provenance"]
    assert t2["normative_doc.made"] == 8 and t2["regulation.valid"] == 11
    assert t2["normative_doc.repealed"] is None and t2["normative_doc.valid"] is None
    assert [8, 26, 66] in p2["normative_doc.valid"]["candidates"]
    t4, p4 = parsed["table4"]["cells"], parsed["table4"]["provenance"]
    # Blocks 1 and 2 are the same in every split that fits the block sums; block 3 is not.
    assert [t4[f"review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [72, 64, 178, 37, 351]
    assert t4["litigation_after_review.total"] == 20
    assert t4["litigation_after_review.upheld"] is None
    assert [12, 1, 1, 6, 20] in [c[10:] for c in p4["litigation_after_review.upheld"]["candidates"]]
    assert p4["review.total"]["decided_by"] == "same in every split"


@requires_shared
def test_ambiguous_cells_are_uncertain_in_check() -> None:
    text = flatten(read_document(REAL / "govnianbao-2024-huaian-shizhengfu.pdf").text)
    results = {r["rule"]: r for r in run_checks(parsed(text))}
    a4 = [r for k, r in results.items() if k.startswith("A4") and "after_review" in k]
    assert a4 and all(r["status"] == "UNCERTAIN" for r in a4)
    assert any(c.get("ambiguous") and c.get("candidates") for r in a4 for c in r["cells"])
    assert "ambiguous" in a4[0]["message"]
    a4_review = [r for k, r in results.items() if k.startswith("A4") and "review" in k and "after" not in k]
    assert a4_review and a4_review[0]["status"] == "PASS"  # the settled block still checks
    b9 = [r for k, r in results.items() if k.startswith("B9") and r["status"] == "UNCERTAIN"]
    assert any("AMBIGUOUS" in r["message"] for r in b9)


def test_every_split_cell_names_its_constraint() -> None:
    """Seed 004 flattened: table 三 rows by their row sum, table 四 by its block sums."""
    parsed = parse_tables(flatten(read_document(SEED_FILES[4]).text))
    for (table, key), (v, p) in cells(parsed).items():
        assert v is not None and p["decided_by"], (table, key, p)
    deciders = {p["decided_by"] for _, p in cells(parsed).values()}
    assert any(d.startswith("row sum") for d in deciders)
    assert any(d.startswith("block sums") or d == "same in every split" for d in deciders)


def test_column_identities_decide_a_row_its_own_sum_cannot() -> None:
    """new_received "110000011" is 11,0,…,11 or 1,10,0,…,11; 予以公开 read as 11,0,…,11 and
    carried_over/carried_forward 0 make A1 decide."""
    cols0 = "0000000"
    rows = {
        "一、本年新收政府信息公开申请数量": "110000011",
        "二、上年结转政府信息公开申请数量": cols0,
        "（一）予以公开": "1100000011",
        "（七）总计": "1100000011",
        "四、结转下年度继续办理": cols0,
    }
    text = "三、收到和处理政府信息公开申请情况\n" + "\n".join(f"{k}\t{v}" for k, v in rows.items())
    text = text.replace("1100000011", "11\t0\t0\t0\t0\t0\t11")
    t3 = parse_tables(text + "\n四、政府信息公开行政复议、行政诉讼情况\n")["table3"]
    assert list(t3["rows"]["new_received"].values()) == [11, 0, 0, 0, 0, 0, 11]
    assert t3["provenance"]["new_received"]["natural_person"]["decided_by"].startswith("column identities")


# --- cross-year: 洪泽区 2023 and 2024 -------------------------------------------------------------
HONGZE = ("kiro-2023-hongze-qu.pdf", "kiro-2024-hongze-qu.pdf")


@pytest.fixture(scope="module")
def hongze() -> tuple[str, str]:
    if not REAL.is_dir():
        pytest.skip("../shared/corpus/real is absent")
    return tuple(read_document(REAL / n).text for n in HONGZE)  # type: ignore[return-value]


def _t2(report: Report) -> tuple[dict, dict]:
    return report.tables["table2"]["cells"], report.table_provenance["table2"]["cells"]


def test_real_pair_flattened_agrees_and_cross_year_rules_pass(hongze) -> None:
    a, b = hongze
    prev, cur = parsed(a), parsed(flatten(b))
    before = cur.tables
    assert resolve_pair(prev, cur) == 0  # nothing ambiguous: nothing to decide
    assert cur.tables == before == parsed(b).tables
    results = {r["rule"]: r["status"] for r in run_checks(cur, prev)}
    assert results["B7.normative_stock.normative_doc"] == "PASS"  # 5 + 3 − 0 = 8
    b6 = [s for k, s in results.items() if k.startswith("B6")]
    assert len(b6) == 7 and set(b6) == {"PASS"}


def test_stock_with_last_year_decides_a_table2_row(hongze) -> None:
    """2024's 行政规范性文件 row as 13 / 0 / 18: flattened "13018" has three plausible splits;
    2023's 现行有效 5 + 13 − 0 = 18 leaves one."""
    a, b = hongze
    flat = flatten(b).replace("行政规范性文件308第二十条", "行政规范性文件13018第二十条")
    prev, cur = parsed(a), parsed(flat)
    values, prov = _t2(cur)
    assert values["normative_doc.valid"] is None and len(prov["normative_doc.valid"]["candidates"]) == 3
    results = {r["rule"]: r for r in run_checks(cur, prev)}  # check --previous settles first
    values, prov = _t2(cur)
    assert [values[f"normative_doc.{c}"] for c in ("made", "repealed", "valid")] == [13, 0, 18]
    assert prov["normative_doc.made"]["decided_by"].startswith("stock")
    assert results["B7.normative_stock.normative_doc"]["status"] == "PASS"


def test_stock_is_not_used_when_the_text_mentions_a_cleanup(hongze) -> None:
    a, b = hongze
    flat = flatten(b).replace("行政规范性文件308第二十条", "行政规范性文件13018第二十条") + "开展规范性文件清理。"
    prev, cur = parsed(a), parsed(flat)
    resolve_pair(prev, cur)
    assert _t2(cur)[0]["normative_doc.valid"] is None


def test_carry_over_decides_both_years(hongze) -> None:
    """2023 carries 11 applications forward (natural persons); 2024 carries them over and forward
    again. Flattened, "110000011" is 11,0,… or 1,10,…; A1 holds for both, so only the other year
    decides — in 2024 from 2023's 结转, and in 2023 (flattened too) from 2024's 上年结转."""
    a, b = hongze
    a = a.replace("一、本年新收政府信息公开申请数量\t\t\t21\t0\t0\t0\t0\t0\t21", "一、本年新收政府信息公开申请数量\t\t\t32\t0\t0\t0\t0\t0\t32")
    a = a.replace("四、结转下年度继续办理\t\t\t0\t0\t0\t0\t0\t0\t0", "四、结转下年度继续办理\t\t\t11\t0\t0\t0\t0\t0\t11")
    fb = flatten(b)
    fb = fb.replace("二、上年结转政府信息公开申请数量0000000", "二、上年结转政府信息公开申请数量110000011")
    fb = fb.replace("四、结转下年度继续办理0000000", "四、结转下年度继续办理110000011")
    assert "110000011" in fb and "\t11\t0" in a
    prev, cur = parsed(a), parsed(fb)
    rows = cur.tables["table3"]["rows"]
    assert rows["carried_over"]["natural_person"] is None and rows["carried_forward"]["natural_person"] is None
    assert resolve_pair(prev, cur) >= 4
    assert list(rows["carried_over"].values()) == [11, 0, 0, 0, 0, 0, 11]
    assert list(rows["carried_forward"].values()) == [11, 0, 0, 0, 0, 0, 11]
    prov = cur.table_provenance["table3"]["rows"]
    assert prov["carried_over"]["natural_person"]["decided_by"].startswith("carry-over")
    assert prov["carried_forward"]["natural_person"]["decided_by"].startswith("column identities")
    # The other direction: 2023 carries 11 over and forward, flattened, so A1 cannot tell the
    # splits apart; 2024's 上年结转 read from its layout decides both rows.
    a2 = a.replace("二、上年结转政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公开申请数量\t\t\t11\t0\t0\t0\t0\t0\t11")
    a2 = a2.replace("一、本年新收政府信息公开申请数量\t\t\t32\t0\t0\t0\t0\t0\t32", "一、本年新收政府信息公开申请数量\t\t\t21\t0\t0\t0\t0\t0\t21")
    b2 = b.replace("二、上年结转政府信息公开申请数量\t\t\t0\t0\t0\t0\t0\t0\t0", "二、上年结转政府信息公开申请数量\t\t\t11\t0\t0\t0\t0\t0\t11")
    prev, cur = parsed(flatten(a2)), parsed(b2)
    prev_rows = prev.tables["table3"]["rows"]
    assert prev_rows["carried_forward"]["natural_person"] is None
    assert prev_rows["carried_over"]["natural_person"] is None
    resolve_pair(prev, cur)
    assert list(prev_rows["carried_forward"].values()) == [11, 0, 0, 0, 0, 0, 11]
    assert list(prev_rows["carried_over"].values()) == [11, 0, 0, 0, 0, 0, 11]


# --- table 四 without its heading -------------------------------------------------------------------
_HEADING4 = re.compile(r"^.{0,6}政府信息公开行政复议、行政诉讼情况\s*$", re.MULTILINE)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:32])
def test_table4_found_by_content_without_its_heading(path, texts) -> None:
    text = texts[path.name]
    want = parse_tables(text)["table4"]
    cut = _HEADING4.sub("", text)
    assert cut != text
    assert parse_tables(cut)["table4"]["cells"] == want["cells"]
    # Also when table 三 cannot anchor the search (its first row label lost as well).
    no_t3 = cut.replace("本年新收", "本年收到")
    got = parse_tables(no_t3)
    if got["table3"] is None and got["table4"] is not None:
        assert got["table4"]["cells"] == want["cells"]


@requires_shared
def test_table4_content_markers_ignore_prose() -> None:
    """淮安 2024 section 一 says "结果维持 72 件，结果纠正 64 件…": prose, never the table."""
    text = read_document(REAL / "govnianbao-2024-huaian-shizhengfu.pdf").text
    cut = _HEADING4.sub("", text).replace("本年新收", "本年收到").replace("勾稽", "")
    got = parse_tables(cut)
    assert got["table3"] is None
    assert got["table4"]["cells"]["review.total"] == 351
