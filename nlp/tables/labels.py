"""Fuzzy row-label matching: width-, punctuation- and quote-insensitive, typo-tolerant.

A cell's text is reduced to its enumerator (一、 / (一) / 1.) and a body of CJK letters and
digits; the body is compared with each template by the number of characters they share in
order (difflib's matching blocks), so a fragment of a label ("1.本机关不掌握相关政") and a label
with extra noise ("办 (三)不 4.保护第三方合法权益", "本年度止件数") still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.text.enumerators import LABEL_ENUMERATOR
from nlp.text.width import nfkc, nfkc_char, nfkc_report  # noqa: F401 — table readers import them from here

_LETTERS = r"\u4e00-\u9fff0-9A-Za-z"  # the characters a label is compared on (CJK, digits, Latin)
# Dropping the runs of other characters builds the same string as joining the kept ones, 2-3x faster.
_DROP = re.compile(f"[^{_LETTERS}]+")
MIN_MATCH = 4  # a fragment shorter than this never identifies a row on its own


def label_body(text: str) -> tuple[str, list[str]]:
    """(body, enumerators): the comparable letters of a label cell and its printed enumerators."""
    t = nfkc(text)
    enums = [next(g for g in m.groups() if g) for m in LABEL_ENUMERATOR.finditer(t)]
    t = LABEL_ENUMERATOR.sub(" ", t)
    return _DROP.sub("", t), enums


def squeeze(text: str) -> str:
    """Letters only (for signature and marker searches)."""
    return _DROP.sub("", nfkc(text))


def squeeze_span(text: str, start: int = 0, end: int | None = None) -> str:
    """``squeeze(text[start:end])`` read off the report's folded text (nfkc keeps offsets), so a
    table region is not folded again on its own."""
    return _DROP.sub("", nfkc_report(text)[start:end])


@lru_cache(maxsize=512)
def squeeze_word(word: str) -> str:
    """:func:`squeeze` of a resource word (signatures, markers), kept: tables look them up per report."""
    return squeeze(word)


@lru_cache(maxsize=512)
def template_body(label: str) -> str:
    """The body of a resource label (:func:`label_body`), kept: the flat readers build their
    templates per call."""
    return label_body(label)[0]


@dataclass(frozen=True)
class Template:
    key: str
    body: str
    enum: str | None = None
    ignore: bool = False  # a header, not a data row


@dataclass(frozen=True)
class LabelMatch:
    key: str | None  # None: not a label; "" when the cell is a header to ignore
    score: int
    ambiguous: bool = False


class LabelMatcher:
    """Match label cells against a fixed list of templates."""

    def __init__(self, templates: list[Template]):
        self.templates = templates
        # A cell many times longer than every label cannot be one (in-order matching is quadratic
        # in the cell's length: a megabyte digit run after a row label would take minutes).
        self.max_cell_chars = 4 * max((len(t.body) for t in templates), default=0) + 40

    @lru_cache(maxsize=4096)  # noqa: B019 — matchers are few and long-lived
    def match(self, text: str) -> LabelMatch:
        body, enums = label_body(text)
        if not body or len(body) > self.max_cell_chars:
            return LabelMatch(None, 0)
        scored: list[tuple[int, Template]] = []
        chars = set(body)
        for tpl in self.templates:
            short = len(tpl.body) < MIN_MATCH
            if not short:
                # Cheap bound first: characters in common (as a set) cap the in-order match.
                if len(chars & set(tpl.body)) < min(3, len(chars)):
                    continue
                common = _common(body, tpl.body)
            if short:
                # Short labels (规章, 其他, 总计) must be the whole cell, plus the enumerator if printed.
                if body != tpl.body and not (body.endswith(tpl.body) and len(body) <= len(tpl.body) + 1):
                    continue
                if tpl.enum and tpl.enum not in enums and not tpl.ignore:
                    continue
                common = len(tpl.body) + 1
            else:
                need = min(len(body), len(tpl.body))
                if common < MIN_MATCH or common < 0.75 * need:
                    continue
            bonus = 1 if (tpl.enum and tpl.enum in enums) else 0
            scored.append((common * 2 + bonus, tpl))
        if not scored:
            return LabelMatch(None, 0)
        scored.sort(key=lambda x: -x[0])
        best_score, best = scored[0]
        rivals = [t for s, t in scored[1:] if s == best_score and t.key != best.key]
        if rivals:
            return LabelMatch(None, best_score, ambiguous=True)
        return LabelMatch("" if best.ignore else best.key, best_score)


def _common(a: str, b: str) -> int:
    return sum(block.size for block in SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


@lru_cache(maxsize=8)
def load_yaml(name: str) -> dict[str, Any]:
    with open(resource_path(str(Path("tables") / name)), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def detect_format(region_text: str, signatures: dict[str, list[str]], default: str,
                  flat: str | None = None) -> str:
    """The format whose header words occur in the region ("2019" wins only on its own words);
    ``flat``: ``squeeze(region_text)`` when the caller has it."""
    flat = squeeze(region_text) if flat is None else flat
    hits = {fmt: sum(1 for w in words if squeeze_word(w) in flat) for fmt, words in signatures.items()}
    best = max(hits.items(), key=lambda kv: kv[1])
    if best[1] == 0:
        return default
    return best[0]


def find_marker(text: str, markers: list[str], start: int = 0, end: int | None = None) -> int:
    """Offset of the earliest marker in ``text[start:end]`` (space/punctuation-insensitive), or -1."""
    best = -1
    norm = nfkc_report(text)
    end = len(norm) if end is None else end
    for marker in markers:
        m = _marker_pattern(marker).search(norm, start, end)
        if m and (best < 0 or m.start() < best):
            best = m.start()
    return best


def locate_between(text: str, start_markers: list[str], end_markers: list[str],
                   start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """(start, end) of a table in ``text[start:end]``: from its first start marker to the next end marker."""
    end = len(text) if end is None else end
    s = find_marker(text, start_markers, start, end)
    if s < 0:
        return None
    e = find_marker(text, end_markers, s, end)
    return s, (e if e >= 0 else end)


@lru_cache(maxsize=256)
def _marker_pattern(marker: str) -> re.Pattern[str]:
    return re.compile(r"[\s()（）、.．,，:：\"“”]*".join(re.escape(c) for c in squeeze(marker)))
