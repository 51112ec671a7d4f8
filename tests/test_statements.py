"""Section 五 → statements: boundaries, roles, statuses and pairing, on the seeds, the real reports
(when ../shared is present) and small hand-made variants of real layouts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REAL, ROOT, SEED_FILES, requires_shared
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.model import Report
from nlp.pipeline import Pipeline
from nlp.statements import (
    Statement,
    find_problems_span,
    pair_statements,
    split_statements,
    statements_from_text,
)
from nlp.statements.cleanview import clean_text

GOLD = ROOT / "corpus" / "annotations" / "statements.jsonl"
PIPE = ["normalize", "segment", "metadata", "statements", "pairing"]


def _gold() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out.setdefault(rec["doc"], []).append(rec)
    return out


def _doc_path(doc: str) -> Path:
    seed = ROOT / "corpus" / "samples" / doc
    return seed if seed.exists() else REAL / doc


def _check_against_gold(doc: str, gold: list[dict]) -> None:
    report = Pipeline(PIPE).from_path(_doc_path(doc))
    assert report.ok, report.error
    got = report.statement_records()
    assert [(g["role"]) for g in gold] == [s["role"] for s in got], doc
    for g, s in zip(gold, got):
        # offsets index Report.text, and the text is exactly that slice (line breaks and all)
        assert report.text[s["start"]:s["end"]] == s["text"]
        if "text" in g:
            assert clean_text(s["text"]) == g["text"]
            assert (s["start"], s["end"]) == (g["start"], g["end"])


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_statements_match_hand_annotation(path: Path) -> None:
    _check_against_gold(path.name, _gold()[path.name])


@requires_shared
@pytest.mark.shared
def test_real_statements_match_hand_annotation() -> None:
    from nlp.themes.data import text_sha1

    gold = {d: g for d, g in _gold().items() if not (ROOT / "corpus" / "samples" / d).exists()}
    assert len(gold) == len([p for p in REAL.iterdir() if p.suffix != ".tsv"])
    for doc, recs in gold.items():
        _check_against_gold(doc, recs)
        got = Pipeline(PIPE).from_path(REAL / doc).statement_records()
        assert [text_sha1(clean_text(s["text"])) for s in got] == [g["text_sha1"] for g in recs], doc


def test_status_agrees_with_hand_labels_on_most_measures() -> None:
    measures = [(doc, g) for doc, recs in _gold().items() for g in recs if g["role"] == "measure"]
    agree = total = 0
    for doc in {d for d, _ in measures}:
        path = _doc_path(doc)
        if not path.exists():
            continue
        got = Pipeline(PIPE).from_path(path).statement_records()
        for g, s in zip(_gold()[doc], got):
            if g["role"] == "measure":
                total += 1
                agree += g["status"] == s["status"]
    assert total >= 9
    assert agree / total >= 0.85


@requires_shared
@pytest.mark.shared
@pytest.mark.parametrize("name", ["kiro-2024-shanghai-kewei-source.md",
                                  "kiro-2025-shanghai-shizhengfu-bangongting-source.md"])
def test_misnumbered_shanghai_reports_still_yield_problems_and_measures(name: str) -> None:
    text = (REAL / name).read_text(encoding="utf-8")
    from nlp.io import read_document

    text = read_document(REAL / name).text
    # our own fallback finds the block even without the segmenter
    span = find_problems_span(text)
    assert span is not None and span[2] == "subheading"
    sts = split_statements(text, span[0], span[1])
    roles = {s.role for s in sts}
    assert roles == {"problem", "measure"}
    assert all("其他需要报告" not in s.text for s in sts)


def test_year_will_sentence_opens_measures_and_pdf_line_breaks_are_tolerated() -> None:
    # seed-003 layout (no labels, "2024年，…将" boundary) with PDF wraps and a page footer
    body = ("\n一是信息公开内容还不够全面；二\n是干部队伍建设有待加强。2024 年，本街道将继续按照上级要求，"
            "进一步完善机制。一是完善信息发布\n- 4 -\n工作机制；二是加强业务培训。\n")
    sts = split_statements(body)
    assert [s.role for s in sts] == ["problem", "problem", "measure", "measure"]
    assert clean_text(sts[1].text).startswith("二是干部队伍")
    # the text is the slice the offsets give (line break and page footer included)
    assert sts[2].text == body[sts[2].start:sts[2].end] and "- 4 -" in sts[2].text
    assert clean_text(sts[2].text) == "一是完善信息发布工作机制；"
    assert all(s.status == "planned" for s in sts[2:])
    # the lead-in "2024年，…将继续…完善机制。" before a numbered list is not a statement
    assert not any(s.text.startswith("2024年") for s in sts)


def test_unnumbered_lists_split_on_semicolons_and_list_intros_are_dropped() -> None:
    body = ("2024年，全区工作虽取得一定成绩，但仍存在一些不足，主要是：栏目更新不及时，解读形式单一等。"
            "针对存在问题，下一步，我们将加强栏目管理；丰富解读形式。")
    sts = split_statements(body)
    assert [(s.role, s.text) for s in sts] == [
        ("problem", "栏目更新不及时，解读形式单一等。"),
        ("measure", "针对存在问题，下一步，我们将加强栏目管理；"),
        ("measure", "丰富解读形式。"),
    ]


def test_claimed_results_are_done() -> None:
    body = "主要问题：一是积极性不足。二是内容不全面。\n改进情况：一是工作积极性显著提升。二是内容全面性得以改善。"
    sts = split_statements(body)
    assert [s.status for s in sts if s.role == "measure"] == ["done", "done"]


def _st(role: str, themes: list[str], status: str | None = None) -> Statement:
    return Statement(0, 1, "x", role, status if role == "measure" else None, themes)


def test_pairing_ordinal_prior_plus_fan_out() -> None:
    # seed 004 pattern: measure 2 (review, mechanism, training, supervision) also answers problem 1 (training)
    sts = [_st("problem", ["staff_capacity"]), _st("problem", ["review_security_privacy", "timeliness_update"]),
           _st("measure", ["staff_capacity"], "planned"),
           _st("measure", ["review_security_privacy", "institution_mechanism", "staff_capacity"], "planned")]
    summary = pair_statements(sts)
    assert sts[0].pair == [2, 3] and sts[1].pair == [3]
    assert summary["uncovered_problems"] == [] and summary["orphan_measures"] == []


def test_pairing_without_matching_counts_reports_uncovered_and_orphans() -> None:
    sts = [_st("problem", ["staff_capacity"]), _st("problem", ["public_participation"]),
           _st("problem", ["timeliness_update"]),
           _st("measure", ["staff_capacity"], "planned"), _st("measure", ["supervision_assessment"], "planned")]
    summary = pair_statements(sts)
    assert summary["uncovered_problems"] == [1, 2]
    assert summary["orphan_measures"] == [4]
    assert sts[0].pair == [3]


def test_last_years_rectifications_are_not_paired_with_this_years_problems() -> None:
    sts = [_st("measure", ["platform_channel"], "done"), _st("problem", ["platform_channel"]),
           _st("problem", ["application_handling"])]
    summary = pair_statements(sts)
    assert summary["prior_year_rectifications"] == [0]
    assert sts[1].pair == [] and summary["uncovered_problems"] == [1, 2]


def test_report_without_section_five_has_no_statements() -> None:
    text = "一、总体情况\n本年度公开信息10条。\n二、主动公开政府信息情况\n无。\n六、其他需要报告的事项\n无。\n"
    assert statements_from_text(text) == []
    report = Pipeline(PIPE).from_text(text)
    assert report.statement_records() == []
    assert report.statement_summary["span_source"] is None


def test_component_uses_fallback_when_segmenter_gives_no_problems_section() -> None:
    from nlp.component import create

    text = "（一）主要问题\n栏目更新不及时。\n（二）改进情况\n已建立更新台账。\n五、其他需要报告的事项\n无。"
    report = Report(source="x", text=text)
    create("pairing")(create("statements")(report))
    assert report.statement_summary["span_source"] == "subheading"
    assert [s["role"] for s in report.statement_records()] == ["problem", "measure"]
    assert report.statement_records()[1]["status"] == "done"


def test_statements_cli_one_line_per_statement_and_error_records(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nlp.cli import app

    bad = tmp_path / "missing.txt"
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["statements", str(SEED_FILES[1]), str(bad), "--no-themes", "-o", str(out)])
    assert res.exit_code == 1
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    good = [r for r in rows if r["source"] == str(SEED_FILES[1])]
    assert len(good) == 4 and set(good[0]) >= {"source", "start", "end", "text", "role", "status", "themes",
                                                "scores", "pair"}
    err = [r for r in rows if r["source"] == str(bad)]
    assert len(err) == 1 and err[0]["ok"] is False and "missing.txt" in err[0]["error"]


_PIECES = ["一是", "二是", "三是", "（一）", "（二）", "1.", "2、", "存在问题：", "改进措施：", "改进情况", "下一步，",
           "针对上述问题，", "2024年，我局将", "主要是：", "。", "；", "，", "\n", "\n- 4 -\n", "栏目更新不及时",
           "加强培训", "已完成", "政策解读", " ", "五、存在的主要问题及改进情况\n", "六、其他需要报告的事项\n"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_splitter_never_crashes_and_spans_are_ordered_and_in_bounds(pieces: list[str]) -> None:
    text = "".join(pieces)
    sts = statements_from_text(text)
    prev_end = 0
    for s in sts:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= prev_end
        prev_end = s.end
        assert text[s.start:s.end] == s.text
        assert s.role in ("problem", "measure")
        assert (s.status in ("planned", "done")) == (s.role == "measure")


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("五六、. \t\n#存在问题改进措施1２")), max_size=60), st.integers(0, 60))
def test_heading_lines_after_an_offset_are_those_of_the_whole_scan(text: str, end: int) -> None:
    """extend_over_measures scans from ``end``: a heading match is one line, so it finds the same lines."""
    from nlp.text.headings import SECTION_HEADING_LINE

    end = min(end, len(text))
    got = [m.span() for m in SECTION_HEADING_LINE.finditer(text, end)]
    assert got == [m.span() for m in SECTION_HEADING_LINE.finditer(text) if m.start() >= end]
