"""Indicators from the tables (issue 17 §2): each equals a hand computation on the seeds and real
reports; null with the reason when an operand is null or a denominator is 0; formulas are safe."""

from __future__ import annotations

import math

import pytest
from conftest import REAL, SEED_FILES, real_reports, requires_shared

from nlp.formula import FormulaError, compile_formula, evaluate
from nlp.indicators import compute_indicators, indicator, load_indicators, report_indicators, table_lookup
from nlp.pipeline import parse_report

ALL = list(SEED_FILES) + real_reports(".txt", ".html", ".md", ".pdf")
DENIED = ["state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
          "process_info", "enforcement_file", "admin_query"]
NOT_PROCESSED = ["petition", "repeat", "publication", "mass_repeat", "confirm_reissue"]


def _div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def _sum(values):
    return None if any(v is None for v in values) else sum(values)


def by_hand(tables: dict) -> dict[str, float | None]:
    """The indicators computed directly from the parsed tables, without the formula engine."""
    t3 = (tables.get("table3") or {}).get("rows") or {}
    t4 = (tables.get("table4") or {}).get("cells") or {}

    def c(row, col="total"):
        return (t3.get(row) or {}).get(col)

    done = c("total_processed")
    other = [c(k) for k in ("other.no_correction", "other.fee_unpaid", "other.other")] if "other.other" in t3 else [c("other")]
    lit_total = _sum([t4.get("litigation_direct.total"), t4.get("litigation_after_review.total")])
    return {
        "substantive_disclosure_rate": _div(_sum([c("granted"), c("partial")]), done),
        "full_disclosure_rate": _div(c("granted"), done),
        "denial_rate": _div(_sum([c(f"denied.{k}") for k in DENIED]), done),
        "unable_rate": _div(_sum([c(f"unable.{k}") for k in ("not_held", "needs_creation", "unclear")]), done),
        "not_processed_rate": _div(_sum([c(f"not_processed.{k}") for k in NOT_PROCESSED]), done),
        "other_processing_rate": _div(_sum(other), done),
        "carry_forward_rate": _div(c("carried_forward"), _sum([c("new_received"), c("carried_over")])),
        "natural_person_share": _div(c("new_received", "natural_person"), c("new_received")),
        "review_correction_rate": _div(t4.get("review.corrected"), t4.get("review.total")),
        "litigation_correction_rate": _div(
            _sum([t4.get("litigation_direct.corrected"), t4.get("litigation_after_review.corrected")]), lit_total
        ),
    }


@pytest.fixture(scope="module")
def reports() -> dict[str, object]:
    return {p.name: parse_report(p) for p in ALL}


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:32])
def test_indicators_equal_a_hand_computation(path, reports) -> None:
    report = reports[path.name]
    got = {r["indicator"]: r for r in report_indicators(report)}
    want = by_hand(report.tables)
    for name, value in want.items():
        row = got[name]
        if value is None:
            assert row["value"] is None and row["reason"], (name, row)
        else:
            assert row["value"] is not None and math.isclose(row["value"], value), (name, row["value"], value)
            assert row["reason"] is None


def test_zero_denominators_are_null_with_the_reason(reports) -> None:
    """Seed 000 received no applications: every rate over applications is null, and says why."""
    got = {r["indicator"]: r for r in report_indicators(reports[SEED_FILES[0].name])}
    assert got["applications_received"]["value"] == 0
    row = got["substantive_disclosure_rate"]
    assert row["value"] is None and row["reason"] == "denominator table3.total_processed.total is 0"
    assert got["application_growth"]["reason"] == "no previous report of the same unit"


@requires_shared
def test_real_pair_by_hand() -> None:
    """洪泽区 2024 against 2023, read off the printed tables: 予以公开 50, 部分公开 9, 总计 95;
    复议 1 纠正 of 2; 95 applications against 21; 行政规范性文件 in force 8 against 5."""
    a = parse_report(REAL / "kiro-2023-hongze-qu.pdf")
    b = parse_report(REAL / "kiro-2024-hongze-qu.pdf")
    got = {r["indicator"]: r["value"] for r in report_indicators(b, a)}
    assert math.isclose(got["substantive_disclosure_rate"], 59 / 95)
    assert math.isclose(got["review_correction_rate"], 1 / 2)
    assert got["litigation_correction_rate"] == 0
    assert math.isclose(got["application_growth"], (95 - 21) / 21)
    assert got["normative_doc_stock_change"] == 8 - 5
    assert math.isclose(got["normative_doc_stock_growth"], 3 / 5)
    # 2023 has the 2019-style single （六）其他处理 row: the second formula is used.
    rows = {r["indicator"]: r for r in report_indicators(a)}
    assert rows["other_processing_rate"]["formula"].startswith("table3.other.total")


def test_null_operand_gives_null_with_its_name() -> None:
    tables = {"table4": {"format": "2021", "cells": {"review.corrected": None, "review.total": 3}}}

    rows = {r["indicator"]: r for r in compute_indicators(table_lookup(tables))}
    row = rows["review_correction_rate"]
    assert row["value"] is None and row["reason"] == "table4.review.corrected is null"
    row = rows["substantive_disclosure_rate"]
    assert row["value"] is None and "not in the report's tables" in row["reason"]


