"""Evaluators of the text ↔ table rules (C10–C15) and the structure/quality rules (D16–D18).

The C rules read the numeric fact records of ``report.facts`` (the pipeline component "facts", a
declared prerequisite of "checks"). A rule that has nothing to compare (the text states no such
number) is NOT_ASSESSABLE with a message starting "not applicable".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from nlp.rules.engine import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    TABLE_NAMES,
    UNCERTAIN,
    Context,
    Rule,
    RuleResult,
    cell_record,
    evaluator,
    make,
)


def facts(ctx: Context) -> list[dict[str, Any]]:
    """The report's fact records (the "facts" component, a prerequisite of the checks)."""
    return ctx.facts


def fact_cell(f: dict[str, Any]) -> dict[str, Any]:
    return {
        "ref": f"text:{f.get('metric')}",
        "value": f.get("value"),
        "raw": f.get("text"),
        "start": f.get("start"),
        "end": f.get("end"),
    }


def agrees(fact: dict[str, Any], table_value: float) -> bool:
    v = fact.get("value")
    q = fact.get("qualifier") or "exact"
    if v is None:
        return False
    if q == "lower_bound":
        return table_value >= v
    if q == "upper_bound":
        return table_value <= v
    if q == "approx":
        return abs(table_value - v) <= max(1, 0.1 * v)
    return table_value == v


def _table_of(refs: list[str]) -> str:
    return refs[0].split(".")[0]


