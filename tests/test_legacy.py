"""Pre-2019 reports (domain.md §1.6b): sections, the statistics annex, format, metadata.

The documents in tests/data/legacy/ are hand-made (tests/data/legacy/make_docs.py): invented
agencies, numbers and sentences in the layouts read in real 2008–2018 reports (corpus/README.md).
Each NAME.txt has NAME.json beside it with what must be found.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import SEED_FILES, real_reports, requires_shared

import nlp
from nlp.meta import detect_format
from nlp.model import SECTION_KEYS
from nlp.normalize import normalize

DATA = Path(__file__).resolve().parent / "data" / "legacy"
DOCS = sorted(DATA.glob("*.txt"))


def _expect(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def parsed() -> dict[str, nlp.Report]:
    return {p.name: nlp.parse_report(p, "check") for p in DOCS}


def test_enough_documents_cover_the_layouts() -> None:
    assert len(DOCS) >= 20
    annexes = {_expect(p).get("schema") for p in DOCS}
    assert annexes >= {"gbf2014_32", "local", None}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_sections_format_and_metadata(path: Path, parsed) -> None:
    exp = _expect(path)
    rep = parsed[path.name]
    assert rep.meta.format_version == exp["format"] == "legacy"
    assert rep.meta.year == exp["year"]
    assert rep.meta.agency == exp["agency"]
    assert [s.key for s in rep.sections] == exp["sections"]
    # legacy-only sections are never "missing"; the statutory ones absent here are
    assert not {"fees", "legacy_stats"} & set(rep.missing_sections)
    assert set(rep.missing_sections) == {k for k in SECTION_KEYS if k not in exp["sections"]}
    unmapped = [u["title"] for u in rep.unmapped_sections]
    for title in exp.get("unmapped", []):
        assert title in unmapped
    problems = rep.section("problems")
    flat = re.sub(r"\s+", "", problems.text)
    for s in exp.get("problems_contains", []):
        assert re.sub(r"\s+", "", s) in flat, s
    for s in exp.get("problems_excludes", []):
        assert s not in flat, s
    for sec in rep.sections:
        assert sec.text == rep.text[sec.start:sec.end]


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.stem)
def test_annex_cells_values_and_provenance(path: Path, parsed) -> None:
    exp = _expect(path)
    rep = parsed[path.name]
    table = rep.tables.get("legacy_stats")
    if exp["legacy_stats"] is None:
        assert table is None
        return
    assert table["format"] == "legacy" and table["schema"] == exp["schema"]
    assert table["cells"] == exp["legacy_stats"]
    prov = rep.table_provenance["legacy_stats"]["cells"]
    for key, value in table["cells"].items():
        p = prov[key]
        if value is None:
            continue
        # the offsets point at the printed value, the label offsets at its label
        assert re.sub(r"[,\s]", "", rep.text[p["start"]:p["end"]]) == p["raw"]
        assert float(p["raw"]) == value
        assert p["label_start"] < p["label_end"] <= p["start"]


@pytest.mark.parametrize("path", [p for p in DOCS if _expect(p).get("checks")], ids=lambda p: p.stem)
def test_annex_identities(path: Path, parsed) -> None:
    exp = _expect(path)
    results = {r["rule"]: r["status"] for r in parsed[path.name].checks}
    for rule, status in exp["checks"].items():
        assert results.get(rule) == status, (rule, results.get(rule))
    # the statutory tables of 2019/2021 do not exist before 2019: not a failure
    assert results["A5.presence.table3"] == "NOT_ASSESSABLE"


def test_identity_rules_say_nothing_without_an_annex(parsed) -> None:
    rep = parsed["09_unnumbered_no_annex.txt"]
    assert not [r for r in rep.checks if r["rule"].startswith("L")]


def test_problems_hand_statements_both_roles(parsed) -> None:
    """Section 五's splitter gets the whole problems section, measures included."""
    for name in ("04_measures_own_section.txt", "16_measures_next_steps_spaced.txt", "02_fees_after_review_cells.txt"):
        rep = nlp.parse_report(DATA / name, "statements")
        roles = {s.role for s in rep.statements}
        assert roles == {"problem", "measure"}, name


