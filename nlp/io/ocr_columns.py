"""Borderless tables on OCRed pages: value columns from the rows that show every value.

Without ruling lines a row's cells come from gaps between boxes, so a value the detector misses
(a lone "0") would shift the values after it one column left. The rows of a borderless table that
hold the most numbers fix the column positions (their x centres); a row with fewer numbers has each
placed at its nearest column, and each gap is read once more from the image (an empty gap stays an
empty cell, never a guessed 0).
"""
from __future__ import annotations

import itertools
from statistics import median
from typing import Any

from nlp.io.pdf_tables import Cell, TextLine
from nlp.text.numbers import is_cell_number
from nlp.text.width import fold_number_chars


def is_number(text: str) -> bool:
    """An OCRed cell holding a number, by the text grammar's table-cell rule ("1,024", "3.5", "12件")."""
    return bool(text) and is_cell_number(fold_number_chars(text))


MIN_VALUES = 3  # a row of a value table has at least this many numbers at its end


def _trailing(line: TextLine) -> int:
    n = 0
    for c in reversed(line.cells):
        if not is_number(c.text):
            break
        n += 1
    return n


def _centre(c: Cell) -> float:
    return (c.box[0] + c.box[2]) / 2


def _runs(lines: list[TextLine]) -> list[list[int]]:
    """Indices of the number rows of each table: consecutive, allowing two label lines between rows."""
    runs: list[list[int]] = []
    gap = 0
    for i, line in enumerate(lines):
        if _trailing(line) >= 2:
            if runs and gap <= 2:
                runs[-1].append(i)
            else:
                runs.append([i])
            gap = 0
        else:
            gap += 1
    return runs


def align_value_columns(lines: list[TextLine], scale: float, reread: Any) -> None:
    """Put the numbers of short borderless rows under their columns; re-read the gaps (in place)."""
    for run in _runs(lines):
        k = max(_trailing(lines[i]) for i in run)
        full = [lines[i] for i in run if _trailing(lines[i]) == k]
        if k < MIN_VALUES or len(full) < 2:
            continue
        centres = [median(_centre(line.cells[len(line.cells) - k + c]) for line in full) for c in range(k)]
        widths = [median(line.cells[len(line.cells) - k + c].box[2] - line.cells[len(line.cells) - k + c].box[0]
                         for line in full) for c in range(k)]
        pitch = min((b - a for a, b in itertools.pairwise(centres)), default=0.0)
        for i in run:
            line = lines[i]
            n = _trailing(line)
            if n == k:
                continue
            numbers = line.cells[len(line.cells) - n:]
            slots = [min(range(k), key=lambda c, x=_centre(cell): abs(centres[c] - x)) for cell in numbers]
            if slots != sorted(set(slots)) or any(abs(centres[s] - _centre(c)) > pitch / 2
                                                  for s, c in zip(slots, numbers)):
                continue  # not a clean fit: leave the row as read
            placed: list[Cell | None] = [None] * k
            for s, cell in zip(slots, numbers):
                placed[s] = cell
            top, bottom = line.box[1], line.box[3]
            gaps = [c for c in range(k) if placed[c] is None]
            parts = [((centres[c] - 0.8 * max(widths[c], pitch / 2)) * scale, top * scale,
                      (centres[c] + 0.8 * max(widths[c], pitch / 2)) * scale, bottom * scale) for c in gaps]
            found = {b.box: b for b in (reread(parts) if reread is not None and parts else [])}
            for c, part in zip(gaps, parts):
                b = found.get(part)
                box = tuple(round(v / scale, 2) for v in part)
                if b is not None and is_number(b.text):
                    placed[c] = Cell(b.text, box, conf=round(b.conf, 4))  # type: ignore[arg-type]
                else:
                    placed[c] = Cell("", box)  # type: ignore[arg-type]
            line.cells = [*line.cells[: len(line.cells) - n], *placed]  # type: ignore[list-item]
