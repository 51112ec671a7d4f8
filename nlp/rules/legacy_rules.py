"""Rules of the pre-2019 statistics annex (``tables.legacy_stats``; rules L1–L7 in rules.yaml).

The annex has identities (收到申请数 = the channels; 申请答复数 = the outcome rows; 不同意公开 = its
reasons; 复议/诉讼 = their results; 人员 = 专职 + 兼职). Local tables print only some of the parts:
a part the table does not print is left out of the sum, and a mismatch then stays UNCERTAIN
(the missing row may hold the difference), never FAIL.
"""
from __future__ import annotations

from collections.abc import Iterator

from nlp.rules.engine import (
    FAIL,
    NOT_ASSESSABLE,
    PASS,
    UNCERTAIN,
    Context,
    Rule,
    RuleResult,
    cell_record,
    evaluator,
    make,
)


def _cells(ctx: Context, keys: list[str]) -> list[dict]:
    return [ctx.cell(f"legacy_stats.{k}") for k in keys]


def _is_legacy(ctx: Context) -> bool:
    meta = ctx.report.meta
    return meta is not None and meta.format_version == "legacy"


@evaluator("legacy_identity")
def legacy_identity(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    """total = Σ parts over the parts the annex prints; no result at all when there is no annex."""
    if not ctx.has_table("legacy_stats"):
        return
    total = ctx.cell(f"legacy_stats.{rule.params['total']}")
    parts = [c for c in _cells(ctx, rule.params["parts"]) if c["present"]]
    absent = [p for p in rule.params["parts"] if not ctx.cell(f"legacy_stats.{p}")["present"]]
    if not total["present"] or not parts:
        yield make(rule, NOT_ASSESSABLE, f"{rule.description['en']}: the annex does not print the total and its parts")
        return
    cells = [cell_record(c) for c in parts + [total]]
    if total["value"] is None or any(c["value"] is None for c in parts):
        yield make(rule, UNCERTAIN, f"{rule.description['en']}: blank or unreadable cell(s)", None, None, cells)
        return
    s = sum(c["value"] for c in parts)
    e, a = s, total["value"]
    if abs(e - a) < 1e-9:
        yield make(rule, PASS, f"{rule.description['en']}: {e} = {a}", e, a, cells)
    elif absent and e < a:
        yield make(rule, UNCERTAIN, f"{rule.description['en']}: parts give {e}, total {a}; not printed: "
                   + ", ".join(absent), e, a, cells)
    else:
        yield make(rule, FAIL, f"{rule.description['en']}: parts give {e}, the total is {a}", e, a, cells)


@evaluator("legacy_not_more")
def legacy_not_more(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    """A count that cannot exceed another (answers ≤ requests received)."""
    if not ctx.has_table("legacy_stats"):
        return
    small, big = ctx.cell(f"legacy_stats.{rule.params['small']}"), ctx.cell(f"legacy_stats.{rule.params['big']}")
    if not (small["present"] and big["present"]):
        yield make(rule, NOT_ASSESSABLE, f"{rule.description['en']}: not printed")
        return
    cells = [cell_record(small), cell_record(big)]
    if small["value"] is None or big["value"] is None:
        yield make(rule, UNCERTAIN, f"{rule.description['en']}: blank or unreadable cell(s)", None, None, cells)
    elif small["value"] <= big["value"]:
        yield make(rule, PASS, f"{rule.description['en']}: {small['value']} <= {big['value']}",
                   small["value"], big["value"], cells)
    else:
        yield make(rule, FAIL, f"{rule.description['en']}: {small['value']} > {big['value']}",
                   small["value"], big["value"], cells)


@evaluator("legacy_text_vs_annex")
def legacy_text_vs_annex(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    """The prose against the annex (as C11/C12 do against tables 三/四); silent without an annex."""
    if not ctx.has_table("legacy_stats"):
        return
    from nlp.rules.text_rules import text_vs_table

    yield from text_vs_table(rule, ctx)
