"""The text grammar resource (resources/text_grammar.yaml), loaded once.

Kept apart from the modules that build on it so that each of them reads the same parsed data.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path


@lru_cache(maxsize=1)
def grammar() -> dict[str, Any]:
    """The parsed ``text_grammar.yaml`` (shared; callers must not mutate it)."""
    with open(resource_path("text_grammar.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


_SET = re.compile(r"\{(ordinal_digits|numeral_digits)\}")


def expand(pattern: str) -> str:
    """A regex from a resource file with the grammar's character sets filled in: ``{ordinal_digits}``
    (一…十) and ``{numeral_digits}`` (零〇一二两…九), so no resource writes its own copy of them."""
    g = grammar()
    sets = {"ordinal_digits": g["enumerators"]["ordinal_digits"], "numeral_digits": "".join(g["numerals"]["digits"])}
    return _SET.sub(lambda m: sets[m.group(1)], pattern)
