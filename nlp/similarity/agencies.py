"""Which reports belong to the same unit: agency names reconciled across years."""
from __future__ import annotations

import re

_PLACE_PREFIX_END = ("省", "市", "自治区", "自治州", "地区", "盟")
_SPACE = re.compile(r"\s+")


def canonical_agencies(names: list[str | None]) -> dict[str, str]:
    """Map each agency name to a canonical key.

    Names are compared without spaces; a name that is another name preceded by a place
    (淮安市洪泽区人民政府 vs 洪泽区人民政府) maps to the shorter one, so a unit that
    wrote its name with and without the city in different years is still one unit.
    """
    cleaned = {n: _SPACE.sub("", n) for n in names if n}
    known = set(cleaned.values())
    out: dict[str, str] = {}
    for name, clean in cleaned.items():
        key = clean
        for i in range(2, len(clean) - 4):
            if clean[:i].endswith(_PLACE_PREFIX_END) and clean[i:] in known:
                key = clean[i:]
                break
        out[name] = key
    return out
