"""Best-effort province-level region of a report from its agency name and opening text.

Place names come from ``resources/provinces.tsv``. Prefecture names must be followed by 市
(淮安市) and province names by 省/市/自治区 (or open the agency name) so that common
words are not mistaken for places; county-level names (…区/县) match as written. The
earliest place named wins.
"""
from __future__ import annotations

import re
from functools import lru_cache

from nlp.resources import resource_path

UNKNOWN = "unknown"
_LITERAL_SUFFIXES = ("区", "县", "旗", "州", "盟", "地区")
_PROVINCE_SUFFIXES = ("省", "市", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区")
_END_CHARS = frozenset("省市区县旗州盟")


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], int]:
    """Every place name as it must be written (新乡市, 河南省, 红旗区, …) → province; and the longest length."""
    names: dict[str, str] = {}
    with open(resource_path("provinces.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            province, _english, places = line.rstrip("\n").split("\t")
            for suffix in _PROVINCE_SUFFIXES:
                names.setdefault(province + suffix, province)
            for name in places.split():
                names.setdefault(name if name.endswith(_LITERAL_SUFFIXES) else name + "市", province)
    return names, max(map(len, names))


def _first_place(text: str) -> str | None:
    """Province of the earliest (then longest) place name in ``text``: a scan of the characters that
    can end a place name, with dictionary look-ups (linear in the text, unlike a big regex alternation)."""
    names, longest = _names()
    for end in range(len(text)):
        if text[end] not in _END_CHARS:
            continue
        best = None
        for start in range(max(0, end + 1 - longest), end - 1):
            province = names.get(text[start:end + 1])
            if province is not None:
                best = province  # the longest match ending here is found first
                break
        if best is not None:
            return best
    return None


@lru_cache(maxsize=1)
def english_names() -> dict[str, str]:
    """Province → ASCII name, for chart labels that need no CJK font."""
    out = {UNKNOWN: UNKNOWN}
    with open(resource_path("provinces.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                province, english, _ = line.rstrip("\n").split("\t")
                out[province] = english
    return out


def region_of(agency: str | None, text: str = "") -> str:
    """Province (e.g. "河南") named by the agency, else by the text; ``"unknown"`` when none is found."""
    names, _ = _names()
    provinces = set(names.values())
    if agency:
        for prov in provinces:  # "江苏省…" or an agency that opens with a province name
            if agency.startswith(prov):
                return prov
    for source in (agency or "", text or ""):
        found = _first_place(re.sub(r"\s+", "", source))
        if found:
            return found
    return UNKNOWN
