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

import nlp
from nlp.rules import run_checks
from tests.conftest import SEED_FILES, real_reports, requires_shared

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
    assert set(rep.missing_sections) == {k for k in nlp.model.SECTION_KEYS if k not in exp["sections"]}
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
    table = rep.extensions["tables"].get("legacy_stats")
    if exp["legacy_stats"] is None:
        assert table is None
        return
    assert table["format"] == "legacy" and table["schema"] == exp["schema"]
    assert table["cells"] == exp["legacy_stats"]
    prov = rep.extensions["table_provenance"]["legacy_stats"]["cells"]
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
    results = {r["rule"]: r["status"] for r in parsed[path.name].extensions["checks"]}
    for rule, status in exp["checks"].items():
        assert results.get(rule) == status, (rule, results.get(rule))
    # the statutory tables of 2019/2021 do not exist before 2019: not a failure
    assert results["A5.presence.table3"] == "NOT_ASSESSABLE"


def test_identity_rules_say_nothing_without_an_annex(parsed) -> None:
    rep = parsed["09_unnumbered_no_annex.txt"]
    assert not [r for r in rep.extensions["checks"] if r["rule"].startswith("L")]


def test_problems_hand_statements_both_roles(parsed) -> None:
    """Section 五's splitter gets the whole problems section, measures included."""
    for name in ("04_measures_own_section.txt", "16_measures_next_steps_spaced.txt", "02_fees_after_review_cells.txt"):
        rep = nlp.parse_report(DATA / name, "statements")
        roles = {s["role"] for s in rep.extensions["statements"]}
        assert roles == {"problem", "measure"}, name


# --- no regressions on 2019/2021 reports ------------------------------------------------------------
@pytest.mark.parametrize("path", SEED_FILES + real_reports(".txt", ".md", ".html", ".pdf"), ids=lambda p: p.name[:24])
def test_modern_reports_keep_format_and_have_no_legacy_parts(path: Path) -> None:
    rep = nlp.parse_report(path)
    assert rep.meta.format_version == "2021"
    assert [s.key for s in rep.sections] == list(nlp.model.SECTION_KEYS)
    assert "legacy_stats" not in rep.extensions["tables"]
    assert rep.extensions["tables"]["table3"] is not None  # per-table 2019/2021 detection unchanged


def test_a_stray_2019_word_in_prose_is_no_2019_table() -> None:
    text = (DATA / "07_pdf_text_2017.txt").read_text(encoding="utf-8")
    assert "政府集中采购" in text
    assert nlp.meta.detect_format(nlp.normalize.normalize(text).text) == "legacy"
    # the 2019 table header words still decide 2019 when a table 三 is there
    t3 = "本年新收政府信息公开申请数量\t1\n上一年项目数量\t本年增/减\t其他对外管理服务事项"
    assert nlp.meta.detect_format(t3) == "2019"


@requires_shared
def test_real_2021_table_cells_are_unchanged_by_the_annex_parser() -> None:
    for path in real_reports(".pdf"):
        tables = nlp.parse_report(path).extensions["tables"]
        assert set(tables) == {"table2", "table3", "table4"}
