"""`govnlp score`: rubric deductions with evidence, caps, rankings within groups."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REAL, SEED_FILES, real_reports, requires_shared
from typer.testing import CliRunner

from nlp.cli import app
from nlp.run import run_corpus
from nlp.score import load_rubric, score_run


@pytest.fixture(scope="module")
def rundir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("score")
    inputs = [*SEED_FILES, *real_reports(".pdf", ".md", ".txt", ".html")]
    run_corpus(inputs, tmp / "out", jobs=2, progress=False)
    return tmp / "out"


@pytest.fixture(scope="module")
def scored(rundir):
    return score_run(rundir)


def _sheet(result, agency: str, year: int) -> dict:
    return next(s for s in result.sheets if s["agency"] == agency and s["year"] == year)


def test_every_sheet_adds_up_and_respects_the_caps(scored):
    rubric = load_rubric()
    maxima = {i.id: i.max for i in rubric.indicators}
    assert len(scored.sheets) == len(SEED_FILES) + len(real_reports(".pdf", ".md", ".txt", ".html"))
    for s in scored.sheets:
        deducted = sum(d["points"] for d in s["deductions"])
        assert s["score"] == pytest.approx(s["total"] - deducted)
        for ind in s["indicators"]:
            assert 0 <= ind["deducted"] <= maxima[ind["id"]]
            assert ind["deducted"] == pytest.approx(sum(d["points"] for d in s["deductions"] if d["indicator"] == ind["id"]))
        for d in s["deductions"]:
            assert d["evidence"] and d["rule"] and d["points"] > 0


def test_statute_copy_of_seed_000_is_deducted_with_the_article(scored):
    s = _sheet(scored, "红旗区文化街街道办事处", 2023)
    d = next(d for d in s["deductions"] if d["deduction"] == "statute_copy")
    assert d["evidence"][0]["article"] == "第四十七条" and d["evidence"][0]["section"] == "overall.supervision"
    assert d["evidence"][0]["value"] > 0.9


def test_short_template_sections_are_not_copying_unless_the_rubric_says_so(rundir, scored, tmp_path):
    # seeds 000 and 004 share the one sentence of section 六 (26 characters, similarity 1.0)
    s = _sheet(scored, "红旗区文化街街道办事处", 2023)
    assert not [d for d in s["deductions"] if d["deduction"] == "same_as_other_unit"]
    path = tmp_path / "r.yaml"
    path.write_text("indicators:\n  - id: originality\n    max: 15\n    deductions:\n"
                    "      - {id: peer, source: similarity, field: max_sim_other, above: 0.5, points: 5, per: report}\n",
                    encoding="utf-8")
    s = _sheet(score_run(rundir, path, tmp_path / "s"), "红旗区文化街街道办事处", 2023)
    ev = s["deductions"][0]["evidence"][0]
    assert (ev["section"], ev["value"], ev["compared_agency"]) == ("other", 1.0, "红旗区洪门镇")


@requires_shared
def test_inconsistent_table_four_of_hongze_2023_is_deducted_with_its_cells(scored):
    # the source prints totals of 0 beside non-zero parts in table 四 (two blocks)
    s = _sheet(scored, "洪泽区人民政府", 2023)
    acc = [d for d in s["deductions"] if d["indicator"] == "accuracy"]
    assert sorted(d["rule"] for d in acc) == ["A4.block_total.litigation_after_review", "A4.block_total.review"]
    refs = {c["ref"] for c in acc[0]["evidence"][0]["cells"]}
    assert any(r.startswith("table4.") and r.endswith(".total") for r in refs)
    assert all(c["start"] is not None for c in acc[0]["evidence"][0]["cells"])  # a span in the text


@requires_shared
def test_text_table_mismatch_of_kewei_2024(scored):
    s = _sheet(scored, "上海市科委", 2024)
    rules = [d["rule"] for d in s["deductions"] if d["deduction"] == "text_table_mismatch"]
    assert any(r.startswith("C14") for r in rules)


def test_rankings_within_groups(scored):
    df = scored.scores
    for g in ("level", "region", "year"):
        for _, part in df.groupby(df[g].astype("string").fillna("unknown")):
            for r in part.itertuples():
                better = (part["score"] > r.score).sum()
                assert getattr(r, f"rank_{g}") == better + 1  # ties share the best rank
                assert getattr(r, f"n_{g}") == len(part)


def test_custom_rubric_caps_and_errors(rundir, tmp_path):
    text = """
name: strict
version: "2"
total: 50
indicators:
  - id: accuracy
    name: 数据
    max: 50
    deductions:
      - {id: tables, source: check, rule: [A4], status: [FAIL], points: 10, cap: 4, label: 表四}
      - {id: late, source: check, rule: D19, status: [FAIL, UNCERTAIN], points: 1, per: report, label: 时限}
"""
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    res = score_run(rundir, path, tmp_path / "s")
    if REAL.is_dir():
        s = _sheet(res, "洪泽区人民政府", 2023)
        a4 = [d for d in s["deductions"] if d["deduction"] == "tables"]
        assert [d["points"] for d in a4] == [4, 0]  # the deduction's cap: 4 points in all
        assert any(d["deduction"] == "late" for d in s["deductions"])  # its date comes from the PDF info only
        assert s["score"] == 45 and s["total"] == 50
    bad = tmp_path / "bad.yaml"
    bad.write_text("indicators:\n  - {id: x, max: 5, deductions: [{id: y, source: nowhere, points: 1}]}\n")
    with pytest.raises(ValueError, match="bad.yaml.*source"):
        score_run(rundir, bad, tmp_path / "b")


def test_cli_score_writes_tables_and_sheets(rundir, tmp_path):
    out = tmp_path / "sc"
    res = CliRunner().invoke(app, ["score", str(rundir), "-o", str(out)])
    assert res.exit_code == 0, res.output
    scores = pd.read_parquet(out / "scores.parquet")
    assert pd.read_csv(out / "scores.csv")["score"].tolist() == scores["score"].tolist()
    ded = pd.read_parquet(out / "score_deductions.parquet")
    assert set(ded["doc_id"]) <= set(scores["doc_id"])
    assert len(list((out / "sheets").glob("*.json"))) == len(scores)
    sheet = json.loads((out / "sheets" / f"{scores['doc_id'][0]}.json").read_text(encoding="utf-8"))
    assert set(sheet["ranks"]) == {"level", "region", "year"}
    first = (out / "scores.csv").read_bytes()
    assert CliRunner().invoke(app, ["score", str(rundir), "-o", str(out)]).exit_code == 0
    assert (out / "scores.csv").read_bytes() == first  # deterministic
    assert CliRunner().invoke(app, ["score", str(tmp_path / "nowhere")]).exit_code == 1
