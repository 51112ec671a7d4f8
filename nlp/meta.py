"""Metadata: agency, report year, administrative level, province, format version, title."""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from nlp.component import factory, require
from nlp.model import LEGACY_SECTION_KEYS, Meta, Report
from nlp.normalize import normalize
from nlp.provinces import region_of
from nlp.published import publication_date
from nlp.resources import resource_path

# The report kind after the year: 政府信息公开工作年度报告, and the pre-2019 variants 信息公开年报,
# 政府信息公开年度报告, 政府信息公开工作报告 (a space may stand between agency, year and kind).
_KIND = r"\s?(?:本级)?(?:政府信息公开|政务公开|信息公开)\s?(?:工作)?\s?(?:年度)?\s?(?:报告|年报)"
_TITLE_PATTERNS = (
    # 红旗区文化街街道办事处2023年政府信息公开工作年度报告; 平潭综合实验区地方税务局 2013年政府信息公开工作年度报告
    re.compile(r"(?P<agency>[\u4e00-\u9fff()]{2,40}?)\s?(?P<year>(?:19|20)\d{2})\s?年度?" + _KIND),
    # 2024年上海市科委政府信息公开工作年度报告; 2011年谷来镇人民政府信息公开年报
    re.compile(r"(?P<year>(?:19|20)\d{2})\s?年度?\s?(?P<agency>[\u4e00-\u9fff()]{2,40}?)" + _KIND),
)
_TITLE_NO_YEAR = re.compile(r"(?P<agency>[\u4e00-\u9fff()]{2,40}?)" + _KIND + r"$")
_AGENCY_NOISE = re.compile(r"^(?:标题|题目|名称|正文)[：:]?|^[#*\s]+")
_REGION_HEAD_CHARS = 400  # the opening lines name the unit's place when the agency name does not
_PERIOD_YEAR = re.compile(r"(?:统计|数据)[^。\n]{0,20}?(?:从|自|为)?((?:19|20)\d{2})年1月1日")
# 本报告所列数据的截止期为2010年12月31日; 统计时限…至2016年12月31日止
_PERIOD_END_YEAR = re.compile(r"(?:统计|数据|截止|截至)[^。\n]{0,40}?((?:19|20)\d{2})年12月31日")

# Header words that tell the 2021 and 2019 table formats apart (domain.md §1.6).
_SIG_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|逾期不补正")
_SIG_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|其他对外管理服务事项|政府集中采购|采购总金额")
_SIG_TABLE3 = re.compile(r"本年新收政府信息公开申请数量|上年结转政府信息公开申请数量")
_SIG_MODERN_TITLE = re.compile(r"收到和处理政府信息公开申请情况")
# Evidence of the 2007 条例 form (domain.md §1.6b): its regulation, its annex, its fees section.
_SIG_LEGACY = re.compile(r"国务院令第492号|政府信息公开情况统计表|(?:收费|费用)(?:及|和|与)减免|主动公开政府信息数|依申请公开信息收取的费用")


