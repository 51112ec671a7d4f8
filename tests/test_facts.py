"""Numeric facts from the free text (issue 5, domain.md §4): seeds first, then hand-made variants."""
from __future__ import annotations

import re
import textwrap

import pytest
from conftest import SAMPLES

import nlp
from nlp.facts import FACT_FIELDS, FactExtractor, extract_facts
from nlp.facts.lexicon import build_lexicon
from nlp.resources import resource_path
from nlp.text.numbers import parse_number

TABLE_SECTIONS = ("active_disclosure", "applications", "review_litigation")


def seed(prefix: str):
    return nlp.parse_report(next(SAMPLES.glob(f"{prefix}_*.txt")), "facts")


def by_text(facts, text):
    return [f for f in facts if f["text"] == text]


# -- numerals ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("span,value", [
    ("两", 2), ("十二", 12), ("一百二十", 120), ("四十", 40), ("百", 100), ("一千零二十四", 1024),
    ("3.2万", 32000), ("32.1万", 321000), ("1,024", 1024), ("１２８", 128), ("1.2亿", 120000000), ("553", 553),
])
def test_parse_number(span, value):
    assert parse_number(span) == value


def test_parse_number_rejects_words():
    assert parse_number("进一步") is None and parse_number("统一") is None


# -- seeds ------------------------------------------------------------------------------------------
def test_seed_001_hotline_breakdown_and_coordination():
    report = seed("001")
    facts = report.facts
    values = [f["value"] for f in facts]
    assert 12345 not in values and 2023 not in values and 2021 not in values and 30 not in values
    (hotline,) = [f for f in facts if f["value"] == 441]
    assert hotline["metric"] == "hotline_12345.cases" and hotline["unit"] == "件"
    idx = facts.index(hotline)
    kids = [f for f in facts if f["parent"] == idx]
    assert [k["value"] for k in kids] == [250, 173, 14, 4] and sum(k["value"] for k in kids) == 441
    assert len({k["group"] for k in kids}) == 1
    zero = [f for f in facts if f["text"] == "0件" and f["metric"] in ("review.total", "litigation.total")]
    assert sorted(f["metric"] for f in zero) == ["litigation.total", "review.total"]
    assert zero[0]["start"] == zero[1]["start"]
    total = next(f for f in facts if f["value"] == 24)
    assert total["metric"] == "active_disclosure.total" and total["channel"] == "政府网站"
    assert [f["value"] for f in facts if f["parent"] == facts.index(total)] == [21, 2, 1]


def test_seed_000_spaced_number_and_negation():
    facts = seed("000").facts
    (f553,) = by_text(facts, "553 条")
    assert f553["value"] == 553 and f553["metric"] == "active_disclosure.total" and f553["channel"] == "微信公众号"
    neg = [f for f in facts if f["metric"] == "applications.received"]
    assert neg and neg[0]["qualifier"] == "negation" and neg[0]["value"] == 0 and neg[0]["text"].startswith("未接到")


def test_seed_002_approximation_with_space():
    facts = seed("002").facts
    (f,) = by_text(facts, "950 余件")
    assert (f["value"], f["value_min"], f["value_max"], f["qualifier"]) == (950, 950, None, "lower_bound")
    assert 12345 not in [x["value"] for x in facts]


def test_seed_003_channels_and_fee_notice():
    facts = seed("003").facts
    parent = next(f for f in facts if f["value"] == 170)
    kids = [f for f in facts if f["parent"] == facts.index(parent)]
    assert sum(k["value"] for k in kids) == 170
    assert {k["metric"] for k in kids} >= {"active_disclosure.by_channel.wechat", "active_disclosure.by_channel.other"}
    assert any(f["metric"] == "info_fee.notices" and f["qualifier"] == "negation" for f in facts)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_records_point_into_report_text_and_skip_tables(prefix):
    report = seed(prefix)
    facts = report.facts
    tables = [report.section(k) for k in TABLE_SECTIONS]
    for i, f in enumerate(facts):
        assert set(FACT_FIELDS) <= set(f)
        assert report.text[f["start"]:f["end"]] == f["text"]
        assert f["sentence_start"] <= f["start"] < f["end"] <= f["sentence_end"]
        assert not any(s and s.heading_start <= f["start"] < s.end for s in tables), f
        assert f["parent"] is None or 0 <= f["parent"] < i
        assert f["qualifier"] in ("exact", "lower_bound", "upper_bound", "approx", "negation", "range", "indefinite")


def test_deterministic():
    path = next(SAMPLES.glob("001_*.txt"))
    assert nlp.parse_report(path, "facts").facts == nlp.parse_report(path, "facts").facts


