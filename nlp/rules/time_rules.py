"""D19 timeliness: the publication date (``meta.published``) against the statutory deadline."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from nlp.rules.engine import FAIL, NOT_ASSESSABLE, PASS, UNCERTAIN, Context, Rule, RuleResult, evaluator, make


def deadline(year: int, level: str | None, regimes: list[dict]) -> tuple[date | None, str | None]:
    """The deadline of a report on ``year`` for a unit of ``level``, and the article that sets it."""
    for regime in sorted(regimes, key=lambda r: -r["first_year"]):
        if year >= regime["first_year"]:
            md = regime["deadlines"].get(level or "")
            if md is None:
                return None, regime["statute"]
            m, d = map(int, md.split("-"))
            return date(year + 1, m, d), regime["statute"]
    return None, None


@evaluator("timeliness")
def timeliness(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    meta = ctx.report.meta
    published = meta.published if meta else None
    if not published:
        yield make(rule, NOT_ASSESSABLE, "no publication date found (no 发布日期, 落款 date or file date)")
        return
    if meta.year is None:
        yield make(rule, NOT_ASSESSABLE, "the report's year is unknown", actual=published)
        return
    due, statute = deadline(meta.year, meta.level, rule.params["regimes"])
    evidence = [{"ref": f"meta.published:{meta.published_source}", "value": published,
                 "raw": meta.published_evidence, "start": None, "end": None}]
    if due is None:
        yield make(rule, NOT_ASSESSABLE, f"the kind of unit (level {meta.level!r}) does not decide the deadline",
                   actual=published, cells=evidence)
        return
    pub = date.fromisoformat(published)
    days = (pub - due).days
    if pub < date(meta.year + 1, 1, 1):
        yield make(rule, UNCERTAIN, f"the date {published} ({meta.published_source}) falls within the reporting "
                   f"year {meta.year}: not a publication date", due.isoformat(), published, evidence)
        return
    weak = any(meta.published_source.startswith(w) for w in rule.params.get("weak_sources", []))
    if weak:
        yield make(rule, UNCERTAIN, f"only the file's metadata dates the report ({published}, "
                   f"{meta.published_source}); deadline {due} ({statute})", due.isoformat(), published, evidence)
        return
    if days <= 0:
        yield make(rule, PASS, f"published {published} ({meta.published_source}), by the deadline {due} "
                   f"({statute})", due.isoformat(), published, evidence)
        return
    lenient = (rule.params.get("lenient") or {}).get(meta.level or "")
    if lenient and pub <= date(meta.year + 1, *map(int, lenient.split("-"))):
        yield make(rule, UNCERTAIN, f"published {published}, {days} days after {due} ({statute}) but within the "
                   f"local deadlines of units below county level (by {meta.year + 1}-{lenient})",
                   due.isoformat(), published, evidence)
        return
    yield make(rule, FAIL, f"published {published} ({meta.published_source}), {days} days after the deadline "
               f"{due} ({statute})", due.isoformat(), published, evidence)