@evaluator("no_applications")
def no_applications(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    zero = [f for f in facts(ctx) if f.get("metric") == rule.params["metric"] and f.get("value") == 0]
    if not zero:
        yield make(
            rule, NOT_ASSESSABLE, "not applicable: the text does not say that no applications were received"
        )
        return
    if not ctx.has_table("table3"):
        yield make(rule, NOT_ASSESSABLE, "table 三 is missing")
        return
    c = ctx.cell("table3.new_received.total")
    cells = [fact_cell(zero[0]), cell_record(c)]
    if c["value"] is None:
        yield make(
            rule,
            UNCERTAIN,
            "the text says no applications; table 三 new_received total is blank",
            0,
            None,
            cells,
        )
    elif c["value"] == 0:
        yield make(
            rule, PASS, f"the text says no applications ({zero[0].get('text')}); table 三 agrees", 0, 0, cells
        )
    else:
        yield make(
            rule,
            FAIL,
            f"the text says no applications ({zero[0].get('text')}) but table 三 lists "
            f"{c['value']} new applications",
            0,
            c["value"],
            cells,
        )


@evaluator("text_vs_table")
def text_vs_table(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    item = rule.params["items"][rule.item]
    metric, groups = item["metric"], item["cells"]
    found = [f for f in facts(ctx) if f.get("metric") == metric and f.get("value") is not None]
    table = _table_of(groups[0])
    if not found:
        yield make(rule, NOT_ASSESSABLE, f"not applicable: the text states no {metric}")
        return
    if not ctx.has_table(table) or not ctx.cell(groups[0][0])["present"]:
        yield make(rule, NOT_ASSESSABLE, f"{TABLE_NAMES[table]} is missing or has no such cell")
        return
    sums: list[tuple[list[dict[str, Any]], Any]] = []
    for refs in groups:
        cs = [ctx.cell(r) for r in refs]
        total = None if any(c["value"] is None for c in cs) else sum(c["value"] for c in cs)
        sums.append((cs, total))
    matched = [(f, cs) for f in found for cs, total in sums if total is not None and agrees(f, total)]
    first_cells = sums[0][0]
    if matched:
        f, cs = matched[0]
        others = [g for g in found if not any(agrees(g, t) for _, t in sums if t is not None)]
        note = f"; other statements differ: {[g.get('text') for g in others]}" if others else ""
        yield make(
            rule,
            PASS,
            f"text {f.get('text')!r} agrees with {', '.join(c['ref'] for c in cs)}{note}",
            sum(c["value"] for c in cs),
            f.get("value"),
            [fact_cell(f)] + [cell_record(c) for c in cs],
        )
        return
    if all(total is None for _, total in sums):
        yield make(
            rule,
            UNCERTAIN,
            f"text states {found[0].get('value')} but the table cells are blank",
            None,
            found[0].get("value"),
            [fact_cell(found[0])] + [cell_record(c) for c in first_cells],
        )
        return
    expected = sums[0][1]
    yield make(
        rule,
        FAIL,
        f"text {found[0].get('text')!r} says {found[0].get('value')}, "
        f"{' + '.join(c['ref'] for c in first_cells)} = {expected}",
        expected,
        found[0].get("value"),
        [fact_cell(f) for f in found] + [cell_record(c) for c in first_cells],
    )


@evaluator("fee_notices")
def fee_notices(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    if not ctx.has_table("table3"):
        yield make(rule, NOT_ASSESSABLE, "table 三 is missing")
        return
    c = ctx.cell("table3.other.fee_unpaid.total")
    if not c["present"]:
        yield make(rule, NOT_ASSESSABLE, "table 三 has no 逾期未缴费 row (2019 format)")
        return
    none_issued = [f for f in facts(ctx) if f.get("metric") == rule.params["metric"] and f.get("value") == 0]
    cells = [cell_record(c)]
    if none_issued:
        cells = [fact_cell(none_issued[0])] + cells
        if c["value"] is None:
            yield make(
                rule, UNCERTAIN, "the text says no fee notices; the table cell is blank", 0, None, cells
            )
        elif c["value"] == 0:
            yield make(
                rule, PASS, "the text says no fee notices were issued; other.fee_unpaid is 0", 0, 0, cells
            )
        else:
            yield make(
                rule,
                FAIL,
                f"the text says no fee notices were issued, but other.fee_unpaid is {c['value']}",
                0,
                c["value"],
                cells,
            )
        return
    if c["value"]:
        other = ctx.section_text("other")
        if other is None:
            yield make(rule, NOT_ASSESSABLE, "section 六 not found", "mentioned", None, cells)
        elif any(w in other for w in rule.params["mention_words"]):
            yield make(
                rule,
                PASS,
                f"other.fee_unpaid is {c['value']} and section 六 mentions fees",
                None,
                c["value"],
                cells,
            )
        else:
            yield make(
                rule,
                FAIL,
                f"other.fee_unpaid is {c['value']} but section 六 does not mention fee notices",
                "mentioned",
                "not mentioned",
                cells,
            )
        return
    yield make(
        rule,
        NOT_ASSESSABLE,
        "not applicable: no fee notices in the table or the text",
        None,
        c["value"],
        cells,
    )


_INCLUDES = re.compile(r"[（(]\s*(?:其中)?(?:含|包括)[^，。；,;)）]*$")


@evaluator("breakdown")
def breakdown(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    fs = facts(ctx)
    # Siblings of one breakdown share a "group" (the offset of their 其中/含); one parent can
    # have several breakdowns ("办结1191件（含上年结转189件）。其中予以公开…"), each summed on its own.
    children: dict[tuple[int, int], list[dict[str, Any]]] = {}
    ids = {f.get("id"): i for i, f in enumerate(fs) if f.get("id") is not None}
    for f in fs:
        p = f.get("parent")
        if p is None:
            continue
        idx = p if isinstance(p, int) else ids.get(p)
        if idx is not None and 0 <= idx < len(fs):
            group = f.get("group")
            children.setdefault((idx, -1 if group is None else group), []).append(f)
    if not children:
        yield make(
            rule, NOT_ASSESSABLE, "not applicable: no breakdown (其中…) in the text", rule_id="C14.breakdown"
        )
        return
    text = ctx.report.text
    for n, ((idx, _group), kids) in enumerate(sorted(children.items()), start=1):
        parent = fs[idx]
        # "办结1191件（含上年结转189件）…其中…": a 含 note overlaps the parts, it is not one of them.
        kids = [
            k
            for k in kids
            if k.get("start") is None or not _INCLUDES.search(text[max(0, k["start"] - 8) : k["start"]])
        ]
        if not kids:
            continue
        rid = f"C14.breakdown.{n}"
        cells = [fact_cell(parent)] + [fact_cell(k) for k in kids]
        pv = parent.get("value")
        if pv is None or any(k.get("value") is None for k in kids):
            yield make(
                rule,
                UNCERTAIN,
                f"breakdown of {parent.get('text')!r}: a value is not a number",
                pv,
                None,
                cells,
                rule_id=rid,
            )
            continue
        total = sum(k["value"] for k in kids)
        desc = f"{parent.get('text')!r} = {' + '.join(str(k['value']) for k in kids)}"
        if total > pv and (parent.get("qualifier") or "exact") == "exact":
            yield make(
                rule, FAIL, f"parts exceed the whole: {desc} = {total} > {pv}", pv, total, cells, rule_id=rid
            )
        else:
            rel = "=" if total == pv else "<="
            yield make(rule, PASS, f"{desc}: {total} {rel} {pv}", pv, total, cells, rule_id=rid)


@evaluator("problems_substantive")
def problems_substantive(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    sec = ctx.report.section("problems")
    if sec is None:
        status = NOT_ASSESSABLE if not ctx.report.sections else FAIL
        yield make(rule, status, "section 五 not found", f">= {rule.params['min_chars']} chars", 0)
        return
    body = re.sub(r"\s+", "", sec.text)
    cells = [
        {"ref": "section:problems", "value": len(body), "raw": body[:40], "start": sec.start, "end": sec.end}
    ]
    if body.strip("。.") in rule.params["empty_words"] or len(body) < rule.params["min_chars"]:
        yield make(
            rule,
            FAIL,
            f"section 五 is empty or trivial ({body[:20]!r})",
            f">= {rule.params['min_chars']} chars",
            len(body),
            cells,
        )
    else:
        yield make(
            rule,
            PASS,
            f"section 五 has {len(body)} characters",
            f">= {rule.params['min_chars']} chars",
            len(body),
            cells,
        )


@evaluator("fee_mention")
def fee_mention(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    sec = ctx.report.section("other")
    if sec is None:
        status = NOT_ASSESSABLE if not ctx.report.sections else FAIL
        yield make(rule, status, "section 六 not found")
        return
    hit = next((w for w in rule.params["words"] if w in sec.text), None)
    if hit:
        yield make(rule, PASS, f"section 六 mentions {hit}", "mentioned", hit)
    else:
        yield make(rule, FAIL, "section 六 does not mention 信息处理费", "mentioned", "not mentioned")


# The lookahead first lets the regex engine skip to the next 1 or 2 before trying the lookbehind.
_YEAR = re.compile(r"(?=[12])(?<![\d〔\[(（])((?:19|20)\d{2})\s*年")
_STAT_AFTER = re.compile(r"^\s*年度?[^。；\n]{0,40}?(?:主动公开|收到|受理|办理|发布|共计|累计)")
_SENTENCE_START = re.compile(r"(?:^|[\n。；：:]|本单位|本机关|我单位|我街道|我镇|我局|我区|我县|我市)\s*$")
_COMPARE_BEFORE = re.compile(r"(?:较|比|同比|与|相比|截至|自|从|至)\s*$")


@evaluator("year_mismatch")
def year_mismatch(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    year = ctx.report.meta.year if ctx.report.meta else None
    if year is None:
        yield make(rule, NOT_ASSESSABLE, "the report's year is unknown")
        return
    text = ctx.report.text
    spans = [(s.start, s.end) for k in rule.params["sections"] if (s := ctx.report.section(k))]
    if not spans:
        yield make(rule, NOT_ASSESSABLE, "sections were not segmented")
        return
    hits = []
    for s, e in spans:
        for m in _YEAR.finditer(text, s, e):
            y = int(m.group(1))
            if y in (year, year + 1):
                continue
            quoted = text.rfind("《", s, m.start()) > text.rfind("》", s, m.start())
            if quoted or _COMPARE_BEFORE.search(text[max(s, m.start() - 4) : m.start()]):
                continue
            # The previous year is normal in comparisons; flag it only as the subject of statistics.
            if y == year - 1 and not (
                _SENTENCE_START.search(text[max(s, m.start() - 6) : m.start()])
                and _STAT_AFTER.match(text[m.end() - 1 : m.end() + 44])
            ):
                continue
            hits.append(
                {
                    "ref": "text:year",
                    "value": y,
                    "raw": text[m.start() : m.end() + 12],
                    "start": m.start(),
                    "end": m.end(),
                }
            )
    if hits:
        yield make(
            rule,
            FAIL,
            f"the text names other reporting year(s) {sorted({h['value'] for h in hits})} in a {year} report",
            year,
            sorted({h["value"] for h in hits}),
            hits[:10],
        )
    else:
        yield make(rule, PASS, f"no foreign reporting year in a {year} report", year, year)
