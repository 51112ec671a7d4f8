"""Where facts may come from: the narrative sections (preamble, 一, 五, 六), never the statutory
tables (二/三/四) nor any table-looking line elsewhere."""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from nlp.text.headings import TOP_HEADING_LINE

TABLE_KEYS = frozenset({"active_disclosure", "applications", "review_litigation"})
# The pre-2019 statistics annex is a table whatever its layout (scraped pages glue its cells into one line).
ANNEX_KEYS = frozenset({"legacy_stats"})

_TABLE_TITLE = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请|行政复议[^\n]{0,8}行政诉讼[^\n]{0,4}情况$|行政复议和行政诉讼情况")
_NUMBERS_ONLY = re.compile(r"^[\s\d.,%/\-—–+|:：]*$")
_NUMBER_RUN = re.compile(r"\d+(?:\.\d+)?(?:\s+\d+(?:\.\d+)?){2,}")
_SENTENCE_PUNCT = re.compile(r"[。，；,;！？]")


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    section: str | None


def is_table_line(line: str) -> bool:
    """A line from a table: cells separated by | or tabs, a row of bare numbers, or a short label + numbers."""
    stripped = line.strip()
    if not stripped:
        return False
    if "|" in stripped or "\t" in stripped:
        return True
    if "。" in stripped or "，" in stripped:
        return False  # prose
    if _NUMBERS_ONLY.match(stripped):
        return True
    return bool(_NUMBER_RUN.search(stripped) and not _SENTENCE_PUNCT.search(stripped))


def _has_table_line(text: str) -> bool:
    return any(is_table_line(line) for line in text.split("\n"))


def regions_from_headings(text: str) -> list[Region]:
    """Narrative regions of a whole report found with a light heading regex (no segmenter needed)."""
    heads = [(m.start(), m.end(), bool(_TABLE_TITLE.search(m.group(2)))) for m in TOP_HEADING_LINE.finditer(text)]
    regions: list[Region] = []
    pos = 0
    for i, (hs, he, is_table) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        if is_table and _has_table_line(text[he:end]):
            if hs > pos:
                regions.append(Region(pos, hs, None))
            pos = end
    if pos < len(text):
        regions.append(Region(pos, len(text), None))
    return regions


def regions_from_sections(text: str, sections, to_work) -> list[Region]:
    """Narrative regions from segmented sections (offsets into the original text, mapped by ``to_work``).

    A table section is skipped when its body holds a table-looking line; a section that carries a
    table key but only prose (a misnumbered narrative sub-item) stays narrative.
    """
    excluded: list[tuple[int, int]] = []
    labelled: list[tuple[int, int, str]] = []
    for sec in sections:
        s, e = to_work(sec.heading_start), to_work(sec.end)
        if sec.key in ANNEX_KEYS or (sec.key in TABLE_KEYS and _has_table_line(text[s:e])):
            excluded.append((s, e))
            continue
        for sub in sec.subsections or []:
            labelled.append((to_work(sub.heading_start), to_work(sub.end), sub.key))
        labelled.append((s, e, sec.key))
    excluded.sort()
    regions: list[Region] = []
    pos = 0
    for s, e in excluded + [(len(text), len(text))]:
        if s > pos:
            regions.extend(_label(pos, s, labelled, sections and to_work(sections[0].heading_start)))
        pos = max(pos, e)
    return regions


def _label(lo: int, hi: int, labelled: list[tuple[int, int, str]], first_heading: int | None) -> list[Region]:
    """Split ``[lo, hi)`` into pieces labelled with the innermost section key (``preamble`` before 一)."""
    cuts = {lo, hi}
    for s, e, _ in labelled:
        for x in (s, e):
            if lo < x < hi:
                cuts.add(x)
    if first_heading is not None and lo < first_heading < hi:
        cuts.add(first_heading)
    points = sorted(cuts)
    out: list[Region] = []
    for a, b in pairwise(points):
        inner = [(e - s, key) for s, e, key in labelled if s <= a and b <= e]
        key = min(inner)[1] if inner else ("preamble" if first_heading is not None and b <= first_heading else None)
        out.append(Region(a, b, key))
    return out


def narrative_lines(text: str, region: Region) -> list[tuple[int, int]]:
    """Spans of ``region`` with table-looking lines removed (runs of prose lines are merged)."""
    spans: list[tuple[int, int]] = []
    pos = region.start
    run_start, run_end = -1, 0  # the current run of non-table lines (-1: none)
    for line in text[region.start:region.end].split("\n"):
        end = pos + len(line)
        # empty lines (about half of them) and prose lines (a 。 or ， and no | or tab: is_table_line's own
        # early answer, read on the unstripped line) need no call
        if not line or ("|" not in line and "\t" not in line and ("。" in line or "，" in line)) \
                or not is_table_line(line):
            if run_start < 0:
                run_start = pos
            run_end = end
        elif run_start >= 0:
            spans.append((run_start, run_end))
            run_start = -1
        pos = end + 1
    if run_start >= 0:
        spans.append((run_start, run_end))
    return [(s, min(e, region.end)) for s, e in spans if e > s]
