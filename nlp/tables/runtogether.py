"""Recover cells that scraped web pages print with no separator ("801000081" = 80,1,0,0,0,0,81).

A digit string is split into the row's number of cells (no leading zeros except "0" itself);
the splits are filtered by the row's own identity (total = sum of parts), then, across rows,
by the column identities of the table. A row stays ambiguous when more than one split fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import product

MAX_DIGITS = 26  # beyond this the number of splits explodes; such a row is reported unreadable


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


def split_candidates(
    strings: Sequence[str],
    ncols: int,
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


MAX_STATES = 200_000
MAX_PATHS = 8


def resolve_sum_table(
    options: dict[str, list[tuple[int, ...]]],
    fixed: dict[str, tuple[int | None, ...]],
    parts: list[str],
    total: str,
    inflow: tuple[str, str],
    outflow: str,
) -> dict[str, list[int]]:
    """Choose a split for each run-together row of table 三 with the identities A2 and A1.

    ``options``: row -> candidate value tuples (rows with several splits); ``fixed``: row -> values
    (None = unknown) of the other rows; ``parts`` sum to ``total`` (A2) and
    inflow[0] + inflow[1] = total + outflow (A1). A dynamic programme over the part rows keyed by
    their partial column sums keeps this linear in practice. Returns row -> the indices of its
    options that take part in at least one assignment satisfying both identities (all of them when
    none does, or when paths to a fitting state were dropped: then nothing is decided).
    """
    ncols = len(next(iter(options.values()))[0])

    def known(row: str, c: int) -> bool:
        return row in options or (fixed.get(row) is not None and fixed[row][c] is not None)

    a2_cols = [c for c in range(ncols) if all(known(r, c) for r in parts + [total])]
    a1_cols = [c for c in range(ncols) if all(known(r, c) for r in (*inflow, total, outflow))]
    base = [sum(fixed[r][c] for r in parts if r not in options and fixed.get(r)) for c in a2_cols]
    states: dict[tuple[int, ...], list[tuple[int, ...]]] = {tuple(base): [()]}
    every = {r: list(range(len(options[r]))) for r in options}
    dropped: set[tuple[int, ...]] = set()  # states some of whose paths were dropped (MAX_PATHS)
    amb_parts = [r for r in parts if r in options]
    for r in amb_parts:
        new: dict[tuple[int, ...], list[tuple[int, ...]]] = {}
        new_dropped: set[tuple[int, ...]] = set()
        for vec, paths in states.items():
            for i, cand in enumerate(options[r]):
                key = tuple(v + cand[c] for v, c in zip(vec, a2_cols))
                bucket = new.setdefault(key, [])
                if vec in dropped:
                    new_dropped.add(key)
                for p in paths:
                    if len(bucket) < MAX_PATHS:
                        bucket.append(p + (i,))
                    else:
                        new_dropped.add(key)
        states, dropped = new, new_dropped
        if len(states) > MAX_STATES:
            return every
    outer = [r for r in (*inflow, total, outflow) if r in options]
    fits: list[dict[str, int]] = []
    for choice in product(*(range(len(options[r])) for r in outer)):
        pick = dict(zip(outer, choice))

        def val(row: str, c: int, pick: dict[str, int] = pick) -> int:
            return options[row][pick[row]][c] if row in pick else fixed[row][c]

        if any(val(inflow[0], c) + val(inflow[1], c) != val(total, c) + val(outflow, c) for c in a1_cols):
            continue
        need = tuple(val(total, c) for c in a2_cols)
        if need in dropped:
            return every
        for path in states.get(need, []):
            fits.append({**pick, **dict(zip(amb_parts, path))})
            if len(fits) >= 64:
                break
        if len(fits) >= 64:
            break
    if not fits or len(fits) >= 64:
        # Nothing fits (the source is inconsistent) or some fits were dropped: decide nothing.
        return every
    return {r: sorted({f[r] for f in fits}) for r in options}


def group_candidates(
    strings: Sequence[str], groups: Sequence[int], max_len: int = 7, limit: int = 256
) -> list[list[tuple[int, int, int]]]:
    """Splits of digit strings into consecutive groups whose last cell is the sum of the others.

    ``groups`` gives the group sizes (table 三 row: [7]; table 四: [5, 5, 5]). The sum fixes the
    last cell of each group, which prunes the search to the splits of the other cells.
    Returns candidates as (string_index, start, end) spans like :func:`split_candidates`.
    """
    s = "".join(strings)
    n = len(s)
    starts, pos = [], 0
    for t in strings:
        starts.append(pos)
        pos += len(t)
    bounds = set(starts[1:])
    need = sum(groups)
    out: list[list[tuple[int, int]]] = []

    def ok(a: int, b: int) -> bool:
        return not (s[a] == "0" and b - a > 1) and not any(a < x < b for x in bounds)

    def group(p: int, gi: int, acc: list[tuple[int, int]]) -> None:
        if len(out) >= limit:
            return
        if gi == len(groups):
            if p == n:
                out.append(list(acc))
            return
        size = groups[gi]

        def cells(q: int, k: int, parts: list[tuple[int, int]], running: int) -> None:
            left = need - len(acc) - len(parts)
            # The group's sum still has to fit in what is left after the remaining cells.
            if n - q < left or len(str(running)) > n - q - (left - 1):
                return
            if k == size - 1:
                t = str(running)
                e = q + len(t)
                if s[q:e] == t and ok(q, e):
                    group(e, gi + 1, acc + parts + [(q, e)])
                return
            for length in range(1, max_len + 1):
                e = q + length
                if e > n or not ok(q, e):
                    break
                cells(e, k + 1, parts + [(q, e)], running + int(s[q:e]))

        cells(p, 0, [], 0)

    group(0, 0, [])
    result = []
    for spans in out:
        row = []
        for a, b in spans:
            k = max(i for i, st in enumerate(starts) if st <= a)
            row.append((k, a - starts[k], b - starts[k]))
        result.append(row)
    return result
