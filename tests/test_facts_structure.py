"""Clause structure of numeric facts (issue 16): breakdown families and categories, channel counts, document
heads, coordinated zeros and rates, report-part counts and slogans, the new units; first on the real reports
in ../shared, then on small variants of layouts seen in real report pages."""
from __future__ import annotations

import pytest
from conftest import REAL, ROOT, requires_shared

from nlp.facts import extract_facts
from nlp.facts.evaluate import read_jsonl, score, sentence_items
from nlp.facts.extractor import FactExtractor
from nlp.pipeline import parse_report

PASSAGES = ROOT / "corpus" / "annotations" / "facts_passages.jsonl"


def by_text(facts, text):
    return [f for f in facts if f["text"] == text]


def metric_of(sentence, text):
    (f,) = by_text(extract_facts(sentence), text)
    return f["metric"]


# -- real reports ------------------------------------------------------------------------------------
@requires_shared
def test_kewei_channels_and_category_items():
    facts = parse_report(REAL / "kiro-2024-shanghai-kewei-source.md", "facts").facts
    site = [f for f in facts if f["text"] in ("2139 条", "393 件")]
    assert {f["metric"] for f in site} == {"active_disclosure.by_channel.website"}
    (interp,) = by_text(facts, "21 条")
    assert interp["metric"] == "active_disclosure.breakdown" and interp["category"] == "解读类信息"
    (wechat,) = by_text(facts, "1640 篇")
    assert wechat["metric"] == "active_disclosure.by_channel.wechat"
    # The original-article count is a part of the 1640 with a cue of its own: it keeps newmedia.posts.
    original = next(f for f in facts if f["value"] == 294)
    assert original["parent"] == facts.index(wechat) and original["metric"] == "newmedia.posts"
    # Views and likes after "；…视频号共…" open no item of the 其中 before them.
    assert all(f["parent"] is None for f in facts if f["value"] in (584, 1924252, 118, 303855, 136888))


@requires_shared
def test_shuyang_item_of_a_non_disclosure_parent_gets_its_family():
    facts = parse_report(REAL / "kiro-2025-shuyang-xian-renmin-zhengfu.txt", "facts").facts
    (item,) = by_text(facts, "17 篇")
    assert item["metric"] == "policy_interpretation.breakdown" and item["category"] == "图文及视频类产品"
    assert facts[item["parent"]]["metric"] == "policy_interpretation.count"
    share = next(f for f in facts if f["unit"] == "%" and f["start"] > item["start"])
    assert share["metric"] == "policy_interpretation.breakdown_share"


@requires_shared
def test_real_reports_have_no_structure_counts_and_each_category_is_a_label():
    for path in sorted(REAL.iterdir()):
        if path.suffix == ".tsv":
            continue
        report = parse_report(path, "facts")
        for f in report.facts:
            assert not (f["unit"] in ("个", "项") and report.text[f["end"]:f["end"] + 2] in ("部分", "方面"))
            if f["category"] is not None:
                assert f["metric"].endswith((".breakdown", ".by_channel.column"))
                window = "".join(report.text[max(0, f["start"] - 60):f["start"]].split())
                assert "".join(f["category"].split()) in window


# -- the passage gold: the extractor against the nearest-cue baseline -------------------------------
def test_passage_gold_scores_and_beats_the_nearest_cue_baseline():
    records = read_jsonl(PASSAGES)
    assert len(records) >= 24 and sum(len(r["expected"]) for r in records) >= 250
    assert {r["form"] for r in records} == {"2021", "2019", "legacy"}
    result = score(sentence_items(records, FactExtractor()))
    base = score(sentence_items(records, FactExtractor(), baseline="nearest_cue"))
    assert result["value_unit"]["f1"] >= 0.97 and result["must_not_false_positives"] == 0
    assert result["metric_accuracy_determined"] >= 0.9 and result["category_accuracy_on_found"] >= 0.9
    assert base["metric_accuracy_determined"] < result["metric_accuracy_determined"] - 0.2


# -- small variants -------------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", [
    "本报告由总体情况、主动公开政府信息情况等六个部分组成。",
    "全文包括概述、依申请公开情况、行政复议和行政诉讼情况等8个部分。",
    "现从以下六个方面报告本单位工作。",
    "深入落实“三项制度”，推动实现“三个转变”和“两个千方百计”。",
    "落实四项制度，按时发放两项补贴。",
    "推行“三个一”工作法。",
])
def test_report_parts_and_slogans_are_no_facts(sentence):
    assert extract_facts(sentence) == []


def test_a_count_after_its_noun_is_kept():
    assert [f["value"] for f in extract_facts("修订完善工作制度4项，印发方案3个。")] == [4, 3]


def test_items_inherit_their_parents_family_with_a_category():
    facts = extract_facts("公开市政府规章9件（含新制定3件，修改4件，废止2件）。")
    assert [(f["metric"], f["category"]) for f in facts[1:]] == [
        ("rules.breakdown", "新制定"), ("rules.breakdown", "修改"), ("rules.breakdown", "废止")]
    facts = extract_facts("12345热线全年受理诉求5200件，其中咨询类3100件，占59.6%；求助类1400件，占26.9%；投诉类700件，占13.5%。")
    items = [f for f in facts if f["parent"] == 0]
    assert [f["category"] for f in items] == ["咨询类", "求助类", "投诉类"]
    shares = [f["metric"] for f in facts if f["unit"] == "%"]
    assert shares == [f"{items[0]['metric']}_share"] * 3


