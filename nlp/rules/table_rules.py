"""Evaluators of the table rules: A5 (domain, presence) and B6–B9 (carry-over, stock, 规章, blank cells);
the sum identities A1–A4 are in :mod:`nlp.rules.sums`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from nlp.rules.engine import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    TABLE_NAMES,
    TABLES,
    UNCERTAIN,
    Context,
    Rule,
    RuleResult,
    cell_record,
    evaluator,
    make,
)
from nlp.rules.sums import as_count, blank_note, equation, failing_when_zero

PLACEHOLDERS = {"/", "／", "—", "-", "－", "——", "–", "―", "\\"}


_INTS = frozenset((int, type(None)))  # exactly int: a bool is an int but never a valid cell


@evaluator("domain")
def domain(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    table = rule.item
    if not ctx.has_table(table):
        yield make(rule, NOT_ASSESSABLE, f"{TABLE_NAMES[table]} is missing")
        return
    refs, values = _cells_of(ctx, table)
    bad, nulls = [], []
    if _INTS.issuperset(map(type, values)) and min(filter(None, values), default=0) >= 0:
        # Most tables hold only non-negative integers and blanks: no cell can be wrong.
        if None in values:
            nulls = [ref for ref, v in zip(refs, values) if v is None]
    else:
        decimal = set(rule.params.get("decimal_cells", []))
        signed = set(rule.params.get("signed_cells", []))
        for ref, v in zip(refs, values):
            if v is None:
                nulls.append(ref)
                continue
            wrong_type = isinstance(v, float) and not v.is_integer() and ref not in decimal
            negative = v < 0 and ref not in signed
            if wrong_type or negative or isinstance(v, bool):
                bad.append((ref, v))
    if bad:
        shown = ", ".join(f"{ref}={v}" for ref, v in bad[:6])
        yield make(
            rule,
            FAIL,
            f"{TABLE_NAMES[table]}: {len(bad)} cell(s) not a non-negative integer: {shown}",
            "integer >= 0",
            [v for _, v in bad],
            ctx.records([ref for ref, _ in bad]),
        )
    elif nulls:
        yield make(
            rule,
            UNCERTAIN,
            f"{TABLE_NAMES[table]}: {len(nulls)} blank/unreadable cell(s); the others are valid",
            "integer >= 0",
            None,
            ctx.records(nulls),
        )
    else:
        yield make(rule, PASS, f"{TABLE_NAMES[table]}: every cell is a valid number")


def _all_refs(ctx: Context, table: str, previous: bool = False) -> list[str]:
    t = (ctx.prev_tables if previous else ctx.tables).get(table) or {}
    if table == "table3":
        return [f"table3.{row}.{col}" for row, cols in (t.get("rows") or {}).items() for col in cols]
    return [f"{table}.{k}" for k in (t.get("cells") or {})]


def _cells_of(ctx: Context, table: str) -> tuple[list[str], list[Any]]:
    """(references, values) of every cell of ``table`` in table order, read by its domain and blank-cell
    rules (memoised in the context)."""
    key = ("cells_of", table)
    hit = ctx.memo.get(key)
    if hit is None:
        refs = _all_refs(ctx, table)
        hit = ctx.memo[key] = (refs, ctx.values(refs))
    return hit


def _legacy(ctx: Context) -> bool:
    meta = ctx.report.meta
    return meta is not None and meta.format_version == "legacy"


@evaluator("table_presence")
def table_presence(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    table = rule.item
    if ctx.has_table(table):
        yield make(rule, PASS, f"{TABLE_NAMES[table]} found ({ctx.table_format(table)} format)")
    elif _legacy(ctx):
        yield make(rule, NOT_ASSESSABLE, f"pre-2019 report: {TABLE_NAMES[table]} did not exist (see legacy_stats)")
    else:
        yield make(rule, FAIL, f"{TABLE_NAMES[table]} not found", "present", "missing")


@evaluator("section_presence")
def section_presence(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    rep = ctx.report
    if not rep.sections and not rep.missing_sections:
        yield make(rule, NOT_ASSESSABLE, "sections were not segmented")
        return
    # pre-2019 reports answer to the 2007 条例 第三十二条, whose contents differ (domain.md §0)
    wanted = rule.params["legacy_sections"] if _legacy(ctx) and "legacy_sections" in rule.params else rule.params["sections"]
    missing = [k for k in wanted if rep.section(k) is None]
    if missing:
        yield make(rule, FAIL, f"missing section(s): {', '.join(missing)}", wanted, missing)
    else:
        yield make(rule, PASS, f"all {len(wanted)} required sections present")


def _needs_previous(rule: Rule, ctx: Context, table: str) -> str | None:
    if ctx.previous is None:
        return "no previous report given (use --previous)"
    if not ctx.has_table(table):
        return f"{TABLE_NAMES[table]} is missing"
    if not ctx.has_table(table, previous=True):
        return f"{TABLE_NAMES[table]} is missing in the previous report"
    return None


@evaluator("carry_over")
def carry_over(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    why = _needs_previous(rule, ctx, "table3")
    if why:
        yield make(rule, NOT_ASSESSABLE, why)
        return
    col = rule.item
    status, e, a, cells, blanks = equation(
        ctx, [f"table3.carried_forward.{col}"], [f"table3.carried_over.{col}"], previous=(True, False)
    )
    msg = {
        PASS: f"carried over {a} = previous carried forward {e}",
        FAIL: f"carried over {a}, but the previous report carried forward {e}",
        UNCERTAIN: "unknown; " + blank_note(e, a, blanks),
    }[status]
    yield make(rule, status, msg, e, a, cells)


def _mentions(ctx: Context, words: list[str]) -> bool:
    return any(w in ctx.report.text for w in words)


@evaluator("stock")
def stock(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    why = _needs_previous(rule, ctx, "table2")
    doc = rule.item
    if not why and not all(ctx.cell(f"table2.{doc}.{c}")["present"] for c in ("made", "repealed", "valid")):
        why = "table 二 is not in the 2021 format (made/repealed/valid)"
    if not why and not ctx.cell(f"table2.{doc}.valid", previous=True)["present"]:
        why = "the previous table 二 is not in the 2021 format"
    if why:
        yield make(rule, NOT_ASSESSABLE, why)
        return
    if _mentions(ctx, rule.params.get("suppress_words", [])):
        yield make(rule, NOT_ASSESSABLE, "suppressed: the text mentions a document clean-up (清理)")
        return
    prev_valid = ctx.cell(f"table2.{doc}.valid", previous=True)
    made, repealed, valid = (ctx.cell(f"table2.{doc}.{c}") for c in ("made", "repealed", "valid"))
    cells = [cell_record(c) for c in (prev_valid, made, repealed, valid)]
    if any(c["value"] is None for c in (prev_valid, made, repealed, valid)):
        yield make(rule, UNCERTAIN, "unknown: a blank/unreadable cell", None, valid["value"], cells)
        return
    e = as_count(prev_valid["value"] + made["value"] - repealed["value"])
    status = PASS if e == valid["value"] else FAIL
    yield make(
        rule,
        status,
        f"previous valid {prev_valid['value']} + made {made['value']} − repealed "
        f"{repealed['value']} = {e}; table gives {valid['value']}",
        e,
        valid["value"],
        cells,
    )


@evaluator("rule_power")
def rule_power(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    level = ctx.report.meta.level if ctx.report.meta else None
    if not ctx.has_table("table2"):
        yield make(rule, NOT_ASSESSABLE, "table 二 is missing")
        return
    if level is None:
        yield make(rule, NOT_ASSESSABLE, "the unit's level is unknown")
        return
    if level not in rule.params["levels_without_power"]:
        yield make(rule, PASS, f"level {level} may make 规章")
        return
    refs = [r for r in _all_refs(ctx, "table2") if r.startswith("table2.regulation.")]
    cells = [ctx.cell(r) for r in refs]
    nonzero = [c for c in cells if c["value"]]
    if nonzero:
        yield make(
            rule,
            FAIL,
            f"level {level} has no rule-making power but reports 规章: "
            + ", ".join(f"{c['ref']}={c['value']}" for c in nonzero),
            0,
            [c["value"] for c in nonzero],
            [cell_record(c) for c in nonzero],
        )
    elif any(c["value"] is None for c in cells):
        yield make(rule, UNCERTAIN, "规章 cells are blank", 0, None, [cell_record(c) for c in cells])
    else:
        yield make(rule, PASS, f"level {level}: 规章 are 0", 0, 0, [cell_record(c) for c in cells])


@evaluator("repealed_le_valid")
def repealed_le_valid(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    why = _needs_previous(rule, ctx, "table2")
    doc = rule.item
    repealed, prev_valid = ctx.cell(f"table2.{doc}.repealed"), ctx.cell(f"table2.{doc}.valid", previous=True)
    if not why and not (repealed["present"] and prev_valid["present"]):
        why = "table 二 is not in the 2021 format"
    if why:
        yield make(rule, NOT_ASSESSABLE, why)
        return
    cells = [cell_record(prev_valid), cell_record(repealed)]
    if repealed["value"] is None or prev_valid["value"] is None:
        yield make(
            rule, UNCERTAIN, "unknown: a blank/unreadable cell", prev_valid["value"], repealed["value"], cells
        )
    elif repealed["value"] <= prev_valid["value"]:
        yield make(
            rule,
            PASS,
            f"repealed {repealed['value']} <= previous valid {prev_valid['value']}",
            prev_valid["value"],
            repealed["value"],
            cells,
        )
    else:
        yield make(
            rule,
            FAIL,
            f"repealed {repealed['value']} > previous valid {prev_valid['value']}",
            prev_valid["value"],
            repealed["value"],
            cells,
        )


def cell_semantics(raw: str | None, start: int | None) -> str:
    """EMPTY (blank cell), NA ("/", "—"), TEXT (unreadable text) or MISSING (not found)."""
    if start is None and not raw:
        return "MISSING"
    if not (raw or "").strip():
        return "EMPTY"
    if raw.strip() in PLACEHOLDERS:
        return "NA"
    return "TEXT"


@evaluator("blank_cells")
def blank_cells(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    table = rule.item
    if not ctx.has_table(table):
        yield make(rule, NOT_ASSESSABLE, f"{TABLE_NAMES[table]} is missing")
        return
    refs, values = _cells_of(ctx, table)
    nulls = ctx.records([r for r, v in zip(refs, values) if v is None])
    if not nulls:
        yield make(rule, PASS, f"{TABLE_NAMES[table]}: no blank cells", 0, 0)
        return
    kinds: dict[str, int] = {}
    for c in nulls:
        k = "AMBIGUOUS" if c.get("ambiguous") and c.get("candidates") else cell_semantics(c["raw"], c["start"])
        kinds[k] = kinds.get(k, 0) + 1
    summary = ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    failing = failing_when_zero(ctx, table)
    if failing is None:
        verdict = "no sum rule applies to this table"
    elif failing:
        verdict = "reading them as 0 leaves it inconsistent (" + ", ".join(failing[:5]) + ")"
    else:
        verdict = "reading them as 0 makes it consistent"
    yield make(
        rule,
        UNCERTAIN,
        f"{TABLE_NAMES[table]}: {len(nulls)} blank cell(s) ({summary}); {verdict}",
        0,
        len(nulls),
        nulls,
    )


__all__ = ["TABLES", "TABLE_NAMES", "cell_semantics", "equation"]
