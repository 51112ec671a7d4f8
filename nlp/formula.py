"""A small, safe arithmetic evaluator for formulas written in resource files (never ``eval``).

Formulas are parsed with :mod:`ast` and only these nodes are accepted: numbers, names (dotted
names such as ``table3.granted.total`` are one name), ``+ - * /``, unary minus, comparisons
(``>= <= > < == !=``), ``and``/``or`` and the functions ``abs``, ``min``, ``max``. Anything
else is rejected when the formula is compiled, so a resource file cannot run code.

Evaluation never guesses: an operand that is unknown (None) or a division by zero gives
``None`` with the reason, e.g. ``(None, "table3.granted.total is null")``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

Number = int | float
Lookup = Callable[[str], Any] | Mapping[str, Any]

_BIN = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_CMP = {
    ast.GtE: operator.ge,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.Lt: operator.lt,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_FUNCS: dict[str, Callable[..., Number]] = {"abs": abs, "min": min, "max": max}


class FormulaError(ValueError):
    """A formula uses syntax outside the allowed subset."""


class _Null(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


def _check(node: ast.AST) -> None:
    """Reject every node outside the subset (called once, at compile time)."""
    if isinstance(node, ast.Expression):
        return _check(node.body)
    if _dotted(node) is not None:
        return None
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"only numbers are allowed as constants, not {node.value!r}")
        return None
    if isinstance(node, ast.BinOp) and type(node.op) in _BIN:
        _check(node.left)
        return _check(node.right)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _check(node.operand)
    if isinstance(node, ast.Compare) and all(type(op) in _CMP for op in node.ops):
        for n in [node.left, *node.comparators]:
            _check(n)
        return None
    if isinstance(node, ast.BoolOp):
        for n in node.values:
            _check(n)
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS:
        if node.keywords:
            raise FormulaError("keyword arguments are not allowed")
        for n in node.args:
            _check(n)
        return None
    raise FormulaError(f"not allowed in a formula: {ast.dump(node)[:80]}")


Program = Callable[[Callable[[str], Any]], Any]  # a compiled formula: lookup -> value (raises _Null)


@dataclass(frozen=True)
class Formula:
    """A compiled formula: its source text, syntax tree, the names it reads and its program."""

    source: str
    tree: ast.Expression
    names: tuple[str, ...]
    program: Program = field(compare=False, repr=False)

    def evaluate(self, lookup: Lookup) -> tuple[Any, str | None]:
        """(value, None) or (None, reason) when an operand is null or a denominator is 0."""
        get = lookup.get if isinstance(lookup, Mapping) else lookup
        try:
            return self.program(get), None
        except _Null as null:
            return None, null.reason


def _program(node: ast.AST) -> Program:
    """A checked syntax tree as nested closures, built once per formula: evaluating walks no tree.

    Operands are read left to right and the first null (or zero denominator) stops the evaluation
    with its reason; a chained comparison stops at its first false link."""
    name = _dotted(node)
    if name is not None:
        null = f"{name} is null"

        def read(get: Callable[[str], Any]) -> Any:
            value = get(name)
            if value is None:
                raise _Null(null)
            return value

        return read
    if isinstance(node, ast.Constant):
        constant = node.value
        return lambda get: constant
    if isinstance(node, ast.BinOp):
        left, right, op = _program(node.left), _program(node.right), _BIN[type(node.op)]
        if isinstance(node.op, ast.Div):
            zero = f"denominator {ast.unparse(node.right)} is 0"

            def divide(get: Callable[[str], Any]) -> Any:
                a, b = left(get), right(get)
                if b == 0:
                    raise _Null(zero)
                return op(a, b)

            return divide
        return lambda get: op(left(get), right(get))
    if isinstance(node, ast.UnaryOp):
        operand = _program(node.operand)
        return (lambda get: -operand(get)) if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Compare):
        first = _program(node.left)
        links = [(_CMP[type(op)], _program(comp)) for op, comp in zip(node.ops, node.comparators)]

        def compare(get: Callable[[str], Any]) -> bool:
            a = first(get)
            for op, comp in links:
                b = comp(get)
                if not op(a, b):
                    return False
                a = b
            return True

        return compare
    if isinstance(node, ast.BoolOp):
        values = [_program(v) for v in node.values]
        combine = all if isinstance(node.op, ast.And) else any
        return lambda get: combine([v(get) for v in values])  # every operand read, as written
    if isinstance(node, ast.Call):
        func, args = _FUNCS[node.func.id], [_program(a) for a in node.args]  # type: ignore[attr-defined]
        return lambda get: func(*[a(get) for a in args])
    raise FormulaError(f"not allowed in a formula: {ast.dump(node)[:80]}")


@lru_cache(maxsize=512)
def compile_formula(source: str) -> Formula:
    """Parse and check ``source``; raises :class:`FormulaError` for anything outside the subset."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"cannot parse formula {source!r}: {exc.msg}") from exc
    _check(tree)
    names = tuple(dict.fromkeys(_names(tree.body)))
    return Formula(source, tree, names, _program(tree.body))


def _names(node: ast.AST) -> list[str]:
    """The cell names a (checked) formula reads, in order; function names are not names."""
    name = _dotted(node)
    if name is not None:
        return [name]
    children = node.args if isinstance(node, ast.Call) else list(ast.iter_child_nodes(node))
    return [n for child in children for n in _names(child)]


def evaluate(source: str, lookup: Lookup) -> tuple[Any, str | None]:
    """Compile (cached) and evaluate ``source`` against ``lookup`` (a mapping or a function)."""
    return compile_formula(source).evaluate(lookup)


__all__ = ["Formula", "FormulaError", "compile_formula", "evaluate"]