# --- no regressions on 2019/2021 reports ------------------------------------------------------------
@pytest.mark.parametrize("path", SEED_FILES + real_reports(".txt", ".md", ".html", ".pdf"), ids=lambda p: p.name[:24])
def test_modern_reports_keep_format_and_have_no_legacy_parts(path: Path) -> None:
    rep = nlp.parse_report(path)
    assert rep.meta.format_version == "2021"
    assert [s.key for s in rep.sections] == list(SECTION_KEYS)
    assert "legacy_stats" not in rep.tables
    assert rep.tables["table3"] is not None  # per-table 2019/2021 detection unchanged


def test_a_stray_2019_word_in_prose_is_no_2019_table() -> None:
    text = (DATA / "07_pdf_text_2017.txt").read_text(encoding="utf-8")
    assert "政府集中采购" in text
    assert detect_format(normalize(text).text) == "legacy"
    # the 2019 table header words still decide 2019 when a table 三 is there
    t3 = "本年新收政府信息公开申请数量\t1\n上一年项目数量\t本年增/减\t其他对外管理服务事项"
    assert detect_format(t3) == "2019"
    # a 2021 report whose tables were damaged: its section title and one table word still say 2021
    damaged = "三、收到和处理政府信息公开申请情况\n本年收费金额\n"
    assert detect_format(damaged) == "2021"
    assert detect_format("二、主动公开政府信息情况\n全年开展政府集中采购3次。") == "legacy"


@requires_shared
def test_real_2021_table_cells_are_unchanged_by_the_annex_parser() -> None:
    for path in real_reports(".pdf"):
        tables = nlp.parse_report(path).tables
        assert set(tables) == {"table2", "table3", "table4"}


# --- corpus layer: govnlp run and compare over a mixed 2008–2025 corpus -------------------------------
@pytest.fixture(scope="module")
def mixed_run(tmp_path_factory):
    from nlp.run import run_corpus

    out = tmp_path_factory.mktemp("legacy_run") / "out"
    inputs = [DATA / "01_template_tabs.txt", DATA / "03_part_numbering_local_table.txt", DATA / "20_2009_town_flat.txt",
              DATA / "12_combined_heading_annex_section.txt", *SEED_FILES]
    run_corpus(inputs, out, jobs=1, progress=False)
    return inputs, out


def test_run_writes_one_long_legacy_stats_table(mixed_run) -> None:
    import pandas as pd

    inputs, out = mixed_run
    docs = pd.read_parquet(out / "documents.parquet").set_index("path")
    rows = pd.read_parquet(out / "legacy_stats.parquet")
    assert set(docs["format_version"]) == {"legacy", "2021"}
    by_doc = rows.groupby("doc_id")
    annexed = {docs.loc[str(p), "doc_id"] for p in inputs[:2] + inputs[3:4]}
    assert set(by_doc.groups) == annexed  # the annex-less town and the 2021 seeds have none
    first = rows[rows["doc_id"] == docs.loc[str(inputs[0]), "doc_id"]].set_index("key")
    expected = _expect(inputs[0])["legacy_stats"]
    assert first["value"].to_dict() == {k: float(v) for k, v in expected.items()}
    assert first.loc["active.total", "metric"] == "active_disclosure.total"
    assert first.loc["applications.received", "counterpart"] == "table3.new_received.total"
    assert first.loc["applications.received", "comparable"] == "yes"
    assert first.loc["fees.amount", "unit"] == "万元"
    # the annex is not mixed into the statutory table cells, and fees is a section of its own
    cells = pd.read_parquet(out / "table_cells.parquet")
    assert "legacy_stats" not in set(cells["table"])
    assert docs.loc[str(inputs[0]), "len_fees"] > 0 and docs.loc[str(SEED_FILES[0]), "len_fees"] == 0


