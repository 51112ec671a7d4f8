"""The sum identities of the statutory tables (A1–A4 of domain.md §1.5): Σexpected == Σactual over cell
references, a blank cell making the result UNCERTAIN unless read as 0.

Shared by the ``sum_equation`` evaluator, the carry-over rule (B6) and the blank-cell rule (B9), which asks
whether reading its blanks as 0 leaves the table consistent (:func:`failing_when_zero`). Sums and the
references a rule expands to are memoised: per report in the context, per rule set in the rule book.
"""

from __future__ import annotations

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
    evaluator,
    make,
)


def as_count(v: Any) -> Any:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def equation(
    ctx: Context,
    expected: list[str],
    actual: list[str],
    previous: tuple[bool, bool] = (False, False),
    blank_as_zero: bool = False,
) -> tuple[str, Any, Any, list[dict[str, Any]], list[str]]:
    """(status, expected sum, actual sum, cells, blank refs) of Σexpected == Σactual."""
    erefs, arefs = ctx.expand_refs(expected), ctx.expand_refs(actual)
    e, a, blanks = _sums(ctx, expected, actual, previous)
    records = ctx.records(erefs, previous[0]) + ctx.records(arefs, previous[1])
    return _status(e, a, blanks, blank_as_zero), e, a, records, list(blanks)  # callers may keep their blank list


def _status(e: Any, a: Any, blanks: list[str], blank_as_zero: bool) -> str:
    if blanks and not blank_as_zero:
        return UNCERTAIN
    return PASS if abs(e - a) < 1e-9 else FAIL


def _sums(ctx: Context, expected: list[str], actual: list[str], previous: tuple[bool, bool]) -> tuple[Any, Any, list[str]]:
    """(expected sum, actual sum, blank refs), memoised in the context."""
    key = ("sums", tuple(expected), tuple(actual), previous)
    hit = ctx.memo.get(key)
    if hit is None:
        hit = ctx.memo[key] = _add_up(ctx, ctx.expand_refs(expected), ctx.expand_refs(actual), previous)
    return hit


def _add_up(
    ctx: Context, expected: list[str] | tuple[str, ...], actual: list[str] | tuple[str, ...],
    previous: tuple[bool, bool],
) -> tuple[Any, Any, list[str]]:
    """(Σexpected, Σactual, blank refs) over expanded references, a blank read as 0."""
    e, eblanks = ctx.add_up(expected, previous[0])
    a, ablanks = ctx.add_up(actual, previous[1])
    return as_count(e), as_count(a), eblanks + ablanks


def _rule_refs(ctx: Context, rule: Rule) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(table, expected refs, actual refs, both in that order) of a sum rule, "@outcomes" expanded:
    derived once per rule set and table 三 format (the rule book keeps it), not once per report."""
    key = ("sum_refs", rule.id, ctx.t3_format)
    hit = ctx.book.derived.get(key)
    if hit is None:
        params = rule.params
        expected, actual = tuple(ctx.expand_refs(params["expected"])), tuple(ctx.expand_refs(params["actual"]))
        hit = ctx.book.derived[key] = (params["actual"][0].split(".")[0], expected, actual, expected + actual)
    return hit


def _rule_sums(ctx: Context, rule: Rule) -> tuple[Any, Any, list[str]]:
    """:func:`_sums` of a sum rule, memoised by its id: the sum rules are evaluated once on their own
    and again by the blank-cell rule of their table. The blank list is shared: not to be modified."""
    key = ("rule_sums", rule.id)
    hit = ctx.memo.get(key)
    if hit is None:
        _, expected, actual, _ = _rule_refs(ctx, rule)
        hit = ctx.memo[key] = _add_up(ctx, expected, actual, (False, False))
    return hit


def blank_note(e: Any, a: Any, blanks: list[str]) -> str:
    verdict = "consistent" if abs(e - a) < 1e-9 else "still inconsistent"
    shown = ", ".join(blanks[:6]) + (" …" if len(blanks) > 6 else "")
    return (
        f"{len(blanks)} blank/unreadable cell(s) ({shown}); reading them as 0 would make it {verdict} "
        f"({e} vs {a})"
    )


@evaluator("sum_equation")
def sum_equation(rule: Rule, ctx: Context) -> Iterator[RuleResult]:
    table, _, _, refs = _rule_refs(ctx, rule)
    if not ctx.has_table(table):
        yield make(rule, NOT_ASSESSABLE, f"{TABLE_NAMES[table]} is missing")
        return
    e, a, blanks = _rule_sums(ctx, rule)
    status = _status(e, a, blanks, False)
    records = ctx.records(refs)
    if status == UNCERTAIN:
        msg = f"{rule.description['en']}: unknown; " + blank_note(e, a, blanks)
        amb = [c["ref"] for c in records if c.get("ambiguous")]
        if amb:
            msg += f"; {len(amb)} of them ambiguous (several digit splits fit): " + ", ".join(amb[:4])
    elif status == PASS:
        msg = f"{rule.description['en']}: {e} = {a}"
    else:
        msg = f"{rule.description['en']}: expected {e}, table gives {a}"
    yield make(rule, status, msg, e, a, records)


def failing_when_zero(ctx: Context, table: str) -> list[str] | None:
    """Ids of the sum rules on ``table`` that fail when blanks read as 0; None if no sum rule applies."""
    ids: list[str] | None = None
    for rule in _sum_rules(ctx, table):
        ids = ids or []
        e, a, blanks = _rule_sums(ctx, rule)
        if _status(e, a, blanks, True) == FAIL:
            ids.append(rule.id)
    return ids


def _sum_rules(ctx: Context, table: str) -> list[Rule]:
    """The sum rules on ``table``, in rule order (derived once per rule set and table 三 format)."""
    key = ("sum_rules", table, ctx.t3_format)
    hit = ctx.book.derived.get(key)
    if hit is None:
        hit = ctx.book.derived[key] = [
            rule for spec, rules in ctx.book.plan(ctx.t3_format) if spec["evaluator"] == "sum_equation"
            for rule in rules if _rule_refs(ctx, rule)[0] == table
        ]
    return hit
