"""The text grammar resource (resources/text_grammar.yaml), loaded once.

Kept apart from the modules that build on it so that each of them reads the same parsed data.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path


@lru_cache(maxsize=1)
def grammar() -> dict[str, Any]:
    """The parsed ``text_grammar.yaml`` (shared; callers must not mutate it)."""
    with open(resource_path("text_grammar.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)
