"""Tables 二/三/四 of text that lost all whitespace (scraped pages flattened to one line).

The whitespace-free text must give the same cells as the original layout for every cell the
original reads unambiguously, on the seeds, on the real reports and on rendered variants.
A row holding a blank cell is left out of the comparison: with its separators gone nothing
says which column was blank, so the flattened row cannot be read (it must not be read wrong).
"""

from __future__ import annotations

import random
import re

import pytest
from conftest import SEED_FILES, real_reports, requires_shared
from test_tables_layouts import COLS, assert_same, consistent_table3, consistent_table4, render

from nlp.io import read_document
from nlp.tables import parse_tables
from nlp.tables.flat import reflow_pipes
from nlp.tables.table3 import row_keys
from nlp.tables.table4 import cell_keys as t4keys


def flatten(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows(parsed: dict) -> dict[str, tuple[dict, dict]]:
    """Groups of cells read together: (values, provenance) per table 二 row, table 三 row, table 四."""
    out: dict[str, tuple[dict, dict]] = {}
    t2, t3, t4 = parsed["table2"], parsed["table3"], parsed["table4"]
    if t2:
        for key, v in t2["cells"].items():
            row = key.split(".")[0]
            out.setdefault(f"t2:{row}", ({}, {}))
            out[f"t2:{row}"][0][key] = v
            out[f"t2:{row}"][1][key] = t2["provenance"][key]
    if t3:
        for row, cells in t3["rows"].items():
            out[f"t3:{row}"] = (cells, t3["provenance"][row])
    if t4:
        out["t4"] = (t4["cells"], t4["provenance"])
    return out


def readable_cells(parsed: dict) -> dict[tuple[str, str], object]:
    """Cells read unambiguously, in groups (rows) with no blank cell."""
    out = {}
    for group, (values, prov) in _rows(parsed).items():
        if any(v is None for v in values.values()):
            continue
        for k, v in values.items():
            if not prov[k]["ambiguous"]:
                out[(group, k)] = v
    return out


def flat_values(parsed: dict) -> dict[tuple[str, str], object]:
    return {(g, k): v for g, (values, _) in _rows(parsed).items() for k, v in values.items()}


def assert_flat_matches(text: str) -> int:
    want = readable_cells(parse_tables(text))
    flat = flatten(text)
    parsed = parse_tables(flat)
    got = flat_values(parsed)
    wrong = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
    assert not wrong, wrong
    for group, (_, prov) in _rows(parsed).items():  # provenance points into the flattened text
        for p in prov.values():
            if p["start"] is not None:
                assert flat[p["start"] : p["end"]] == p["raw"], (group, p)
    return len(want)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_flattened_seed_gives_the_layout_cells(path) -> None:
    text = read_document(path).text
    # Every seed's three tables are complete (10 + 175 + 15 cells) and all must come back.
    assert assert_flat_matches(text) == 200


@pytest.mark.parametrize("joined", [r"\n+", r"\s+"], ids=["line_breaks_only", "spaces_kept"])
@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_partly_flattened_seed_gives_the_layout_cells(path, joined: str) -> None:
    """Pages that lost only their line breaks, or kept one space for each run of whitespace."""
    text = read_document(path).text
    want = readable_cells(parse_tables(text))
    got = flat_values(parse_tables(re.sub(joined, "" if joined == r"\n+" else " ", text)))
    assert len(want) == 200
    assert {k: got.get(k) for k in want} == want


def test_flattened_seed004_values() -> None:
    text = flatten(read_document(SEED_FILES[4]).text)
    assert "1.属于国家秘密00000002.其他法律" in text  # the enumerator runs into the digits
    parsed = parse_tables(text)
    rows = parsed["table3"]["rows"]
    assert rows["new_received"]["natural_person"] == 2 and rows["new_received"]["total"] == 2
    assert rows["unable.not_held"]["natural_person"] == 1 and rows["unable.not_held"]["total"] == 1
    assert rows["other.other"]["natural_person"] == 1 and rows["other.other"]["total"] == 1
    assert rows["total_processed"]["natural_person"] == 2 and rows["total_processed"]["total"] == 2
    assert rows["denied.state_secret"] == {c: 0 for c in COLS}
    assert rows["denied.law_prohibited"] == {c: 0 for c in COLS}
    nonzero = {k: v for k, v in parsed["table4"]["cells"].items() if v}
    assert nonzero == {"litigation_direct.other": 2, "litigation_direct.total": 2}
    assert set(parsed["table2"]["cells"].values()) == {0}


@requires_shared
@pytest.mark.parametrize("path", real_reports(".txt", ".html", ".md"), ids=lambda p: p.name)
def test_flattened_real_report_gives_the_layout_cells(path) -> None:
    assert assert_flat_matches(read_document(path).text) >= 25


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_flattened_rendered_tables(seed: int, fmt: str) -> None:
    """Consistent random tables (multi-digit cells) rendered, flattened and parsed back."""
    rng = random.Random(seed)
    t3, t4 = consistent_table3(rng, fmt), consistent_table4(rng)
    for layout in ("tabs", "markdown", "cell_per_line"):
        parsed = parse_tables(flatten(render(t3, t4, layout, fmt, random.Random(seed))))
        assert parsed["table3"]["format"] == fmt
        # Several splits may fit the identities: then the cells must say they are ambiguous.
        assert_same(parsed, t3, t4, allow_ambiguous=True)


def test_enumerator_digit_belongs_to_the_next_label() -> None:
    t3 = {k: {c: 0 for c in COLS} for k in row_keys("2021")}
    for key in ("new_received", "denied.state_secret", "total_processed"):
        t3[key].update(natural_person=2, total=2)
    t4 = {k: 0 for k in t4keys()}
    text = flatten(render(t3, t4, "tabs"))
    assert "属于国家秘密20000022.其他法律" in text
    rows = parse_tables(text)["table3"]["rows"]
    assert list(rows["denied.state_secret"].values()) == [2, 0, 0, 0, 0, 0, 2]
    assert list(rows["denied.law_prohibited"].values()) == [0] * 7


def test_table2_decimal_amount_and_ambiguous_counts() -> None:
    text = (
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章000行政规范性文件8018第二十条第（五）项信息内容本年处理决定数量行政许可12"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费96171.6"
        "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量0000000"
    )
    t2 = parse_tables(text)["table2"]
    cells, prov = t2["cells"], t2["provenance"]
    assert [cells[f"regulation.{c}"] for c in ("made", "repealed", "valid")] == [0, 0, 0]
    assert not prov["regulation.made"]["ambiguous"]
    assert cells["licensing.decisions"] == 12 and not prov["licensing.decisions"]["ambiguous"]
    assert cells["admin_fee.amount"] == 96171.6
    # "8018" is 8/0/18 or 80/1/8 (no leading zeros); 80 made with 8 in force and 1 repealed is
    # impossible, so plausibility (valid + repealed >= made) decides and says so.
    assert [cells[f"normative_doc.{c}"] for c in ("made", "repealed", "valid")] == [8, 0, 18]
    assert prov["normative_doc.valid"]["decided_by"].startswith("plausibility")
    assert cells["coercion.decisions"] is None  # absent row stays null, never borrowed from elsewhere


def test_table2_run_with_several_plausible_splits_is_null_with_candidates() -> None:
    """"82666" (the Huaian 2024 row 8 / 26 / 66 without whitespace): three splits are plausible."""
    text = (
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
        "规章1011行政规范性文件82666第二十条第（五）项信息内容本年处理决定数量行政许可12"
        "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量0000000"
    )
    t2 = parse_tables(text)["table2"]
    cells, prov = t2["cells"], t2["provenance"]
    assert cells["normative_doc.made"] == 8  # the same in every split: kept
    assert prov["normative_doc.made"]["decided_by"] == "same in every split"
    for col in ("repealed", "valid"):
        p = prov[f"normative_doc.{col}"]
        assert cells[f"normative_doc.{col}"] is None and p["ambiguous"]
        assert [8, 26, 66] in p["candidates"] and [8, 2, 666] in p["candidates"]
        assert [82, 6, 66] not in p["candidates"]  # 66 + 6 < 82: implausible
        assert text[p["start"] : p["end"]] == p["raw"] == "82666"


def test_blank_cells_are_not_read_wrong() -> None:
    """A flattened row with blank cells ("2626" for 26 _ _ _ _ _ 26) has too few digits: null."""
    t3 = {k: {c: 0 for c in COLS} for k in row_keys("2021")}
    t4 = {k: 0 for k in t4keys()}
    text = flatten(render(t3, t4, "tabs")).replace(
        "本年新收政府信息公开申请数量0000000", "本年新收政府信息公开申请数量2626"
    )
    parsed = parse_tables(text)["table3"]
    assert set(parsed["rows"]["new_received"].values()) == {None}
    assert all(p["ambiguous"] for p in parsed["provenance"]["new_received"].values())
    assert list(parsed["rows"]["carried_over"].values()) == [0] * 7


def test_reflow_only_touches_flattened_markdown() -> None:
    md = "| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n| 行政规范性文件 | 1 | 0 | 3 |\n"
    assert reflow_pipes(md) is None  # line breaks intact: nothing to put back
    flat = flatten(md * 60)
    text, inserted = reflow_pipes(flat)
    assert text.replace("\n", "") == flat and len(inserted) == text.count("\n")
    assert text.split("\n")[:3] == ["|规章|0|0|0|", "|---|---|---|---|", "|行政规范性文件|1|0|3|"]


def test_pipeline_reads_flattened_seed_like_the_original() -> None:
    """The example of the issue: nlp.parse_text on the whitespace-free seed 004."""
    from nlp.pipeline import parse_text

    text = read_document(SEED_FILES[4]).text
    a, b = parse_text(text).tables, parse_text(flatten(text)).tables
    assert b == a


@pytest.mark.parametrize(
    "path", list(SEED_FILES) + real_reports(".txt", ".html", ".md"), ids=lambda p: p.name[:30]
)
def test_flat_fallback_never_changes_a_layout_reading(path, monkeypatch) -> None:
    from nlp import tables

    text = read_document(path).text
    with_fallback = tables.tables_to_json(tables.parse_tables(text))
    for name in ("flat_table2", "flat_table3", "flat_table4", "reflow_pipes"):
        monkeypatch.setattr(tables, name, lambda *a, **k: None)
    assert tables.tables_to_json(tables.parse_tables(text)) == with_fallback
