"""planned | done for each measure statement (domain.md §3.3): its own tense cue, else its block's
heading and lead-in, else its siblings' (a block whose marked measures are all done is done)."""
from __future__ import annotations

import re

from nlp.statements.split import Unit, patterns


def _own_status(text: str) -> str | None:
    pats = patterns()
    if pats["planned"].search(text) and "将" in text:
        return "planned"
    if pats["done"].search(text):
        return "done"
    return "planned" if pats["planned"].search(text) else None


def _block_status(u: Unit, siblings: list[str | None], report_year: int | None) -> str:
    pats = patterns()
    heading, lead = u.heading, u.lead
    years = [int(y) for y in re.findall(r"((?:19|20)\d\d)年", heading)]
    if re.search(r"(?:改进|整改)情况", heading) and "问题" in heading:
        return "done"  # "（一）2024年工作中存在问题的改进情况": last year's problems, rectified
    if (report_year and years and max(years) > report_year) or pats["planned"].search(heading + lead):
        return "planned"
    if pats["done"].search(heading + lead):
        return "done"
    if report_year and f"{report_year}年" in lead and not pats["problem_cue"].search(lead):
        return "done"  # "2023年我局加大…力度，一是…" in the 2023 report: work of the report year
    marked = {x for x in siblings if x}
    return "done" if marked == {"done"} else "planned"


def statuses(units: list[Unit], roles: list[str], report_year: int | None) -> list[str | None]:
    """planned | done for every measure (None for problems): the statement's own cue, else its block's."""
    own = [_own_status(u.text) if r == "measure" else None for u, r in zip(units, roles)]
    out: list[str | None] = []
    for u, r, o in zip(units, roles, own):
        if r != "measure":
            out.append(None)
        elif o:
            out.append(o)
        else:
            siblings = [x for v, x in zip(units, own) if v.block == u.block]
            out.append(_block_status(u, siblings, report_year))
    return out
