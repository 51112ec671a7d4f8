"""Segmentation into the six statutory sections and the sub-items of 一、总体情况."""
from __future__ import annotations

import pytest
from conftest import SEED_FILES, real_reports, requires_shared

from nlp.io import read_document
from nlp.model import OVERALL_SUBKEYS, SECTION_KEYS
from nlp.normalize import normalize
from nlp.segment import segment

REAL_TEXT = real_reports(".txt", ".md", ".html")


def _assert_well_formed(text: str, sections) -> None:
    prev_end = 0
    for sec in sections:
        assert sec.text == text[sec.start:sec.end]
        assert sec.start == sec.heading_end, "the body starts where the heading ends"
        assert sec.heading_start >= prev_end, "sections do not overlap"
        heading = normalize(text[sec.heading_start:sec.heading_end]).text
        if not sec.title.startswith("(inferred"):
            assert sec.title in heading
        prev_end = sec.end
        for sub in sec.subsections:
            assert sub.text == text[sub.start:sub.end]
            assert sec.start <= sub.heading_start and sub.end <= sec.end
    assert [s.key for s in sections] == [k for k in SECTION_KEYS if k in {s.key for s in sections}]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_has_six_sections_and_five_subitems(path):
    text = read_document(path).text
    sections, missing, _ = segment(text)
    assert missing == []
    _assert_well_formed(text, sections)
    overall = sections[0]
    assert overall.key == "overall" and overall.number == "一"
    assert [s.key for s in overall.subsections] == list(OVERALL_SUBKEYS)
    assert sections[4].key == "problems" and "存在的主要问题" in sections[4].title
    # the table sections carry the tables, the narrative sections do not
    assert "第二十条" in sections[1].text and "本年新收" in sections[2].text
    assert "第二十条" not in sections[4].text


@requires_shared
@pytest.mark.parametrize("path", REAL_TEXT, ids=lambda p: p.name)
def test_real_report_has_six_sections(path):
    text = read_document(path).text
    sections, missing, _ = segment(text)
    assert missing == []
    _assert_well_formed(text, sections)
    problems = next(s for s in sections if s.key == "problems")
    assert "问题" in problems.text[:200]
    assert "其他需要报告" not in problems.text


def _doc(*parts: str) -> str:
    return "\n\n".join(parts) + "\n"


VARIANT = _doc(
    "某某区某某局2023年政府信息公开工作年度报告",
    "1、总体情况", "全年主动公开信息20条。",
    "二、 主动公开政府信息 情况", "规章\t0\t0\t0",
    "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量\t0", "四、结转下年度继续办理\t0",
    "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "0\t0",
    "五、政府信息公开工作存在的主要问题和改进措施",
    "我局认真梳理存在的主要问题及改进情况，一是公开不及时。",
    "其他需要报告的事项", "无。",
)


def test_title_variants_numbering_and_spaces():
    sections, missing, unmapped = segment(VARIANT)
    assert missing == []
    _assert_well_formed(VARIANT, sections)
    keys = {s.key: s for s in sections}
    assert keys["overall"].number == "1"
    assert keys["other"].number is None  # a heading with no numbering
    # the same words inside a sentence do not start a new section
    assert "我局认真梳理存在的主要问题及改进情况" in keys["problems"].text
    # table rows numbered 四、 inside section 三 are not headings
    assert "四、结转下年度继续办理" in keys["applications"].text
    assert [u["title"] for u in unmapped] == ["preamble"]


def test_missing_sections_are_listed_not_raised():
    text = VARIANT[: VARIANT.index("五、政府信息公开")]
    sections, missing, _ = segment(text)
    assert missing == ["problems", "other"]
    assert [s.key for s in sections] == list(SECTION_KEYS[:4])


LEGACY = _doc(
    "某县人民政府2015年政府信息公开工作年度报告",
    "一、概述", "本年度工作有序开展。",
    "二、主动公开政府信息情况", "全年主动公开信息1200条。",
    "三、依申请公开政府信息情况", "共收到申请12件。",
    "四、政府信息公开的收费及减免情况", "未收取费用。",
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况", "无。",
    "六、存在的主要问题和改进措施", "一是公开内容不够全面。",
    "七、其他需要报告的事项", "无。",
)


def test_old_format_maps_what_exists_and_reports_the_rest():
    """A pre-2019 report: 收费及减免 is its own key `fees` (legacy only, never "missing")."""
    sections, missing, unmapped = segment(LEGACY)
    assert missing == []
    assert [(s.key, s.number) for s in sections] == [
        ("overall", "一"), ("active_disclosure", "二"), ("applications", "三"), ("fees", "四"),
        ("review_litigation", "五"), ("problems", "六"), ("other", "七"),
    ]
    fee = next(s for s in sections if s.key == "fees")
    assert "收费及减免" in fee.title
    # the fees part is cut out of the section before it
    apps = next(s for s in sections if s.key == "applications")
    assert "未收取费用" not in apps.text and "未收取费用" in fee.text
    assert [u["title"] for u in unmapped] == ["preamble"] or all(u["number"] != "四" for u in unmapped)


@requires_shared
def test_lost_heading_of_section_five_is_inferred():
    (md,) = [p for p in REAL_TEXT if "kewei" in p.name]
    text = read_document(md).text
    sections, _, _ = segment(text)
    problems = next(s for s in sections if s.key == "problems")
    assert problems.title.startswith("(inferred")
    assert problems.text.lstrip().startswith("（一）主要问题")


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_scraped_text_without_line_breaks(path):
    """Scraped web pages lose every line break: headings then stand inside the running text."""
    import re

    text = read_document(path).text
    flat = re.sub(r"\s+", "", text)
    sections, missing, _ = segment(flat)
    assert missing == []
    _assert_well_formed(flat, sections)
    assert [s.key for s in sections[0].subsections] == list(OVERALL_SUBKEYS)
    assert sections[0].subsections[0].title.startswith("主动公开")
    # the same sections as in the original layout, only without whitespace
    lined, _, _ = segment(text)
    for a, b in zip(lined[1:], sections[1:]):
        assert re.sub(r"\s+", "", a.text) == b.text


def test_scraped_legacy_report():
    import re

    flat = re.sub(r"\s+", "", LEGACY)
    sections, missing, _ = segment(flat)
    assert missing == []
    assert [s.number for s in sections] == ["一", "二", "三", "四", "五", "六", "七"]
    assert sections[3].key == "fees"


def test_2007_template_title_for_applications():
    text = LEGACY.replace("三、依申请公开政府信息情况", "三、依申请公开政府信息和不予公开政府信息情况")
    sections, missing, _ = segment(text)
    assert missing == [] and sections[2].key == "applications" and sections[2].number == "三"


def test_title_prefilter_never_drops_a_title():
    """The character scan before the title alternation only rules out lines no title pattern can match."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nlp.segment import _spec

    spec = _spec()
    needed = spec["_title_chars"]
    assert needed is not None
    titles = [p.pattern.lstrip("^").rstrip("$") for _, p in spec["_flat"]]
    alphabet = st.sampled_from(sorted(set("".join(titles)) | set("工作情况问题一二（）：:。 ")))

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet, max_size=30))
    def check(rest):
        if spec["_any_title"].match(rest):
            assert needed.search(rest)

    check()
    for _, p in spec["_flat"]:  # every title of the spec still gets through
        for sample in ("总体情况", "概述", "存在的主要问题及改进情况", "其他需要报告的事项", "行政复议、行政诉讼情况",
                       "收费及减免情况", "政府信息公开情况统计表"):
            if p.match(sample):
                assert needed.search(sample)
