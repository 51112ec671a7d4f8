"""Chinese labels for charts and pages (``resources/labels_zh.yaml``, theme names from themes.yaml)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path


@lru_cache(maxsize=1)
def labels_zh() -> dict[str, Any]:
    with open(resource_path("labels_zh.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def theme_names() -> dict[str, str]:
    """Theme code → Chinese name of the packaged taxonomy (其他 for the fallback)."""
    from nlp.themes.taxonomy import load_taxonomy

    return {t.code: t.name for t in load_taxonomy().themes}


def group_label(group: str, by: str) -> str:
    """A group as written: provinces, agencies and years as they are; levels by their Chinese name."""
    if by == "level":
        return labels_zh()["levels"].get(group, group)
    return "未识别" if group == "unknown" else group
