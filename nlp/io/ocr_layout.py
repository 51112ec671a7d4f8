"""Page layout from OCR boxes: ruling lines found in the image, tables rebuilt on them, text lines.

Produces the same items as the text-layer PDF reader (:class:`~nlp.io.pdf_tables.TextLine` and
:class:`~nlp.io.pdf_tables.RuledTable`), so :mod:`nlp.io.pdf` writes scanned pages exactly as it
writes text pages (one table row per line, cells tab-separated) and the same table parsers read
them. Boxes are in pixels here and converted to points (``/ scale``) on output; every cell keeps
the OCR confidence of its weakest fragment.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.io.cells import join_fragments
from nlp.io.ocr_columns import align_value_columns, is_number
from nlp.io.pdf_tables import Cell, RuledTable, TextLine, merge_wrapped_labels

PixBox = tuple[float, float, float, float]  # x0, top, x1, bottom in pixels


@dataclass
class OcrBox:
    """One recognised text box: its text, pixel box and recognition confidence (0–1)."""

    text: str
    box: PixBox
    conf: float

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass
class Rules:
    """Ruling lines found in a page image: horizontal (y, x0, x1) and vertical (x, y0, y1), pixels."""

    horizontal: list[tuple[int, int, int]]
    vertical: list[tuple[int, int, int]]
    mask: np.ndarray  # uint8, 255 where a rule is drawn


def find_rules(gray: np.ndarray, cfg: dict[str, Any]) -> Rules:
    """Horizontal and vertical ruling lines: long thin runs of ink kept by a morphological opening."""
    import cv2

    h, w = gray.shape
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 15, 10)
    kh = max(20, int(w * cfg["rule_min_frac_h"]))
    kv = max(15, int(h * cfg["rule_min_frac_v"]))
    hmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    vmask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    horizontal, vertical = [], []
    for mask, out, is_h in ((hmask, horizontal, True), (vmask, vertical, False)):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for x, y, bw, bh, _area in stats[1:n]:
            if is_h and bw >= kh and bh <= max(6, h // 150):
                out.append((int(y + bh // 2), int(x), int(x + bw)))
            elif not is_h and bh >= kv and bw <= max(6, w // 150):
                out.append((int(x + bw // 2), int(y), int(y + bh)))
    mask = cv2.dilate(cv2.bitwise_or(hmask, vmask), np.ones((3, 3), np.uint8))
    return Rules(sorted(horizontal), sorted(vertical), mask)


def _cluster(values: list[int], tol: int) -> list[int]:
    """Positions closer than ``tol`` merged into their mean (a rule drawn 2–3 px thick, or antialiased)."""
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(g) / len(g)) for g in out]


def table_regions(rules: Rules, cfg: dict[str, Any]) -> list[tuple[int, int, int, int]]:
    """Boxes of ruled tables: groups of touching horizontal and vertical rules with enough of each."""
    import cv2

    n, _labels, stats, _ = cv2.connectedComponentsWithStats(rules.mask, connectivity=8)
    regions = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        box = (int(x), int(y), int(x + bw), int(y + bh))
        nh = sum(1 for yy, x0, x1 in rules.horizontal if box[1] - 3 <= yy <= box[3] + 3 and x0 >= box[0] - 3
                 and x1 <= box[2] + 3)
        nv = sum(1 for xx, y0, y1 in rules.vertical if box[0] - 3 <= xx <= box[2] + 3 and y0 >= box[1] - 3
                 and y1 <= box[3] + 3)
        if nh >= cfg["table_min_rules"] and nv >= cfg["table_min_rules"]:
            regions.append(box)
    return sorted(regions, key=lambda b: (b[1], b[0]))


def _inside(b: OcrBox, region: tuple[int, int, int, int]) -> bool:
    return region[0] <= b.cx <= region[2] and region[1] <= b.cy <= region[3]


def _to_points(box: PixBox, scale: float) -> tuple[float, float, float, float]:
    return tuple(round(v / scale, 2) for v in box)  # type: ignore[return-value]


def _union(boxes: list[OcrBox]) -> PixBox:
    return (min(b.box[0] for b in boxes), min(b.box[1] for b in boxes),
            max(b.box[2] for b in boxes), max(b.box[3] for b in boxes))


def group_lines(boxes: list[OcrBox], overlap: float) -> list[list[OcrBox]]:
    """Boxes into visual lines (top to bottom), each left to right: a box joins the line it overlaps
    vertically by at least ``overlap`` of the smaller height."""
    lines: list[list[OcrBox]] = []
    spans: list[tuple[float, float]] = []
    for b in sorted(boxes, key=lambda b: (b.cy, b.box[0])):
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):  # the last few lines only
            top, bottom = spans[i]
            ov = min(bottom, b.box[3]) - max(top, b.box[1])
            if ov >= overlap * min(bottom - top, b.height):
                lines[i].append(b)
                spans[i] = (min(top, b.box[1]), max(bottom, b.box[3]))
                break
        else:
            lines.append([b])
            spans.append((b.box[1], b.box[3]))
    order = sorted(range(len(lines)), key=lambda i: spans[i][0])
    return [sorted(lines[i], key=lambda b: b.box[0]) for i in order]


def _cell(fragments: list[OcrBox], scale: float) -> Cell:
    text = join_fragments([" ".join(b.text for b in line) for line in group_lines(fragments, 0.5)])
    return Cell(text, _to_points(_union(fragments), scale), conf=round(min(b.conf for b in fragments), 4))


class _Grid:
    """Row and column positions of a ruled table, and which rules are actually drawn where."""

    def __init__(self, rules: Rules, region: tuple[int, int, int, int], tol: int = 6):
        x0, y0, x1, y1 = region
        self.h = [(y, a, b) for y, a, b in rules.horizontal if y0 - 3 <= y <= y1 + 3 and a >= x0 - 3 and b <= x1 + 3]
        self.v = [(x, a, b) for x, a, b in rules.vertical if x0 - 3 <= x <= x1 + 3 and a >= y0 - 3 and b <= y1 + 3]
        self.tol = tol
        self.h += self._closing_rules()
        self.ys = _cluster([y for y, _, _ in self.h], tol)
        self.xs = _cluster([x for x, _, _ in self.v], tol)

    def _closing_rules(self) -> list[tuple[int, int, int]]:
        """Horizontal rules a table cut by a page break does not draw: where two or more vertical
        rules end together below the last (or above the first) horizontal rule, close the grid there
        so the last row is a row of its own (as the text-layer reader's ``closing_edges``)."""
        if not self.h:
            return []
        out = []
        lowest, highest = max(y for y, _, _ in self.h), min(y for y, _, _ in self.h)
        for end, beyond in ((max(b for _, _, b in self.v), lambda y: y > lowest + 2 * self.tol),
                            (min(a for _, a, _ in self.v), lambda y: y < highest - 2 * self.tol)):
            if not beyond(end):
                continue
            xs = [x for x, a, b in self.v if abs((b if end > lowest else a) - end) <= self.tol]
            if len(xs) >= 2:
                out.append((end, min(xs), max(xs)))
        return out

    def _drawn_h(self, y: float, x: float) -> bool:
        return any(abs(yy - y) <= self.tol and a - self.tol <= x <= b + self.tol for yy, a, b in self.h)

    def _drawn_v(self, x: float, y: float) -> bool:
        return any(abs(xx - x) <= self.tol and a - self.tol <= y <= b + self.tol for xx, a, b in self.v)

    def slot(self, x: float, y: float) -> tuple[int, int]:
        """The top-left slot of the (possibly merged) cell holding point (x, y).

        A merged cell is recognised by the rules missing inside it, so its text goes to the first
        row and column it spans, as pdfplumber places merged cells of text PDFs.
        """
        row = max(0, min(len(self.ys) - 2, sum(1 for yy in self.ys[1:-1] if y >= yy)))
        col = max(0, min(len(self.xs) - 2, sum(1 for xx in self.xs[1:-1] if x >= xx)))
        moved = True
        while moved:
            moved = False
            mid_y = (self.ys[row] + self.ys[row + 1]) / 2
            mid_x = (self.xs[col] + self.xs[col + 1]) / 2
            if col > 0 and not self._drawn_v(self.xs[col], mid_y):
                col, moved = col - 1, True
            if row > 0 and not self._drawn_h(self.ys[row], mid_x):
                row, moved = row - 1, True
        return row, col

    def cuts(self, b: OcrBox) -> list[float]:
        """x positions of vertical rules drawn across the middle of box ``b`` (OCR joined two cells)."""
        return [x for x in self.xs[1:-1] if b.box[0] + 4 < x < b.box[2] - 4 and self._drawn_v(x, b.cy)]


def _fill_missed_numbers(slots: dict[tuple[int, int], list[OcrBox]], grid: _Grid, reread: Any) -> None:
    """Read the empty slots of number rows once more: the detector misses lone small digits ("0")
    pressed against a cell border. A slot with no ink stays empty (a blank cell is not a 0)."""
    n_cols, n_rows = len(grid.xs) - 1, len(grid.ys) - 1

    def number(r: int, c: int) -> bool:
        return any(is_number(b.text) for b in slots.get((r, c), []))

    # the block of value columns: from the first number of any row holding two numbers or more to
    # the right edge; rows that hold a number there are filled
    starts = [cols[0] for r in range(n_rows) if len(cols := [c for c in range(n_cols) if number(r, c)]) >= 2]
    if not starts:
        return
    first = min(starts)
    columns = list(range(first, n_cols))
    todo: list[tuple[int, int]] = []
    for r in range(n_rows):
        if not any(number(r, c) for c in columns):
            continue
        todo += [(r, c) for c in columns if (r, c) not in slots
                 and grid.slot((grid.xs[c] + grid.xs[c + 1]) / 2, (grid.ys[r] + grid.ys[r + 1]) / 2) == (r, c)]
    if not todo:
        return
    parts = [(grid.xs[c] + 4, grid.ys[r] + 4, grid.xs[c + 1] - 4, grid.ys[r + 1] - 4) for r, c in todo]
    found = {p: b for b in reread(parts) for p in [b.box]}
    for (r, c), part in zip(todo, parts):
        b = found.get(part)
        if b is not None and is_number(b.text):
            slots[(r, c)] = [b]


def build_table(boxes: list[OcrBox], rules: Rules, region: tuple[int, int, int, int], page: int,
                scale: float, reread: Any = None) -> RuledTable | None:
    """A grid on the table's rules: rows between horizontal rules, columns between vertical rules.

    Each box goes to the merged cell holding its centre; fragments of one cell (a wrapped label)
    are joined in reading order. A box that crosses a drawn vertical rule (the detector joined text
    of neighbouring narrow cells) is cut at the rule and its pieces re-read by ``reread``.
    """
    grid_ = _Grid(rules, region)
    ys, xs = grid_.ys, grid_.xs
    if len(ys) < 2 or len(xs) < 2:
        return None
    pieces: list[OcrBox] = []
    for b in boxes:
        cuts = grid_.cuts(b) if reread is not None else []
        if cuts:
            edges = [b.box[0], *cuts, b.box[2]]
            parts = [(a + 2, b.box[1], c - 2, b.box[3]) for a, c in itertools.pairwise(edges) if c - a > 6]
            pieces += [p for p in reread(parts) if p.text]
        else:
            pieces.append(b)
    slots: dict[tuple[int, int], list[OcrBox]] = {}
    for b in pieces:
        slots.setdefault(grid_.slot(b.cx, b.cy), []).append(b)
    if reread is not None:
        _fill_missed_numbers(slots, grid_, reread)
    grid: list[list[Cell | None]] = []
    for r in range(len(ys) - 1):
        grid.append([_cell(slots[(r, c)], scale) if (r, c) in slots else None for c in range(len(xs) - 1)])
    filled = sum(1 for row in grid if sum(1 for c in row if c is not None) >= 2)
    if filled < 2:
        return None
    x0, y0, x1, y1 = region
    return RuledTable(page, _to_points((x0, y0, x1, y1), scale), grid)


_NUMBER_RUN = re.compile(r"\d[\d,.]*(?: +\d[\d,.]*)+")


def _split_number_runs(boxes: list[OcrBox]) -> list[OcrBox]:
    """Borderless tables: the detector joins neighbouring value cells into one box ("0 0 0 95");
    split such a box into one box per number, each with its share of the width."""
    out = []
    for b in boxes:
        if not _NUMBER_RUN.fullmatch(b.text):
            out.append(b)
            continue
        tokens = b.text.split()
        unit = (b.box[2] - b.box[0]) / max(len(b.text), 1)
        pos = 0
        for tok in tokens:
            start = b.text.index(tok, pos)
            pos = start + len(tok)
            out.append(OcrBox(tok, (b.box[0] + start * unit, b.box[1], b.box[0] + pos * unit, b.box[3]), b.conf))
    return out


def text_lines(boxes: list[OcrBox], page: int, scale: float, cfg: dict[str, Any]) -> list[TextLine]:
    """Visual lines outside ruled tables; a gap wider than ``cell_gap_em`` line heights splits cells.

    A box much taller than the body text (a vertical label beside a borderless table) is a line of
    its own: grouped with the others it would pull several table rows into one line.
    """
    boxes = _split_number_runs(boxes)
    if boxes:
        typical = sorted(b.height for b in boxes)[len(boxes) // 2]
        tall = [b for b in boxes if b.height > 2.5 * typical]
        boxes = [b for b in boxes if b.height <= 2.5 * typical]
    else:
        tall = []
    out = [TextLine(page, _to_points(b.box, scale), [Cell(b.text, _to_points(b.box, scale), conf=round(b.conf, 4))])
           for b in tall]
    for line in group_lines(boxes, cfg["line_overlap"]):
        height = max(b.height for b in line)
        groups: list[list[OcrBox]] = [[line[0]]]
        for prev, b in itertools.pairwise(line):
            gap = b.box[0] - prev.box[2]
            # two numbers side by side are two cells (a borderless table row), whatever the gap
            number_cell = is_number(b.text) and (is_number(prev.text) or gap > 0.5 * height)
            if gap > cfg["cell_gap_em"] * height or number_cell:
                groups.append([])
            groups[-1].append(b)
        cells = [Cell(join_fragments([b.text for b in g]), _to_points(_union(g), scale),
                      conf=round(min(b.conf for b in g), 4)) for g in groups]
        out.append(TextLine(page, _to_points(_union(line), scale), cells))
    return merge_wrapped_labels(sorted(out, key=lambda t: (t.box[1], t.box[0])))


def layout_page(boxes: list[OcrBox], rules: Rules, page: int, scale: float,
                cfg: dict[str, Any], reread: Any = None) -> list[TextLine | RuledTable]:
    """Tables and text lines of one OCRed page, in reading order (top to bottom)."""
    items: list[TextLine | RuledTable] = []
    rest = list(boxes)
    for region in table_regions(rules, cfg):
        inside = [b for b in rest if _inside(b, region)]
        table = build_table(inside, rules, region, page, scale, reread)
        if table is not None:
            items.append(table)
            rest = [b for b in rest if not _inside(b, region)]
    lines = text_lines(rest, page, scale, cfg)
    align_value_columns(lines, scale, reread)  # borderless tables: values under their columns
    items += lines
    return sorted(items, key=lambda it: (it.top, it.box[0]))
