"""Recover cells that scraped web pages print with no separator ("801000081" = 80,1,0,0,0,0,81).

A digit string is split into the row's number of cells (no leading zeros except "0" itself);
the splits are filtered by the row's own identity (total = sum of parts), then, across rows,
by the column identities of the table. A row stays ambiguous when more than one split fits.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import product

MAX_DIGITS = 26  # beyond this the number of splits explodes; such a row is reported unreadable
MAX_COMBINATIONS = 50_000


def _splits(digits: str, parts: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """Every split of ``digits`` into ``parts`` pieces as (start, end) index pairs."""
    n = len(digits)
    if parts == 1:
        if n and (digits[0] != "0" or n == 1):
            yield ((0, n),)
        return
    max_first = n - (parts - 1)
    for cut in range(1, max_first + 1):
        if digits[0] == "0" and cut > 1:
            break
        for rest in _splits(digits[cut:], parts - 1):
            yield ((0, cut),) + tuple((s + cut, e + cut) for s, e in rest)


def split_candidates(strings: Sequence[str], ncols: int,
                     check: Callable[[tuple[int, ...]], bool] | None = None,
                     ) -> list[list[tuple[int, int, int]]]:
    """Candidate rows for digit strings that together hold ``ncols`` cells.

    Each candidate is a list of (string_index, start, end) spans, one per cell. Strings are
    kept in order and each holds at least one cell.
    """
    if sum(len(s) for s in strings) > MAX_DIGITS or sum(len(s) for s in strings) < ncols:
        return []
    out: list[list[tuple[int, int, int]]] = []

    def rec(i: int, remaining: int, acc: list[tuple[int, int, int]]) -> None:
        if i == len(strings):
            if remaining == 0:
                values = tuple(int(strings[k][s:e]) for k, s, e in acc)
                if check is None or check(values):
                    out.append(list(acc))
            return
        left = len(strings) - i - 1
        s = strings[i]
        for k in range(1, min(len(s), remaining - left) + 1):
            for spans in _splits(s, k):
                rec(i + 1, remaining - k, acc + [(i, a, b) for a, b in spans])

    rec(0, ncols, [])
    return out


def choose_combination(candidates: list[list[tuple[int, ...]]],
                       consistent: Callable[[list[tuple[int, ...]]], bool]) -> tuple[list[int], list[bool]]:
    """Pick one candidate index per row so that ``consistent`` holds for the whole table.

    Returns (choice per row, ambiguous per row): a row is ambiguous when the fitting combinations
    disagree on it, or when no combination fits (then each row's first candidate is used).
    """
    sizes = [len(c) for c in candidates]
    total = 1
    for s in sizes:
        total *= max(s, 1)
    if total > MAX_COMBINATIONS:
        return [0] * len(candidates), [s > 1 for s in sizes]
    fits: list[tuple[int, ...]] = []
    for choice in product(*(range(s) for s in sizes)):
        if consistent([candidates[r][c] for r, c in enumerate(choice)]):
            fits.append(choice)
            if len(fits) >= 64:
                break
    if not fits:
        return [0] * len(candidates), [s > 1 for s in sizes]
    first = fits[0]
    return list(first), [any(f[r] != first[r] for f in fits) for r in range(len(sizes))]
