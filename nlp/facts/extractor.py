"""FactExtractor: every quantity an agency states in prose, as clean rows (domain.md §4).

Steps: normalise (full-width → ASCII, line joins; offsets mapped back) → narrative regions only →
mask negatives → regex candidates → metric/channel/scope from the clause's left context →
coordination and negation → 其中/含 parents.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from nlp.facts.attach import BreakIndex, Span, attach, enclosing
from nlp.facts.breakdown import link_breakdowns
from nlp.facts.candidates import Candidate, find_candidates
from nlp.facts.lexicon import Lexicon, default_lexicon
from nlp.facts.negatives import NegativeMask
from nlp.facts.spans import Region, narrative_lines, regions_from_headings, regions_from_sections
from nlp.facts.structure import (
    Mentions,
    categories,
    channel_counts,
    coordinated_rates,
    document_heads,
    drop_structure_counts,
    family_breakdowns,
    respective_values,
)
from nlp.facts.zeros import has_zero_hint, zero_statements
from nlp.text.width import fold_number_chars

FACT_FIELDS = ("source", "section", "sentence_start", "sentence_end", "start", "end", "text", "value",
               "value_min", "value_max", "qualifier", "unit", "metric", "category", "channel", "scope", "parent", "group")


class _Identity:
    """Offset map for text that needs no normalisation (same length, same offsets)."""

    def __init__(self, text: str):
        self.text = fold_number_chars(text)

    def orig_span(self, s: int, e: int) -> tuple[int, int]:
        return s, e

    def norm_offset(self, i: int) -> int:
        return i


def _normalise(text: str):
    try:
        from nlp.normalize import normalize
    except ImportError:  # the core does not depend on the normaliser being present
        return _Identity(text)
    return normalize(text)


class FactExtractor:
    """Extract numeric facts. ``lexicon`` defaults to resources/metrics.yaml + fact_negatives.yaml.

    ``narrative_only``: when True (default) a whole report is restricted to its narrative sections.
    """

    def __init__(self, lexicon: Lexicon | None = None, narrative_only: bool = True):
        self.lexicon = lexicon or default_lexicon()
        self.narrative_only = narrative_only

    # -- public API -------------------------------------------------------------------------
    def extract(self, text: str, source: str | None = None, sections: list | None = None,
                norm=None) -> list[dict[str, Any]]:
        """Facts of ``text`` (offsets into ``text``). ``sections``: segmented sections of the same text."""
        norm = norm if norm is not None else _normalise(text)
        work = norm.text
        if not self.narrative_only:
            regions = [Region(0, len(work), None)]
        elif sections:
            regions = regions_from_sections(work, sections, norm.norm_offset)
        else:
            regions = regions_from_headings(work)
        facts: list[dict[str, Any]] = []
        breaks = BreakIndex(work)  # sentence and clause breaks of every span, found in one pass
        for region in regions:
            for lo, hi in narrative_lines(work, region):
                facts.extend(self._extract_span(work, lo, hi, region.section, norm, text, source, len(facts),
                                                breaks))
        return facts

    def extract_many(self, texts: Iterable[str]) -> list[list[dict[str, Any]]]:
        return [self.extract(t) for t in texts]

    # -- internals ---------------------------------------------------------------------------
    def _extract_span(self, work: str, lo: int, hi: int, section: str | None, norm, original: str,
                      source: str | None, offset: int, breaks: BreakIndex | None = None) -> list[dict[str, Any]]:
        lex = self.lexicon
        mask = NegativeMask(work, lex, lo, hi)
        cands = drop_structure_counts(work, find_candidates(work, lo, hi, lex, mask), lex, lo, hi)
        if not cands and not self._may_state_zero(work, lo, hi):
            return []  # most spans: no quantity, no negation word, no zero in words (their breaks unneeded)
        sent_points, clause_points = (breaks or BreakIndex(work, lo, hi)).breaks(lo, hi)
        sentence_of: dict[int, Span] = {}  # candidate start → sentence span, filled by attach
        category_of: dict[int, tuple[int, int] | None] = {}
        facts: list[tuple[Candidate, str | None]] = []
        if cands:  # most spans hold no quantity: only zeros in words and negations can come from them
            cands, category_of = self._structure(work, cands, lo, hi, sent_points, clause_points, sentence_of)
            for c in cands:
                for metric in c.coordinated or (c.metric,):
                    facts.append((c, metric))
        negated = self._negations(work, lo, hi, sent_points, cands, mask)
        zeros = zero_statements(work, lo, hi, cands, lex, mask, sent_points, clause_points)
        # A zero in words and a negation word in one sentence state the same zero once.
        zero_keys = {(enclosing(sent_points, c.start, lo, hi).start, m) for c, m in zeros}
        facts.extend(f for f in negated if (enclosing(sent_points, f[0].start, lo, hi).start, f[1]) not in zero_keys)
        facts.extend(zeros)
        facts.sort(key=lambda f: (f[0].start, f[0].end))
        # Candidate parent indices → indices of the emitted facts (first fact of that candidate).
        index_of: dict[int, int] = {}
        for k, (c, _) in enumerate(facts):
            index_of.setdefault(id(c), offset + k)
        out = []
        orig_span = norm.orig_span
        orig_sentence: dict[Span, tuple[int, int]] = {}  # facts share sentences: map each once
        for c, metric in facts:
            sent = sentence_of.get(c.start) or enclosing(sent_points, c.start, lo, hi)
            s, e = orig_span(c.start, c.end)
            sentence_span = orig_sentence.get(sent)
            if sentence_span is None:
                sentence_span = orig_sentence[sent] = orig_span(sent.start, sent.end)
            ss, se = sentence_span
            parent = index_of.get(id(cands[c.parent])) if c.parent is not None else None
            out.append({
                "source": source, "section": section, "sentence_start": ss, "sentence_end": se,
                "start": s, "end": e, "text": original[s:e], "value": c.value, "value_min": c.value_min,
                "value_max": c.value_max, "qualifier": c.qualifier, "unit": c.unit, "metric": metric,
                "category": _category(original, orig_span, category_of.get(id(c))), "channel": c.channel, "scope": c.scope, "parent": parent,
                # Children of one 其中/含 share a group (the offset of that word in Report.text): a parent
                # can have two breakdowns ("办结1191件(含结转189件)。其中予以公开…"), each summing on its own.
                "group": orig_span(c.group, c.group + 1)[0] if c.group is not None else None,
            })
        return out

    def _structure(self, work: str, cands: list[Candidate], lo: int, hi: int, sent_points: list[int],
                   clause_points: list[int], sentence_of: dict[int, Span]
                   ) -> tuple[list[Candidate], dict[int, tuple[int, int] | None]]:
        """Metric, channel, scope, parents and labels of the span's candidates (the idiomatic lone 一
        dropped); the kept candidates and each one's label span by ``id``."""
        lex = self.lexicon
        channels: dict = {}  # sentence start → channel mentions, found by attach and read again below
        used = attach(work, cands, lex, sent_points, clause_points, lo, hi, sentence_of, channels)
        # A lone 一 with no metric is idiom, not a count ("一个窗口", "一批案例").
        keep = [i for i, c in enumerate(cands) if not (work[c.num_start:c.num_end] == "一" and c.metric is None)]
        cands = [cands[i] for i in keep]
        used = [used[i] for i in keep]
        link_breakdowns(work, cands, lex, sent_points, lo, hi)
        # Clause structure (nlp/facts/structure.py): heads, parents' families, channels, coordinated rates.
        document_heads(work, cands, lex, lo)
        mentions = Mentions(channels)
        channel_counts(work, cands, lex, clause_points, lo, hi, items=False, mentions=mentions)
        labels: dict = {}  # candidate index → label span, shared by the two passes that read labels
        family_breakdowns(work, cands, used, lex, lo, labels)
        for c in cands:
            if c.parent is not None and cands[c.parent].scope == "cumulative" and c.scope == "annual":
                c.scope = "cumulative"  # parts of a stock are stocks
            if c.metric and c.metric.startswith("~."):
                c.metric = None  # a relative metric (结果维持) outside a breakdown names nothing
        channel_counts(work, cands, lex, clause_points, lo, hi, items=True, mentions=mentions)
        respective_values(work, cands, lex, sent_points, clause_points, lo, hi)
        coordinated_rates(work, cands, lex, sent_points, clause_points, lo, hi)
        for c in cands:  # a share follows its count's final metric: "不予公开20件(1.68%)"
            if c.share_of is not None:
                c.metric = f"{c.share_of.metric}_share" if c.share_of.metric else None
        category_of = {id(c): cat for c, cat in zip(cands, categories(work, cands, lex, lo, labels))}
        return cands, category_of

    def _may_state_zero(self, work: str, lo: int, hi: int) -> bool:
        """False when neither :meth:`_negations` nor :func:`zero_statements` can find anything in the span:
        no negation word (where every negation starts) and no zero hint (next to every zero in words)."""
        lex = self.lexicon
        return (lex.negation_start is not None and lex.negation_start.search(work, lo, hi) is not None) or (
            lex.zero_statement is not None and has_zero_hint(work, lo, hi))

    def _negations(self, work: str, lo: int, hi: int, sent_points: list[int], cands: list[Candidate],
                   mask: NegativeMask) -> list[tuple[Candidate, str]]:
        """Negated statements of zero ("未接到…申请"), one per metric and sentence, unless a number is inside."""
        lex = self.lexicon
        out: list[tuple[Candidate, str]] = []
        if lex.negation_start is None:
            return out
        found = []
        negations = list(enumerate(lex.negations))
        for start in lex.negation_start.finditer(work, lo, hi):
            at = start.start()
            for order, neg in negations:
                m = neg.pattern.match(work, at, hi)
                if m:
                    found.append((order, m.start(), neg, m))
        found.sort(key=lambda x: (x[0], x[1]))  # metric order as in metrics.yaml, then position
        seen: set[tuple[str, int]] = set()
        starts = [c.start for c in cands]
        for _, _, neg, m in found:
            sent = enclosing(sent_points, m.start(), lo, hi)
            k = bisect.bisect_left(starts, m.start())
            if (neg.metric, sent.start) in seen or (k < len(starts) and starts[k] < m.end()):
                continue
            if mask.covers(m.start(), m.start() + 1):
                continue
            seen.add((neg.metric, sent.start))
            c = Candidate(m.start(), m.end(), m.start(), m.end(), 0, 0, 0, "negation", None, metric=neg.metric)
            out.append((c, neg.metric))
        return out


def _category(original: str, orig_span, span: tuple[int, int] | None) -> str | None:
    """A breakdown item's label as written in the original text (line breaks of a PDF dropped)."""
    if span is None:
        return None
    s, e = orig_span(*span)
    label = "".join(original[s:e].split("\n")).strip()
    return label or None


def extract_facts(text: str, source: str | None = None, sections: list | None = None,
                  narrative_only: bool = True) -> list[dict[str, Any]]:
    """Facts of ``text`` with the default lexicon. A short sentence is read whole; a full report is
    restricted to its narrative sections (headings found by a light regex unless ``sections`` given).

    The default lexicon (and the tables and memos it owns) is built once; an extractor is only a view."""
    if narrative_only:
        return FactExtractor().extract(text, source=source, sections=sections)
    return FactExtractor(narrative_only=False).extract(text, source=source)
