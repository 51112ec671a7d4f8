"""Metadata: agency, report year, administrative level, province, format version, title."""
from __future__ import annotations

import re
from functools import lru_cache

import yaml

from nlp.component import factory, require
from nlp.model import Meta, Report
from nlp.normalize import normalize
from nlp.provinces import region_of
from nlp.resources import resource_path

_TITLE_PATTERNS = (
    # 红旗区文化街街道办事处2023年政府信息公开工作年度报告
    re.compile(r"(?P<agency>[\u4e00-\u9fff()]{2,40}?)(?P<year>(?:19|20)\d{2})年度?(?:本级)?(?:政府信息公开|政务公开)(?:工作)?年度?报告"),
    # 2024年上海市科委政府信息公开工作年度报告
    re.compile(r"(?P<year>(?:19|20)\d{2})年度?(?P<agency>[\u4e00-\u9fff()]{2,40}?)(?:政府信息公开|政务公开)(?:工作)?年度?报告"),
)
_AGENCY_NOISE = re.compile(r"^(?:标题|题目|名称|正文)[：:]?|^[#*\s]+")
_REGION_HEAD_CHARS = 400  # the opening lines name the unit's place when the agency name does not
_PERIOD_YEAR = re.compile(r"(?:统计|数据)[^。\n]{0,20}?(?:从|自|为)?((?:19|20)\d{2})年1月1日")

# Header words that tell the 2021 and 2019 table formats apart (domain.md §1.6).
_SIG_2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年处理决定数量|本年收费金额|逾期不补正")
_SIG_2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|其他对外管理服务事项|政府集中采购|采购总金额")
_SIG_TABLE3 = re.compile(r"本年新收政府信息公开申请数量|上年结转政府信息公开申请数量")


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


def detect_format(norm_text: str) -> str:
    """'2021', '2019' or 'legacy' from table header words (never from the year)."""
    n21 = len(_SIG_2021.findall(norm_text))
    n19 = len(_SIG_2019.findall(norm_text))
    if n21 == 0 and n19 == 0:
        return "legacy" if not _SIG_TABLE3.search(norm_text) else "2021"
    return "2019" if n19 > n21 else "2021"


def title_agency_year(norm_text: str) -> tuple[str | None, str | None, int | None]:
    """Find the report title near the top: (title, agency, year)."""
    head = norm_text[:3000]
    # Titles are often broken over two lines ("…2023年政府信息\n\n公开工作年度报告").
    flat = re.sub(r"\s*\n\s*", "", head[:600])
    for source in (head, flat):
        for pat in _TITLE_PATTERNS:
            m = pat.search(source)
            if m:
                agency = _AGENCY_NOISE.sub("", m.group("agency")).strip()
                agency = re.sub(r"^.*?[：:]", "", agency) or agency
                return m.group(0), agency or None, int(m.group("year"))
    return None, None, None


def extract_metadata(text: str, meta: Meta | None = None, norm_text: str | None = None) -> Meta:
    """Fill agency, year, level, region (province), format version and title of ``meta`` from the report text."""
    norm = norm_text if norm_text is not None else normalize(text).text
    meta = meta or Meta(source="<text>", file_format="txt")
    title, agency, year = title_agency_year(norm)
    if year is None:
        m = _PERIOD_YEAR.search(norm)
        year = int(m.group(1)) if m else None
    meta.title, meta.agency, meta.year = title, agency, year
    meta.level = admin_level(agency)
    meta.region = region_of(agency, (title or "") + "\n" + text[:_REGION_HEAD_CHARS])
    meta.format_version = detect_format(norm)
    return meta


class MetadataComponent:
    """Component "metadata": agency, year, level, format version and title of ``report.meta``."""

    name = "metadata"

    def __call__(self, report: Report) -> Report:
        require(report, self.name, ["norm"])
        meta = report.meta or Meta(source=report.source, file_format="txt")
        report.meta = extract_metadata(report.text, meta, report.norm.text)
        return report


@factory("metadata", requires=["norm"], assigns=["meta"])
def make_metadata() -> MetadataComponent:
    return MetadataComponent()