def test_indicator_names_and_formulas() -> None:
    inds = load_indicators()
    assert len({i.name for i in inds}) == len(inds) >= 15
    assert indicator("实质公开率").name == "substantive_disclosure_rate"
    assert indicator("行政复议纠错率").formula.split(" | ")[0] == "table4.review.corrected / table4.review.total"
    assert indicator("application_growth").needs_previous
    assert all(i.zh and i.en for i in inds)


@pytest.mark.parametrize(
    "source",
    ["__import__('os').system('x')", "a.b()", "x[0]", "'text'", "lambda: 1", "a if b else c", "a ** 2", "True"],
)
def test_formula_evaluator_refuses_anything_but_arithmetic(source: str) -> None:
    with pytest.raises(FormulaError):
        compile_formula(source)


def test_formula_evaluator_arithmetic() -> None:
    assert evaluate("(a.b + c) / d", {"a.b": 1, "c": 2, "d": 4}) == (0.75, None)
    assert evaluate("valid + repealed >= made", {"valid": 1, "repealed": 0, "made": 2}) == (False, None)
    assert evaluate("max(a, b) - -c", {"a": 1, "b": 3, "c": 1}) == (4, None)
    assert evaluate("a / (b - b)", {"a": 1, "b": 2}) == (None, "denominator b - b is 0")


def test_pre_2019_reports_get_the_comparable_indicators_from_their_annex():
    """A legacy report has no table 三/四; where its statistics annex holds a comparable quantity the
    indicator's last formula reads it (hand computation from the annex cells)."""
    from pathlib import Path

    from nlp.indicators import report_indicators
    from nlp.pipeline import parse_report

    folder = Path(__file__).parent / "data" / "legacy"
    for name in ("01_template_tabs.txt", "06_markdown_serial_2018.txt", "24_after_city_pipes.txt"):
        report = parse_report(folder / name)
        c = report.tables["legacy_stats"]["cells"]
        got = {r["indicator"]: r for r in report_indicators(report)}
        sdr = got["substantive_disclosure_rate"]
        assert sdr["formula"].startswith("(legacy_stats.")
        assert sdr["value"] == pytest.approx((c["replies.granted"] + c["replies.partial"]) / c["replies.total"])
        review = got["review_correction_rate"]
        if c.get("review.total"):
            assert review["value"] == pytest.approx(c["review.corrected"] / c["review.total"])
        else:  # nothing reviewed: a denominator of 0 is a reason, never a value
            assert review["value"] is None and review["reason"]


# --- the compiled program against a walk of the syntax tree (the evaluator it replaced) ----------------
def _walk(node, get):
    """Reference evaluation: the tree walked at each call; nulls and zero denominators give None."""
    import ast

    from nlp.formula import _BIN, _CMP, _FUNCS, _dotted, _Null

    name = _dotted(node)
    if name is not None:
        value = get(name)
        if value is None:
            raise _Null(f"{name} is null")
        return value
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp):
        left, right = _walk(node.left, get), _walk(node.right, get)
        if isinstance(node.op, ast.Div) and right == 0:
            raise _Null(f"denominator {ast.unparse(node.right)} is 0")
        return _BIN[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp):
        v = _walk(node.operand, get)
        return -v if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Compare):
        left = _walk(node.left, get)
        for op, comp in zip(node.ops, node.comparators):
            right = _walk(comp, get)
            if not _CMP[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BoolOp):
        values = [_walk(v, get) for v in node.values]
        return all(values) if isinstance(node.op, ast.And) else any(values)
    return _FUNCS[node.func.id](*(_walk(a, get) for a in node.args))


def test_compiled_formulas_evaluate_as_the_tree_walk() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nlp.formula import _Null

    names = ["a", "b.c", "table3.granted.total", "d"]
    leaves = st.one_of(st.sampled_from(names), st.integers(0, 3).map(str), st.sampled_from(["0.5", "2.0"]))

    def grow(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            inner.map(lambda x: f"-{x}"),
            st.tuples(inner, st.sampled_from([">=", "<", "==", "!="]), inner, inner).map(
                lambda t: f"{t[0]} {t[1]} {t[2]} <= {t[3]}"),
            st.tuples(st.sampled_from(["and", "or"]), inner, inner).map(lambda t: f"(({t[1]}) {t[0]} ({t[2]}))"),
            st.tuples(st.sampled_from(["min", "max", "abs"]), inner, inner).map(
                lambda t: f"{t[0]}({t[1]})" if t[0] == "abs" else f"{t[0]}({t[1]}, {t[2]})"),
        )

    formulas = st.recursive(leaves, grow, max_leaves=8)
    values = st.fixed_dictionaries({n: st.one_of(st.none(), st.integers(-2, 3), st.floats(-2, 3)) for n in names})

    @settings(max_examples=400, deadline=None)
    @given(formulas, values)
    def check(source, env):
        f = compile_formula(source)
        try:
            want = (_walk(f.tree.body, env.get), None)
        except _Null as null:
            want = (None, null.reason)
        assert repr(f.evaluate(env)) == repr(want), source  # repr: nan equals nan

    check()
