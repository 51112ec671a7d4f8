"""Tables rendered in every layout seen in real reports parse back to the same cells.

The renderer reproduces the layouts of the seeds and real reports: tab rows with lost label
cells (seeds 000/002/004), one cell per line (seed 003), Markdown tables, PDF text (space
separated, vertical group labels one character per line, labels split around their numbers,
page numbers inside the table), and cells run together with no separator (scraped pages).
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.tables import parse_tables
from nlp.tables.table3 import columns, row_keys
from nlp.tables.table3 import spec as t3spec
from nlp.tables.table4 import cell_keys as t4keys

COLS = columns()
GROUPS = {
    "granted": "三、本年度办理结果",
    "denied.state_secret": "（三）不予公开",
    "unable.not_held": "（四）无法提供",
    "not_processed.petition": "（五）不予处理",
    "other.no_correction": "（六）其他处理",
}
TOP = {"new_received", "carried_over", "carried_forward"}
LAYOUTS = ["tabs", "cell_per_line", "markdown", "pdf", "runtogether"]


def printed_label(row: dict) -> str:
    enum, label = str(row["enum"]), row["label"]
    label = label.replace("危及三安全一稳定", "危及“三安全一稳定”").replace(
        "区分处理的只计这一情形不计其他情形", "（区分处理的，只计这一情形，不计其他情形）"
    )
    if enum.isdigit():
        return f"{enum}.{label}"
    return f"{enum}、{label}" if row["key"] in TOP else f"（{enum}）{label}"


def consistent_table3(rng: random.Random, fmt: str = "2021", scale: int = 3) -> dict[str, dict[str, int]]:
    keys = row_keys(fmt)
    outcome = keys[keys.index("granted") : keys.index("total_processed")]
    rows: dict[str, dict[str, int]] = {k: {} for k in keys}
    for col in COLS[:-1]:
        for k in outcome:
            rows[k][col] = rng.choice([0, 0, 0, rng.randint(0, scale), rng.randint(0, 40 * scale)])
        total = sum(rows[k][col] for k in outcome)
        rows["total_processed"][col] = total
        rows["carried_forward"][col] = rng.choice([0, rng.randint(0, 9)])
        rows["carried_over"][col] = (
            rng.randint(0, total + rows["carried_forward"][col]) if rng.random() < 0.4 else 0
        )
        rows["new_received"][col] = total + rows["carried_forward"][col] - rows["carried_over"][col]
    for k in keys:
        rows[k]["total"] = sum(rows[k][c] for c in COLS[:-1])
    return rows


def consistent_table4(rng: random.Random) -> dict[str, int]:
    cells = {}
    for block in ("review", "litigation_direct", "litigation_after_review"):
        parts = [rng.choice([0, 0, rng.randint(0, 12)]) for _ in range(4)]
        for name, v in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[f"{block}.{name}"] = v
        cells[f"{block}.total"] = sum(parts)
    return cells


def render(t3: dict, t4: dict, layout: str, fmt: str = "2021", rng: random.Random | None = None) -> str:
    rng = rng or random.Random(0)
    rows = [r for r in t3spec()["formats"][fmt]["rows"]]
    out = [
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t0",
        "行政规范性文件\t0\t0\t0",
        "",
        "三、收到和处理政府信息公开申请情况",
        "",
    ]
    head = [
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        "申请人情况",
        "总计",
        "自然人",
        "法人或其他组织",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    t4_values = [t4[k] for k in t4keys()]
    if layout == "tabs":
        out += ["\t".join(head[:3]), "\t\t" + "\t".join(head[3:])]
        for i, r in enumerate(rows):
            vals = "\t".join(str(t3[r["key"]][c]) for c in COLS)
            group = GROUPS.get(r["key"], "")
            lead = (
                rng.choice(["", "\t"]) if i % 5 == 4 else ("\t" if not group and r["key"] not in TOP else "")
            )
            out.append(f"{lead}{group + chr(9) if group else ''}{printed_label(r)}\t{vals}\t")
        t4_line = "\t".join(map(str, t4_values))
    elif layout == "cell_per_line":
        out += ["\t" + h for h in head] + [""]
        for r in rows:
            if r["key"] in GROUPS:
                out.append("\t" + GROUPS[r["key"]])
            out += ["\t" + printed_label(r)] + [f"\t{t3[r['key']][c]}" for c in COLS] + ["\t"]
        t4_line = "\n".join(f"\t{v}" for v in t4_values)
    elif layout == "markdown":
        out += ["| " + " | ".join(head[:4]) + " |", "|---|---|---|---|"]
        for r in rows:
            out.append(
                "| " + printed_label(r) + " | " + " | ".join(str(t3[r["key"]][c]) for c in COLS) + " |"
            )
        out.append("")
        t4_line = "| " + " | ".join(map(str, t4_values)) + " |"
    elif layout == "pdf":
        out += [
            "申请人情况",
            "（本列数据的勾稽关系为：第一项加第二项之和， 法人或其他组织",
            "等于第三项加第四项之和）",
            "自然人 总计",
            "商业企 科研机 社会公益 法律服务",
            "其他",
            "业 构 组织 机构",
        ]
        for i, r in enumerate(rows):
            vals = " ".join(str(t3[r["key"]][c]) for c in COLS)
            label = printed_label(r)
            if r["key"] in GROUPS and r["key"] != "granted":
                out.append(GROUPS[r["key"]][:4])
            if i == 9:
                out.append("- 4 -")
            if len(label) > 14 and i % 2:  # a long label wraps around its numbers
                out += [label[:12], vals, label[12:]]
            elif i % 7 == 3:  # numbers printed one line above their label
                out += [vals, label]
            else:
                out.append(f"{label} {vals}")
            if r["key"] == "granted":
                out += list("三、本年度办理结果")  # vertical label, one character per line
        t4_line = " ".join(map(str, t4_values))
    elif layout == "runtogether":
        out += ["".join(head)]
        for r in rows:
            out.append(printed_label(r) + "".join(str(t3[r["key"]][c]) for c in COLS))
        t4_line = "".join(map(str, t4_values))
    else:
        raise ValueError(layout)
    out += [
        "",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼" if layout != "pdf" else "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        t4_line,
        "",
        "五、存在的主要问题及改进情况",
        "一是公开内容不够全面。下一步将加强培训。",
    ]
    return "\n".join(out) + "\n"


def assert_same(parsed: dict, t3: dict, t4: dict, allow_ambiguous: bool = False) -> None:
    got3 = parsed["table3"]["rows"]
    prov3 = parsed["table3"]["provenance"]
    for key, row in t3.items():
        for col, v in row.items():
            if got3[key][col] != v:
                assert allow_ambiguous and prov3[key][col]["ambiguous"], (key, col, got3[key][col], v)
    got4 = parsed["table4"]["cells"]
    for key, v in t4.items():
        if got4[key] != v:
            assert allow_ambiguous and parsed["table4"]["provenance"][key]["ambiguous"], (key, got4[key], v)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed004_values_in_every_layout(layout: str) -> None:
    t3 = {k: {c: 0 for c in COLS} for k in row_keys("2021")}
    for key, v in (("new_received", 2), ("unable.not_held", 1), ("other.other", 1), ("total_processed", 2)):
        t3[key]["natural_person"] = v
        t3[key]["total"] = v
    t4 = {k: 0 for k in t4keys()}
    t4["litigation_direct.other"] = t4["litigation_direct.total"] = 2
    text = render(t3, t4, layout)
    parsed = parse_tables(text)
    assert parsed["table3"]["format"] == "2021"
    assert_same(parsed, t3, t4)
    assert not any(p["ambiguous"] for row in parsed["table3"]["provenance"].values() for p in row.values())


@pytest.mark.parametrize("layout", LAYOUTS)
def test_provenance_points_at_the_cell_text(layout: str) -> None:
    rng = random.Random(7)
    t3, t4 = consistent_table3(rng), consistent_table4(rng)
    text = render(t3, t4, layout, rng=rng)
    parsed = parse_tables(text)
    for row in parsed["table3"]["provenance"].values():
        for p in row.values():
            assert text[p["start"] : p["end"]] == p["raw"]
    for p in parsed["table4"]["provenance"].values():
        assert text[p["start"] : p["end"]] == p["raw"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), layout=st.sampled_from(LAYOUTS), fmt=st.sampled_from(["2021", "2019"]))
def test_render_then_parse_returns_the_same_cells(seed: int, layout: str, fmt: str) -> None:
    rng = random.Random(seed)
    t3, t4 = consistent_table3(rng, fmt), consistent_table4(rng)
    parsed = parse_tables(render(t3, t4, layout, fmt, rng))
    assert parsed["table3"]["format"] == fmt
    # Run-together digits may admit several consistent splits: then the row must say so.
    assert_same(parsed, t3, t4, allow_ambiguous=(layout == "runtogether"))


def test_runtogether_example_from_the_issue() -> None:
    """ "…申请数量801000081" = 80,1,0,0,0,0,81, recovered with the row sum and the column identities."""
    rng = random.Random(3)
    t3 = {k: {c: 0 for c in COLS} for k in row_keys("2021")}
    t3["new_received"].update(natural_person=80, commercial_enterprise=1, total=81)
    t3["granted"].update(natural_person=80, commercial_enterprise=1, total=81)
    t3["total_processed"].update(natural_person=80, commercial_enterprise=1, total=81)
    t4 = consistent_table4(rng)
    text = render(t3, t4, "runtogether")
    assert "本年新收政府信息公开申请数量801000081" in text
    parsed = parse_tables(text)
    assert list(parsed["table3"]["rows"]["new_received"].values()) == [80, 1, 0, 0, 0, 0, 81]
    assert not parsed["table3"]["provenance"]["new_received"]["total"]["ambiguous"]


def test_runtogether_ambiguous_row_is_marked() -> None:
    """ "110000011" alone is 11,0,0,0,0,0,11 or 1,10,0,0,0,0,11: both fit the row sum, nothing decides."""
    text = (
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量110000011\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    t3 = parse_tables(text)["table3"]
    prov = t3["provenance"]["new_received"]
    values = list(t3["rows"]["new_received"].values())
    # Only the cells the splits disagree on are null; the others hold in every split.
    assert values == [None, None, 0, 0, 0, 0, 11]
    assert [p["ambiguous"] for p in prov.values()] == [True, True] + [False] * 5
    assert sorted(prov["natural_person"]["candidates"]) == [[1, 10, 0, 0, 0, 0, 11], [11, 0, 0, 0, 0, 0, 11]]
    assert prov["total"]["decided_by"] == "same in every split"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed_index", range(5))
def test_every_seed_table_in_every_layout(seed_index: int, layout: str) -> None:
    """The cells of each seed (checked exactly in test_tables.py), re-rendered in every layout."""
    from conftest import SEED_FILES

    from nlp.io import read_document

    parsed = parse_tables(read_document(SEED_FILES[seed_index]).text)
    t3, t4 = parsed["table3"]["rows"], parsed["table4"]["cells"]
    again = parse_tables(render(t3, t4, layout))
    assert again["table3"]["rows"] == t3
    assert again["table4"]["cells"] == t4


def test_table2_and_table4_run_together() -> None:
    text = (
        "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容本年制发件数本年废止件数现行有效件数\n"
        "规章000\n行政规范性文件000\n第二十条第（五）项\n信息内容本年处理决定数量\n行政许可12\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量0000000\n"
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n000110000000000\n五、存在的主要问题及改进情况\n"
    )
    parsed = parse_tables(text)
    t2 = parsed["table2"]["cells"]
    assert (t2["regulation.made"], t2["regulation.repealed"], t2["regulation.valid"]) == (0, 0, 0)
    assert t2["licensing.decisions"] == 12
    assert list(parsed["table3"]["rows"]["new_received"].values()) == [0] * 7
    t4 = parsed["table4"]
    assert [t4["cells"][k] for k in t4keys()][:5] == [0, 0, 0, 1, 1]
    assert not any(p["ambiguous"] for p in t4["provenance"].values())