@lru_cache(maxsize=1)
def _level_rules() -> list[tuple[str, re.Pattern]]:
    with open(resource_path("levels.yaml"), encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return [(level, re.compile(pat)) for level, pat in data["rules"]]


def admin_level(agency: str | None) -> str | None:
    """province | city | county_district | township_street | department, from the agency name."""
    if not agency:
        return None
    for level, pat in _level_rules():
        if pat.search(agency):
            return level
    return None


def detect_format(norm_text: str, legacy_evidence: bool = False) -> str:
    """'2021', '2019' or 'legacy' from the document's own evidence (never from the year).

    The 2019/2021 tables are recognised by their header words (domain.md §1.6a): table 三's
    first rows, or at least two distinct signature words; one stray word ("政府集中采购" in the
    prose of a 2017 report) is not a table. Without such tables, or with the 2007 条例 form's own
    evidence (its fees section, its statistics annex, 国务院令第492号) and no table 三, the report is
    ``legacy``. The 2019/2021 choice is made per table by the table parsers; this is the document's.
    """
    n21 = len(set(_SIG_2021.findall(norm_text)))
    n19 = len(set(_SIG_2019.findall(norm_text)))
    if _SIG_TABLE3.search(norm_text):
        return "2019" if n19 > n21 else "2021"
    if legacy_evidence or _SIG_LEGACY.search(norm_text):
        return "legacy"
    # one table word is enough in a report titled in the 2019+ form (its tables damaged in conversion)
    if n21 + n19 < (1 if _SIG_MODERN_TITLE.search(norm_text) else 2):
        return "legacy"
    return "2019" if n19 > n21 else "2021"


def title_agency_year(norm_text: str) -> tuple[str | None, str | None, int | None]:
    """Find the report title near the top: (title, agency, year)."""
    head = norm_text[:3000]
    # Titles are often broken over two lines ("…2023年政府信息\n\n公开工作年度报告").
    flat = re.sub(r"\s*\n\s*", "", head[:600])
    for source in (head, flat):
        found = [m for pat in _TITLE_PATTERNS if (m := pat.search(source)) is not None]
        # the title comes first: a later "…编制了2024年度政务公开工作报告" in the preamble is no title
        for m in sorted(found, key=lambda m: m.start())[:1]:
            if m:
                agency = _AGENCY_NOISE.sub("", m.group("agency")).strip()
                agency = re.sub(r"^.*?[：:]", "", agency) or agency
                if agency.endswith("人民") and m.group(0)[m.end("agency") - m.start():].lstrip().startswith("政府"):
                    agency += "政府"  # "谷来镇人民政府信息公开年报": 政府 belongs to the agency
                return m.group(0), agency or None, int(m.group("year"))
    # a title without a year ("云溪市人民政府办公室政府信息公开工作年度报告"): the first line only
    first = next((ln.strip() for ln in head.split("\n") if ln.strip()), "")
    m = _TITLE_NO_YEAR.match(first)
    if m:
        agency = m.group("agency") + ("政府" if m.group("agency").endswith("人民") else "")
        return m.group(0), agency, None
    return None, None, None


def extract_metadata(text: str, meta: Meta | None = None, norm_text: str | None = None,
                     legacy_evidence: bool = False) -> Meta:
    """Fill agency, year, level, region (province), format version and title of ``meta`` from the report text.

    ``legacy_evidence``: the report has sections of the pre-2019 form only (its fees section, its annex)."""
    norm = norm_text if norm_text is not None else normalize(text).text
    meta = meta or Meta(source="<text>", file_format="txt")
    title, agency, year = title_agency_year(norm)
    if year is None:  # 统计期限 / 本报告所列数据的统计期限自…起至…止
        m = _PERIOD_YEAR.search(norm) or _PERIOD_END_YEAR.search(norm)
        year = int(m.group(1)) if m else None
    meta.title, meta.agency, meta.year = title, agency, year
    meta.level = admin_level(agency)
    meta.region = region_of(agency, (title or "") + "\n" + text[:_REGION_HEAD_CHARS])
    meta.format_version = detect_format(norm, legacy_evidence)
    return meta


class MetadataComponent:
    """Component "metadata": agency, year, level, format version and title of ``report.meta``."""

    name = "metadata"

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["norm"])
        meta = report.meta or Meta(source=report.source, file_format="txt")
        # sections found only in the pre-2019 form are evidence of it (when segment ran first)
        legacy = any(s.key in LEGACY_SECTION_KEYS for s in report.sections)
        report.meta = extract_metadata(report.text, meta, report.norm.text, legacy)
        extras = report.read.extras if report.read is not None else None
        meta.published, meta.published_source, meta.published_evidence = publication_date(report.text, extras)
        return report


@factory("metadata", requires=["norm"], assigns=["meta"], follows=["sections"])
def make_metadata() -> MetadataComponent:
    return MetadataComponent()