def test_compare_follows_active_disclosure_across_the_format_change(mixed_run) -> None:
    import pandas as pd

    from nlp.compare.metrics import metric_by_group, metric_values

    inputs, out = mixed_run
    docs = pd.read_parquet(out / "documents.parquet").set_index("path")
    values = metric_values(out, "active_disclosure.total").set_index("doc_id")
    legacy_doc = docs.loc[str(inputs[0]), "doc_id"]
    assert values.loc[legacy_doc, "value"] == 146 and values.loc[legacy_doc, "source"] == "legacy_stats"
    # the annex-less 2009 town keeps its prose figure; 2021 reports theirs (seed 000: 553 条)
    town = docs.loc[str(inputs[2]), "doc_id"]
    assert values.loc[town, "value"] == 46 and values.loc[town, "source"] == "facts"
    seed = docs.loc[str(SEED_FILES[0]), "doc_id"]
    assert values.loc[seed, "value"] == 553 and values.loc[seed, "source"] == "facts"
    summary, _, _ = metric_by_group(out, "year", "active_disclosure.total")
    years = set(summary.loc[summary["n_with_value"] > 0, "group"])
    assert {"2009", "2015", "2023"} <= years


def test_cli_parse_outputs_the_annex_with_provenance() -> None:
    import subprocess
    import sys

    path = DATA / "08_local_code_columns.txt"
    out = subprocess.run([sys.executable, "-m", "nlp", "parse", str(path)], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    rec = json.loads(out.stdout)
    assert rec["format_version"] == "legacy"
    table = rec["tables"]["legacy_stats"]
    assert table["cells"] == _expect(path)["legacy_stats"] and table["schema"] == "local"
    # the 代码 column (01, 02 …) is not read as a value; 本年累计 is
    prov = rec["table_provenance"]["legacy_stats"]["cells"]["consult.website_visits"]
    text = path.read_text(encoding="utf-8")
    assert text[prov["start"]:prov["end"]] == "15300" and text[prov["label_start"]:prov["label_end"]] == "网站专栏页面访问量"
    assert [s["key"] for s in rec["sections"]][-1] == "legacy_stats"


@pytest.mark.parametrize("name", ["01_template_tabs.txt", "05_scraped_whitespace_free.txt", "21_cells_glued_units.txt"])
def test_facts_come_from_the_prose_not_from_the_annex(name: str) -> None:
    rep = nlp.parse_report(DATA / name, "facts")
    annex = rep.section("legacy_stats")
    facts = rep.facts
    assert annex is not None and facts
    assert not [f for f in facts if annex.start <= f["start"] < annex.end]
    # the prose of section 二 is narrative in a pre-2019 report: its total is a fact
    total = [f for f in facts if f["metric"] == "active_disclosure.total"]
    assert total and total[0]["section"] == "active_disclosure"
    assert total[0]["value"] == _expect(DATA / name)["legacy_stats"]["active.total"]


def test_legacy_overview_items_get_no_2021_keys_by_position() -> None:
    """A pre-2019 概述 lists its own items: only an item naming a sub-key gets it (never by its position)."""
    from nlp.segment import segment

    text = ("一、概述\n（一）组织机构建设情况\n成立了工作小组。\n（二）主动公开工作\n全年公开信息20条。\n"
            "（三）查阅场所建设情况\n设立了查阅点。\n二、主动公开政府信息情况\n全年主动公开20条。\n"
            "三、依申请公开政府信息情况\n无。\n四、存在的主要问题和改进措施\n一是更新不及时。\n")
    sections, _, _ = segment(text)
    assert [s.key for s in sections[0].subsections] == ["overall.active"]
    assert sections[0].subsections[0].title.startswith("主动公开")


def test_text_is_checked_against_the_annex(tmp_path: Path) -> None:
    """L8: the prose totals against the annex cells (C11/C12 against tables 三/四 for 2021)."""
    rep = nlp.parse_report(DATA / "01_template_tabs.txt", "run")
    res = {r["rule"]: r for r in rep.checks}
    assert res["L8.active_total"]["status"] == "PASS" and res["L8.applications_received"]["status"] == "PASS"
    # the same report with a prose total that disagrees with its annex
    text = (DATA / "01_template_tabs.txt").read_text(encoding="utf-8").replace("共主动公开政府信息146条", "共主动公开政府信息164条")
    path = tmp_path / "l8.txt"
    path.write_text(text, encoding="utf-8")
    rep = nlp.parse_report(path, "run")
    res = {r["rule"]: r for r in rep.checks}
    assert res["L8.active_total"]["status"] == "FAIL"
    assert res["L8.active_total"]["expected"] == 146 and res["L8.active_total"]["actual"] == 164