# -- hand-made variants of real layouts -------------------------------------------------------------
def test_whole_report_regex_fallback_skips_tables():
    text = textwrap.dedent("""\
        一、总体情况
        全年主动公开政府信息 126 条。
        二、主动公开政府信息情况
        第二十条第（一）项
        信息内容\t本年制发件数\t本年废止件数\t现行有效件数
        规章\t3 件\t0\t5
        三、收到和处理政府信息公开申请情况
        | 一、本年新收政府信息公开申请数量 | 32 | 2 | 34 |
        六、其他需要报告的事项
        收取信息处理费 380 元。
        """)
    facts = extract_facts(text)
    assert [(f["value"], f["unit"]) for f in facts] == [(126, "条"), (380, "元")]
    assert facts[1]["metric"] == "info_fee.amount"


def test_pdf_style_wrapped_lines():
    text = "2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件（含上年度结转申请 34 件，另有 103 件顺延到下年度\n答复），均在法定期限内予以答复。"
    facts = extract_facts(text)
    got = {f["value"]: f for f in facts}
    assert got[3050]["metric"] == "applications.processed"
    assert got[34]["parent"] == facts.index(got[3050])
    assert got[103]["parent"] is None and got[103]["metric"] == "applications.carried_forward"


def test_review_outcomes_are_relative_to_parent():
    facts = extract_facts("政府信息公开行政复议351件，其中结果维持72件，结果纠正64件，其他结果178件，尚未审结37件。")
    assert [f["metric"] for f in facts] == ["review.total", "review.upheld", "review.corrected", "review.other",
                                             "review.pending"]


def test_two_breakdowns_of_one_parent_have_two_groups():
    facts = extract_facts("办结1191件（含上年结转189件），均按期答复。其中，不予公开20件，无法提供564件。")
    parent = next(i for i, f in enumerate(facts) if f["value"] == 1191)
    kids = [f for f in facts if f["parent"] == parent]
    assert len(kids) == 3 and len({k["group"] for k in kids}) == 2


def test_share_follows_count_and_rates_are_named():
    facts = extract_facts("网络申请1303件，占86.92%。12345热线办结率100%。")
    assert [(f["value"], f["metric"]) for f in facts] == [
        (1303, "applications.by_channel.online"), (86.92, "applications.by_channel.online_share"),
        (100, "hotline_12345.completion_rate")]


def test_change_and_cumulative_scope():
    f1, f2 = extract_facts("主动公开信息较上年增加120条；截至12月31日，累计公开规范性文件128件。")
    assert f1["scope"] == "change" and f2["scope"] == "cumulative"


@pytest.mark.parametrize("sentence", [
    "文件应在形成20个工作日内公开。",
    "依据《条例》第二十条第（一）项、第五十条的规定。",
    "（国办公开办函〔2021〕30号）",
    "严格执行“三审三校”制度，深入学习党的二十大精神。",
    "联系电话：0527-83593059，邮编：223600，地址：苏州东路42号。",
    "同一申请人一个自然月内申请10件以下（含10件）的，不收费；11—30件的部分按每件100元收费。",
    "进一步统一规范公开流程，推进一网通办，打通最后一公里。",
])
def test_must_not_forms(sentence):
    assert extract_facts(sentence) == []


def test_fullwidth_and_thousands():
    facts = extract_facts("全年共收到政府信息公开申请1,024件，主动公开政府信息１２８条。")
    assert [(f["value"], f["text"]) for f in facts] == [(1024, "1,024件"), (128, "１２８条")]


def test_lexicon_file_adds_a_metric_without_code(tmp_path):
    spec = resource_path("metrics.yaml").read_text(encoding="utf-8")
    spec = spec.replace("metrics:\n", "metrics:\n  - name: petitions.visits\n    cues: [群众来访]\n    units: [人次]\n", 1)
    path = tmp_path / "metrics.yaml"
    path.write_text(spec, encoding="utf-8")
    ex = FactExtractor(build_lexicon(path, resource_path("fact_negatives.yaml")))
    (fact,) = ex.extract("全年接待群众来访 35 人次。")
    assert fact["metric"] == "petitions.visits"
    assert extract_facts("全年接待群众来访 35 人次。")[0]["metric"] is None


def test_negative_lexicon_patterns_compile_and_match():
    neg = build_lexicon(resource_path("metrics.yaml"), resource_path("fact_negatives.yaml"))
    assert neg.negative_patterns["year"].search("2023年度")
    assert neg.negative_patterns["document_number"].search("〔2021〕30号")
    assert not neg.negative_patterns["phone"].search("关注人数达 1016823 人")
    assert re.fullmatch(neg.negative_names, "三审三校")
