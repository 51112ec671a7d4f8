"""Best-effort province-level region of a report from its agency name and opening text.

Place names come from ``resources/regions.tsv``. Prefecture names must be followed by 市
(淮安市) and province names by 省/市/自治区 (or open the agency name) so that common
words are not mistaken for places; county-level names (…区/县) match as written.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nlp.resources import resource_path

UNKNOWN = "unknown"
_LITERAL_SUFFIXES = ("区", "县", "旗", "州", "盟", "地区")
_PROVINCE_SUFFIX = r"(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)"


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], dict[str, str]]:
    alternatives: list[str] = []
    owner: dict[str, str] = {}
    with open(resource_path("regions.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            province, _english, names = line.rstrip("\n").split("\t")
            for name in [province] + names.split():
                owner.setdefault(name, province)
    # Longest first so that 黔西南布依族苗族自治州 wins over shorter overlaps.
    for name in sorted(owner, key=len, reverse=True):
        if name.endswith(_LITERAL_SUFFIXES):
            alternatives.append(f"(?P<n{len(alternatives)}>{re.escape(name)})")
        elif owner[name] == name:
            alternatives.append(f"(?P<n{len(alternatives)}>{re.escape(name)}){_PROVINCE_SUFFIX}")
        else:
            alternatives.append(f"(?P<n{len(alternatives)}>{re.escape(name)})市")
    return re.compile("|".join(alternatives)), owner


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """Province → ASCII name, for chart labels that need no CJK font."""
    out = {UNKNOWN: UNKNOWN}
    with open(resource_path("regions.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                province, english, _ = line.rstrip("\n").split("\t")
                out[province] = english
    return out


def region_of(agency: str | None, text: str = "") -> str:
    """Province (e.g. "河南") named by the agency, else by the text; ``"unknown"`` when none is found."""
    pattern, owner = _patterns()
    provinces = {p for p in owner.values()}
    if agency:
        for prov in provinces:  # "江苏省…" or an agency that opens with a province name
            if agency.startswith(prov):
                return prov
    for source in (agency or "", text or ""):
        m = pattern.search(re.sub(r"\s+", "", source))
        if m:
            return owner[m.group(m.lastgroup)]
    return UNKNOWN
