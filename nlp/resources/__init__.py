"""Data files: taxonomy, lexicons, dictionaries, table templates. Code reads them through here."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    path = RESOURCES / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource file {path}")
    return path


@lru_cache(maxsize=1)
def thresholds() -> dict[str, dict[str, Any]]:
    """The research thresholds of ``thresholds.yaml`` (similarity, follow-up, copying)."""
    import yaml

    with open(resource_path("thresholds.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)
