"""Publication date (meta.published, with its source) and rule D19 timeliness."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import REAL, requires_shared

import nlp
from nlp.published import publication_date
from nlp.rules.time_rules import deadline


def _d19(report) -> dict:
    return next(c for c in report.checks if c["rule"] == "D19.timeliness")


def _report(tmp_path, name: str, text: str, pipeline: str = "check"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return nlp.parse_report(str(p), pipeline)


BODY = ("一、总体情况\n本机关全年主动公开政府信息120条。\n二、主动公开政府信息情况\n（略）\n"
        "五、存在的主要问题及改进情况\n信息发布不够及时，栏目更新较慢。下一步将建立更新台账。\n"
        "六、其他需要报告的事项\n本年度未收取信息处理费。\n")


# --- real reports (dates read by hand from the files) ------------------------------------------
@requires_shared
def test_real_html_page_date_and_d19_pass_for_a_department():
    r = nlp.parse_report(str(REAL / "kiro-2023-shuyang-fagaiju.html"), "check")
    # the page's info box says 公开日期 2024-01-17 and the 落款 says 2024年1月17日; the page header's clock
    # (2025年12月30日 星期二) and the crawl time (采集时间：2025-12-30) must not be taken
    assert (r.meta.published, r.meta.published_source) == ("2024-01-17", "page:发布日期")
    assert r.meta.level == "department"
    d = _d19(r)
    assert d["status"] == "PASS" and d["expected"] == "2024-01-31"


@requires_shared
def test_real_signature_date_county_government():
    r = nlp.parse_report(str(REAL / "kiro-2025-shuyang-xian-renmin-zhengfu.txt"), "check")
    assert (r.meta.published, r.meta.published_source) == ("2026-01-23", "signature")
    d = _d19(r)
    assert d["status"] == "PASS" and d["expected"] == "2026-03-31"  # a people's government's own report


@requires_shared
@pytest.mark.parametrize("name,created", [("kiro-2023-hongze-qu.pdf", "2024-02-26"),
                                          ("kiro-2024-hongze-qu.pdf", "2025-02-25"),
                                          ("govnianbao-2024-huaian-shizhengfu.pdf", "2025-02-25")])
def test_real_pdf_dated_only_by_its_info_dict_is_uncertain(name, created):
    r = nlp.parse_report(str(REAL / name), "check")
    # the text's only full dates are the statistics period (…至2023年12月31日止): never a publication date
    assert (r.meta.published, r.meta.published_source) == (created, "file:pdf:CreationDate")
    assert _d19(r)["status"] == "UNCERTAIN"


@requires_shared
def test_real_reports_without_a_date_are_not_assessable():
    for name in ("kiro-2024-shanghai-kewei-source.md", "kiro-2025-shanghai-shizhengfu-bangongting-source.md"):
        r = nlp.parse_report(str(REAL / name), "check")
        assert r.meta.published is None
        assert _d19(r)["status"] == "NOT_ASSESSABLE"


def test_seeds_carry_no_date(seed_paths):
    for p in seed_paths:
        r = nlp.parse_report(str(p), "check")
        assert r.meta.published is None, p.name
        assert _d19(r)["status"] == "NOT_ASSESSABLE"


# --- hand-made variants of real layouts ----------------------------------------------------------
def test_statistics_period_and_deadlines_are_not_publication_dates():
    text = ("某某县交通运输局2020年政府信息公开工作年度报告\n本报告所列数据的统计期限自2020年1月1日起至\n"
            "2020年12月31日\n止。\n" + BODY + "截至\n2021年1月31日\n")
    assert publication_date(text) == (None, None, None)
    # a period written with a dash and broken after it (seen on scraped pages): still not a date line
    text = ("某某街道办事处2022年政府信息公开工作年度报告\n本报告统计期限为：2022年1月1日-\n2022年12月31日\n" + BODY)
    assert publication_date(text) == (None, None, None)


def test_chinese_numeral_signature_is_the_last_date_line():
    text = "某某镇人民政府2023年政府信息公开工作年度报告\n" + BODY + "某某镇人民政府\n二〇二四年一月二十日\n"
    assert publication_date(text)[:2] == ("2024-01-20", "signature")


def test_title_date_in_brackets():
    text = "某某区人民政府2022年政府信息公开工作年度报告\n（2023年3月6日）\n" + BODY
    assert publication_date(text)[:2] == ("2023-03-06", "title_date")


def test_html_meta_pubdate_wins_over_page_clock(tmp_path):
    html = ('<html><head><meta name="PubDate" content="2022-03-28 16:20"><meta name="others" '
            'content="页面生成时间 2023-05-01 10:00:00"></head><body><div>2024年6月1日 星期六</div>'
            '<h1>某某市人民政府2021年政府信息公开工作年度报告</h1>'
            + "".join(f"<p>{ln}</p>" for ln in BODY.splitlines()) + "</body></html>")
    r = _report(tmp_path, "r.html", html)
    assert (r.meta.published, r.meta.published_source) == ("2022-03-28", "html_meta:pubdate")
    assert _d19(r)["status"] == "PASS"  # a city government's own report: 31 March


def test_docx_core_properties(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("某某市财政局2023年政府信息公开工作年度报告")
    for ln in BODY.splitlines():
        d.add_paragraph(ln)
    d.core_properties.created = dt.datetime(2024, 2, 5, 9, 0)
    p = tmp_path / "r.docx"
    d.save(str(p))
    r = nlp.parse_report(str(p), "check")
    assert (r.meta.published, r.meta.published_source) == ("2024-02-05", "file:docx:created")
    assert _d19(r)["status"] == "UNCERTAIN"


@pytest.mark.parametrize("agency,year,signed,status", [
    ("某某市财政局", 2023, "2024年2月15日", "FAIL"),            # department: 31 January (2019 条例 第四十九条)
    ("某某县人民政府", 2023, "2024年2月15日", "PASS"),          # the government's own report: 31 March
    ("某某县人民政府", 2023, "2024年4月2日", "FAIL"),
    ("某某市财政局", 2017, "2018年3月20日", "PASS"),            # 2007 条例 第三十一条: 31 March for all
    ("某某市财政局", 2017, "2018年4月20日", "FAIL"),
    ("某某街道办事处", 2023, "2024年2月20日", "UNCERTAIN"),     # below county level: lenient fallback
    ("某某街道办事处", 2023, "2024年1月30日", "PASS"),
    ("某某市财政局", 2023, "2023年12月20日", "UNCERTAIN"),      # inside the reporting year
])
def test_d19_deadlines(tmp_path, agency, year, signed, status):
    text = f"{agency}{year}年政府信息公开工作年度报告\n" + BODY + f"{agency}\n{signed}\n"
    r = _report(tmp_path, "r.txt", text)
    d = _d19(r)
    assert d["status"] == status, d["message"]
    assert d["cells"][0]["raw"] == signed


def test_deadline_table():
    import nlp.rules.engine as eng

    spec = next(s for s in eng.load_rules() if s["id"] == "D19.timeliness")
    assert deadline(2019, "department", spec["regimes"])[0] == dt.date(2020, 1, 31)
    assert deadline(2018, "department", spec["regimes"])[0] == dt.date(2019, 3, 31)
    assert deadline(2024, "province", spec["regimes"])[0] == dt.date(2025, 3, 31)
    assert deadline(2024, None, spec["regimes"])[0] is None