def test_category_labels_win_over_cues_inside_them():
    facts = extract_facts("共发布信息238条，其中规范性文件类9条、政务动态类67条。")
    assert [(f["metric"], f["category"]) for f in facts[1:]] == [
        ("active_disclosure.breakdown", "规范性文件类"), ("active_disclosure.breakdown", "政务动态类")]
    # A specific cue of its own keeps its metric (it is cross-checked against table 二).
    assert metric_of("主动公开信息170条，其中规范性文件12件。", "12件") == "normative_docs.made"


def test_channel_counts():
    assert metric_of("2019年，我部通过部门户网站发布各类信息11246条。", "11246条") == "active_disclosure.by_channel.website"
    assert metric_of("部官方微博发布信息5310条。", "5310条") == "active_disclosure.by_channel.weibo"
    assert metric_of("政务新媒体发布信息200条。", "200条") == "newmedia.posts"
    # 主动公开 states the unit's total even through its website.
    assert metric_of("全年通过门户网站主动公开政府信息96条。", "96条") == "active_disclosure.total"
    # Several channels in one clause: no single channel.
    assert metric_of("政务网站、微信、微博共发布各类信息2483条。", "2483条") == "active_disclosure.total"
    facts = extract_facts("政务新媒体全年发布信息1036条，其中微信公众号684条、抖音号352条。")
    assert [f["metric"] for f in facts[1:]] == ["newmedia.by_channel.wechat", "newmedia.by_channel.short_video"]
    facts = extract_facts("全年共公布政府信息5862条，其中通过门户网站发布3127条，占53.3%；通过政务微博发布751条，占12.8%。")
    assert [f["metric"] for f in facts] == [
        "active_disclosure.total", "active_disclosure.by_channel.website", "active_disclosure.by_channel.website_share",
        "active_disclosure.by_channel.weibo", "active_disclosure.by_channel.weibo_share"]
    # A column is on a website: it is the channel only when no other is named.
    facts = extract_facts("县政府门户网站共发布政务信息7432条，其中“疫情防控”专栏1209条。")
    assert facts[1]["metric"] == "active_disclosure.by_channel.column" and facts[1]["category"] == "“疫情防控”专栏"


def test_document_heads_and_the_governing_noun():
    facts = extract_facts("公开人大代表建议和政协提案复函6条。")
    assert facts[0]["metric"] == "active_disclosure.breakdown" and facts[0]["category"] == "人大代表建议和政协提案复函"
    assert metric_of("承办县政协提案9件。", "9件") == "proposals.cppcc.handled"
    assert metric_of("全年收到政府信息公开申请0条。", "0条") == "applications.received"
    assert metric_of("电子化全文公开率达100%。", "100%") == "active_disclosure.fulltext_rate"
    assert metric_of("市长信箱办结率98%，公开率100%。", "100%") is None  # 公开率 of proposals needs 建议/提案


@pytest.mark.parametrize("sentence, metrics", [
    ("本年度行政复议、行政诉讼均为0。", ["litigation.total", "review.total"]),
    ("被申请行政复议和被提起行政诉讼的数量均为零。", ["litigation.total", "review.total"]),
    ("被申请行政复议、被提起行政诉讼均为0件。", ["litigation.total", "review.total"]),
    ("收到政府信息公开申请数为零。", ["applications.received"]),
    ("全年未发生行政复议、行政诉讼。", ["litigation.total", "review.total"]),
    ("未接到有关政府信息公开事务的复议、诉讼和申诉。", ["litigation.total", "review.total"]),
    ("本年度未收到网民留言。", ["messages.online"]),
    ("无人大代表建议和政协提案办理任务。", ["proposals.cppcc.handled", "proposals.npc.handled"]),
    ("本年度无政府信息公开申请。", ["applications.received"]),
])
def test_coordinated_zeros(sentence, metrics):
    facts = extract_facts(sentence)
    assert sorted(f["metric"] for f in facts) == metrics and all(f["value"] == 0 for f in facts)


def test_coordinated_rates_share_their_value():
    facts = extract_facts("办理人大代表建议212件、政协提案305件，办复率、满意率均为100%。")
    rates = [f for f in facts if f["unit"] == "%"]
    assert sorted(f["metric"] for f in rates) == ["proposals.reply_rate", "proposals.satisfaction_rate"]
    assert rates[0]["start"] == rates[1]["start"]


@pytest.mark.parametrize("sentence, text, unit, metric", [
    ("共收到政府信息公开申请2宗。", "2宗", "宗", "applications.received"),
    ("被申请行政复议2例。", "2例", "例", "review.total"),
    ("配置资料柜14只。", "14只", "只", None),
    ("邀请专家3位参与解读。", "3位", "位", None),
    ("政务新媒体转载政策稿件640篇次。", "640篇次", "篇次", "newmedia.posts"),
    ("配备兼职工作人员一名。", "一名", "名", "staff.count"),
    ("在区政府网站发布信息110条。", "110条", "条", "active_disclosure.by_channel.website"),
])
def test_units_and_numbers(sentence, text, unit, metric):
    (f,) = by_text(extract_facts(sentence), text)
    assert f["unit"] == unit and f["metric"] == metric


def test_unit_words_are_not_units():
    assert extract_facts("只有3个部门例外。") == [] or all(f["unit"] != "只" for f in extract_facts("只有3个部门例外。"))
    assert extract_facts("拨打110报警。") == []


@requires_shared
def test_run_fact_table_carries_the_category():
    from nlp.run.rows import fact_rows
    from nlp.run.schema import SCHEMAS

    report = parse_report(REAL / "kiro-2024-shanghai-kewei-source.md", "facts")
    rows = fact_rows(report, "d")
    assert "category" in SCHEMAS["facts"].names
    assert any(r["category"] == "解读类信息" and r["metric"] == "active_disclosure.breakdown" for r in rows)
