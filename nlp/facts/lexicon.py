"""The cue lexicon (resources/metrics.yaml) and the negative lexicon (resources/fact_negatives.yaml), compiled."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.text import enumerators
from nlp.text.grammar import expand
from nlp.text.trie import trie_pattern


@dataclass(frozen=True)
class MetricCue:
    """One metric a cue phrase can name, with the conditions under which it applies."""

    name: str | None  # None: a blocker phrase that names no metric ("申请人" is not "申请")
    units: frozenset[str] | None
    context: re.Pattern[str] | None
    priority: int
    list_member: str | None
    breakdown: str | None

    def accepts(self, unit: str | None, sentence: str, cache: dict | None = None) -> bool:
        """The cue applies to a number with ``unit`` in ``sentence`` (``cache``: context results per sentence)."""
        if self.units is not None and unit not in self.units:
            return False
        if self.context is None:
            return True
        if cache is None:
            return bool(self.context.search(sentence))
        key = (self.context.pattern, sentence)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = bool(self.context.search(sentence))
        return hit


@dataclass(frozen=True)
class Negation:
    metric: str
    pattern: re.Pattern[str]


@dataclass
class Lexicon:
    unit_family: dict[str, str]
    units_pattern: str
    unit_blockers: dict[str, tuple[str, ...]]
    cue_regex: re.Pattern[str]
    cues: dict[str, list[MetricCue]]
    blockers: frozenset[str]  # cue phrases that name no metric and hide the cues inside them
    metrics: dict[str, MetricCue]
    rate_regex: re.Pattern[str]
    rates: dict[str, list[MetricCue]]
    channel_regex: re.Pattern[str]
    channels: dict[str, str]  # phrase → channel name
    by_channel: dict[str, str]
    negations: list[Negation]
    negation_start: re.Pattern[str] | None
    negative_names: re.Pattern[str]
    negative_name_list: tuple[str, ...] = ()
    negative_patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)
    negative_requires: dict[str, tuple[str, ...]] = field(default_factory=dict)
    weak_channels: frozenset[str] = frozenset()  # channels named only when no other is (专栏 is on a website)
    structure: dict[str, Any] = field(default_factory=dict)  # metrics.yaml ``structure``: clause words
    structure_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # its word lists, longest first
    # The same lists indexed by first and by last character (a label is trimmed with a dict look-up per step).
    structure_by_first: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    structure_by_last: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    structure_regex: dict[str, re.Pattern[str]] = field(default_factory=dict)  # each list as one alternation
    structure_counts: re.Pattern[str] | None = None  # fact_negatives.yaml ``structures``: report parts, slogans
    zero_statement: re.Pattern[str] | None = None
    # Tables and memos derived from this lexicon (character flags, guarded negative patterns, look-ups
    # per span), built on first use and owned by the lexicon: never shared with another lexicon.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def _alternation(phrases: list[str]) -> str:
    """Longest first; a phrase that starts/ends with a digit must not sit inside a longer number."""
    def one(p: str) -> str:
        rx = re.escape(p)
        if p[:1].isdigit():
            rx = r"(?<!\d)" + rx
        if p[-1:].isdigit():
            rx += r"(?!\d)"
        return rx
    return "|".join(one(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


def _metric_cue(entry: dict[str, Any]) -> MetricCue:
    units = entry.get("units")
    ctx = entry.get("context")
    return MetricCue(
        name=entry["name"],
        units=frozenset(str(u) for u in units) if units else None,
        context=re.compile(ctx) if ctx else None,
        priority=int(entry.get("priority", 0)),
        list_member=entry.get("list_member"),
        breakdown=entry.get("breakdown"),
    )


def _index(entries: list[dict[str, Any]]) -> tuple[re.Pattern[str], dict[str, list[MetricCue]], dict[str, MetricCue]]:
    by_cue: dict[str, list[MetricCue]] = {}
    by_name: dict[str, MetricCue] = {}
    for entry in entries:
        cue = _metric_cue(entry)
        if cue.name:
            by_name.setdefault(cue.name, cue)
        for phrase in entry["cues"]:
            by_cue.setdefault(str(phrase), []).append(cue)
    # Longest first; attach.cue_matches restarts one character after each match, so overlapping cues
    # are found too ("政策解读短视频" holds both 政策解读 and 解读短视频).
    return re.compile(trie_pattern(list(by_cue))), by_cue, by_name


def _regex(entry: str | dict[str, Any]) -> str:
    """A pattern written in the file (grammar character sets filled in, see :func:`nlp.text.grammar.expand`),
    or one named from the text grammar (``grammar: LIST_MARKER``)."""
    if isinstance(entry, dict) and "grammar" in entry:
        return getattr(enumerators, entry["grammar"])
    return expand(entry["regex"] if isinstance(entry, dict) else entry)


def _structure_counts(neg: dict[str, Any]) -> re.Pattern[str] | None:
    spec = neg.get("structures") or {}
    if not spec.get("patterns"):
        return None
    num = expand(spec.get("numeral", "[0-9{numeral_digits}十]{1,3}"))
    return re.compile("|".join(f"(?:{expand(p).replace('{num}', num)})" for p in spec["patterns"]))


def _by_char(words: dict[str, tuple[str, ...]], at: int) -> dict[str, dict[str, tuple[str, ...]]]:
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, ws in words.items():
        index: dict[str, list[str]] = {}
        for w in ws:  # longest first, as in ``words``
            index.setdefault(w[at], []).append(w)
        out[key] = {ch: tuple(v) for ch, v in index.items()}
    return out


def build_lexicon(metrics_path: str | Path, negatives_path: str | Path) -> Lexicon:
    with open(metrics_path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    with open(negatives_path, encoding="utf-8") as fh:
        neg = yaml.safe_load(fh)
    unit_family = {str(u): fam for fam, units in spec["units"].items() for u in units}
    cue_regex, cues, metrics = _index(spec["metrics"])
    rate_regex, rates, _ = _index(spec.get("rates", []))
    channels = {str(p): name for name, phrases in spec["channels"].items() for p in phrases}
    negations = [Negation(n["metric"], re.compile(n["pattern"])) for n in spec.get("negations", [])]
    structure_words = {k: tuple(sorted((str(w) for w in v), key=len, reverse=True))
                       for k, v in spec.get("structure", {}).items() if isinstance(v, list)}
    return Lexicon(
        unit_family=unit_family,
        units_pattern=trie_pattern(list(unit_family)),
        unit_blockers={u: tuple(b) for u, b in spec.get("unit_blockers", {}).items()},
        cue_regex=cue_regex,
        cues=cues,
        blockers=frozenset(p for p, entries in cues.items() if entries[0].name is None),
        metrics=metrics,
        rate_regex=rate_regex,
        rates=rates,
        channel_regex=re.compile(trie_pattern(list(channels))),
        channels=channels,
        by_channel=dict(spec.get("by_channel", {})),
        negations=negations,
        # Where a negation can start (its first word): one cheap scan, then each pattern is tried there.
        negation_start=re.compile(_alternation([str(w) for w in spec.get("negation_words", [])]))
        if negations and spec.get("negation_words") else None,
        negative_names=re.compile(_alternation([str(n) for n in neg.get("names", [])])),
        negative_name_list=tuple(str(n) for n in neg.get("names", [])),
        negative_patterns={k: re.compile(_regex(v), re.MULTILINE) for k, v in neg.get("patterns", {}).items()},
        negative_requires={k: tuple(str(r) for r in v.get("requires", ())) for k, v in neg.get("patterns", {}).items()
                           if isinstance(v, dict)},
        weak_channels=frozenset(str(c) for c in spec.get("weak_channels", [])),
        structure=dict(spec.get("structure", {})),
        structure_words=structure_words,
        structure_by_first=_by_char(structure_words, 0),
        structure_by_last=_by_char(structure_words, -1),
        structure_regex={k: re.compile(_alternation(list(v))) for k, v in structure_words.items() if v},
        structure_counts=_structure_counts(neg),
        zero_statement=re.compile(spec["structure"]["zero_statement"]) if spec.get("structure", {}).get("zero_statement")
        else None,
    )


@lru_cache(maxsize=4)
def default_lexicon() -> Lexicon:
    return build_lexicon(resource_path("metrics.yaml"), resource_path("fact_negatives.yaml"))
