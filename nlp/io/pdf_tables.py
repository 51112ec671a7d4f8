"""PDF page geometry: text lines from characters, and tables from visible ruling lines.

Kept apart from :mod:`nlp.io.pdf` (which assembles pages into the reference text) so each
module has one job. Coordinates are pdfplumber's: points, origin at the top-left of the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from nlp.io.cells import is_cjk, join_fragments

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

# A gap wider than this many character sizes separates two cells of a borderless table row
# (prose lines, even fully justified ones, never have such gaps).
TAB_GAP_EM = 1.5
# A gap wider than this (in character sizes) between non-CJK characters is a space.
SPACE_GAP_EM = 0.1

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}


@dataclass
class Cell:
    text: str
    box: Box
    # continuation of the cell on the next page: (text, page, box) — a merged label cut by a page break
    tails: list[tuple[str, int, Box]] = field(default_factory=list)
    conf: float | None = None  # OCR recognition confidence (scanned pages only)


@dataclass
class TextLine:
    """One visual line outside any ruled table; ``cells`` has several entries when big gaps split it."""

    page: int
    box: Box
    cells: list[Cell]

    @property
    def top(self) -> float:
        return self.box[1]

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)


@dataclass
class RuledTable:
    """A table found from ruling lines; ``rows`` is a grid, ``None`` where a merged cell continues."""

    page: int
    box: Box
    rows: list[list[Cell | None]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.box[1]


def _is_white(color: Any) -> bool:
    if isinstance(color, (int, float)):
        return color >= 0.95
    if isinstance(color, (tuple, list)) and color and all(isinstance(v, (int, float)) for v in color):
        if len(color) == 4:  # CMYK: white is no ink
            return all(v <= 0.05 for v in color)
        return all(v >= 0.95 for v in color)
    return False


def is_visible_rule(obj: dict[str, Any]) -> bool:
    """True for drawing objects a reader would see as a ruling line.

    Word/WPS exports often put invisible white-filled rectangles behind every text line; their
    edges must not become table borders (they turn body paragraphs into one-column "tables").
    """
    kind = obj.get("object_type")
    if kind not in ("line", "rect", "curve"):
        return True
    stroked = bool(obj.get("stroke", kind == "line")) and not _is_white(obj.get("stroking_color"))
    if kind in ("line", "curve"):
        return stroked
    if stroked and (obj.get("linewidth") or 0) > 0.1:
        return True
    thin = min(obj.get("width", 0), obj.get("height", 0)) <= 2.0
    return bool(obj.get("fill")) and thin and not _is_white(obj.get("non_stroking_color"))


def group_lines(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Cluster characters into visual lines (top to bottom), each sorted left to right."""
    items = sorted(chars, key=lambda c: ((c["top"] + c["bottom"]) / 2, c["x0"]))
    lines: list[list[dict[str, Any]]] = []
    centre = height = 0.0
    for ch in items:
        c = (ch["top"] + ch["bottom"]) / 2
        h = max(ch["bottom"] - ch["top"], 1.0)
        if lines and abs(c - centre) <= 0.45 * max(h, height):
            lines[-1].append(ch)
            continue
        lines.append([ch])
        centre, height = c, h
    return [sorted(line, key=lambda ch: ch["x0"]) for line in lines]


def _box(chars: list[dict[str, Any]]) -> Box:
    return (
        round(min(c["x0"] for c in chars), 2),
        round(min(c["top"] for c in chars), 2),
        round(max(c["x1"] for c in chars), 2),
        round(max(c["bottom"] for c in chars), 2),
    )


def split_line(chars: list[dict[str, Any]], *, allow_tabs: bool = True) -> list[Cell]:
    """Text of one visual line; split into cells at gaps wider than TAB_GAP_EM (if allowed)."""
    groups: list[list[dict[str, Any]]] = [[]]
    texts: list[str] = [""]
    prev = None
    pending_space = False
    for ch in chars:
        t = ch["text"]
        if not t.strip():  # explicit blank characters only mark a gap
            pending_space = True
            continue
        if prev is not None:
            size = max(prev.get("size", 10.0), ch.get("size", 10.0), 1.0)
            gap = ch["x0"] - prev["x1"]
            if allow_tabs and gap > TAB_GAP_EM * size:
                groups.append([])
                texts.append("")
            elif (pending_space or gap > SPACE_GAP_EM * size) and not (is_cjk(prev["text"][-1]) and is_cjk(t[0])):
                texts[-1] += " "
        groups[-1].append(ch)
        texts[-1] += t
        prev = ch
        pending_space = False
    return [Cell(text.strip(), _box(g)) for text, g in zip(texts, groups) if g]


def cell_text(chars: list[dict[str, Any]]) -> str:
    """Text of a table cell: its lines joined (vertical labels and wrapped labels become one string)."""
    lines = group_lines(chars)
    return join_fragments([" ".join(c.text for c in split_line(line, allow_tabs=False)) for line in lines])


def _inside(ch: dict[str, Any], box: Box) -> bool:
    cx = (ch["x0"] + ch["x1"]) / 2
    cy = (ch["top"] + ch["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def closing_edges(edges: list[dict[str, Any]], tol: float = 2.0) -> list[dict[str, Any]]:
    """Horizontal rules closing tables whose top or bottom border is not drawn.

    A table broken by a page break often lacks its bottom (or top) border: the vertical rules
    simply stop. Where two or more vertical rules end at the same height, draw the missing
    horizontal rule across them so the last row still forms cells.
    """
    ends: list[tuple[float, float]] = []  # (y, x)
    for e in edges:
        if e.get("orientation") == "v" and e["bottom"] - e["top"] > 3:
            ends.append((e["top"], e["x0"]))
            ends.append((e["bottom"], e["x0"]))
    ends.sort()
    out: list[dict[str, Any]] = []
    i = 0
    while i < len(ends):
        j = i
        while j + 1 < len(ends) and ends[j + 1][0] - ends[i][0] <= tol:
            j += 1
        if j > i:
            xs = [x for _, x in ends[i:j + 1]]
            y = ends[i][0]
            x0, x1 = min(xs), max(xs)
            if x1 - x0 > 3:
                out.append({"object_type": "line", "x0": x0, "x1": x1, "top": y, "bottom": y,
                            "width": x1 - x0, "height": 0.0, "orientation": "h"})
        i = j + 1
    return out


def _place_orphans(grid: list[list[Cell | None]], found: Any, orphans: list[dict[str, Any]]) -> None:
    """Put characters that fell outside every detected cell (a border the PDF does not draw) into
    the grid slot under them; a run of empty slots in one column is treated as one merged cell
    whose text goes to its first row, as pdfplumber does for real merged cells."""
    xs = sorted({c[0] for c in found.cells}) + [found.bbox[2]]
    row_boxes = [r.bbox for r in found.rows]
    slots: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for ch in orphans:
        cx, cy = (ch["x0"] + ch["x1"]) / 2, (ch["top"] + ch["bottom"]) / 2
        col = max(0, min(len(xs) - 2, sum(1 for x in xs[1:-1] if cx >= x)))
        row = next((i for i, b in enumerate(row_boxes) if b[1] <= cy <= b[3]), None)
        if row is None:
            row = min(range(len(row_boxes)), key=lambda i: abs((row_boxes[i][1] + row_boxes[i][3]) / 2 - cy))
        if grid[row][col] is None:  # walk up to the first row of the run of empty slots
            while row > 0 and grid[row - 1][col] is None:
                row -= 1
        slots.setdefault((row, col), []).append(ch)
    for (row, col), chs in slots.items():
        text = cell_text(chs)
        old = grid[row][col]
        if old is None:
            grid[row][col] = Cell(text, _box(chs))
        else:
            merged = join_fragments([old.text, text])
            b = _box(chs)
            grid[row][col] = Cell(merged, (min(old.box[0], b[0]), min(old.box[1], b[1]),
                                           max(old.box[2], b[2]), max(old.box[3], b[3])))


def find_ruled_tables(page: Any, page_no: int, chars: list[dict[str, Any]],
                      max_objects: int) -> tuple[list[RuledTable], set[int]]:
    """Tables drawn with visible ruling lines on ``page`` (a pdfplumber page).

    Returns the tables and the ids of the characters they consumed. A candidate needs at least
    two columns and two rows with two filled cells; anything less is a framed paragraph or a box.
    """
    n_objects = len(page.lines) + len(page.rects) + len(page.curves)
    if n_objects == 0 or n_objects > max_objects:
        return [], set()
    ruled = page.filter(is_visible_rule)
    settings = dict(TABLE_SETTINGS, explicit_horizontal_lines=closing_edges(ruled.edges))
    tables: list[RuledTable] = []
    used: set[int] = set()
    for found in ruled.find_tables(settings):
        grid: list[list[Cell | None]] = []
        consumed: set[int] = set()
        for row in found.rows:
            out_row: list[Cell | None] = []
            for bbox in row.cells:
                if bbox is None:
                    out_row.append(None)
                    continue
                box = tuple(round(v, 2) for v in bbox)
                inside = [ch for ch in chars if id(ch) not in consumed and _inside(ch, box)]
                consumed.update(id(ch) for ch in inside)
                out_row.append(Cell(cell_text(inside), box))  # type: ignore[arg-type]
            grid.append(out_row)
        tbox = tuple(found.bbox)
        orphans = [ch for ch in chars if id(ch) not in consumed and _inside(ch, tbox)]  # type: ignore[arg-type]
        if orphans:
            _place_orphans(grid, found, orphans)
            consumed.update(id(ch) for ch in orphans)
        filled_rows = sum(1 for r in grid if sum(1 for c in r if c is not None and c.text) >= 2)
        n_cols = max((len(r) for r in grid), default=0)
        if n_cols < 2 or filled_rows < 2:
            continue
        tables.append(RuledTable(page_no, tuple(round(v, 2) for v in found.bbox), grid))  # type: ignore[arg-type]
        used |= consumed
    return tables, used


def text_lines(chars: list[dict[str, Any]], page_no: int) -> list[TextLine]:
    """Visual lines built from ``chars`` (characters outside ruled tables)."""
    out = []
    for line in group_lines(chars):
        cells = [c for c in split_line(line) if c.text]
        if cells:
            out.append(TextLine(page_no, _box(line), cells))
    return merge_wrapped_labels(out)


_NUMERIC = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?%?$")


def _is_numeric_cell(text: str) -> bool:
    return bool(_NUMERIC.match(text.replace(" ", "")))


def _label_fragment(line: TextLine, row: TextLine, above: bool) -> bool:
    """``line`` is a wrapped piece of ``row``'s label: a lone text line left of the numbers, set tight."""
    if len(line.cells) != 1 or _is_numeric_cell(line.cells[0].text):
        return False
    first_num = next(c for c in row.cells if _is_numeric_cell(c.text))
    if line.box[2] >= first_num.box[0]:
        return False
    height = row.box[3] - row.box[1]
    gap = row.box[1] - line.box[3] if above else line.box[1] - row.box[3]
    if not (-0.75 * height <= gap <= 0.5 * height and abs((line.box[3] - line.box[1]) - height) <= 0.3 * height):
        return False
    k = row.cells.index(first_num)
    label = row.cells[k - 1] if k > 0 else None
    # a wrapped label starts at the same left edge as its other lines (not a vertical label beside it)
    return label is None or abs(line.box[0] - label.box[0]) <= height


def merge_wrapped_labels(lines: list[TextLine]) -> list[TextLine]:
    """Borderless tables: join a row label wrapped over several lines with the line holding its numbers.

    In the text layer a cell's numbers sit on the label's middle line ("（二）部分公开（…情" /
    "1 0 0 0 0 0 1" / "形）"); a lone text line set tight above or below a row of numbers, and
    entirely left of them, is a piece of that row's label.
    """
    out = list(lines)
    i = 0
    while i < len(out):
        row = out[i]
        n_num = 0
        for c in reversed(row.cells):
            if not _is_numeric_cell(c.text):
                break
            n_num += 1
        if n_num < 3:
            i += 1
            continue
        label, nums = row.cells[: len(row.cells) - n_num], row.cells[len(row.cells) - n_num:]
        above = i > 0 and _label_fragment(out[i - 1], row, above=True)
        below = i + 1 < len(out) and _label_fragment(out[i + 1], row, above=False)
        if not (above or below):
            i += 1
            continue
        if above and below and abs(out[i - 1].box[0] - out[i + 1].box[0]) > row.box[3] - row.box[1]:
            below = False
        pieces = ([out[i - 1].cells[0]] if above else []) + label[-1:] + ([out[i + 1].cells[0]] if below else [])
        lbox = (min(c.box[0] for c in pieces), min(c.box[1] for c in pieces),
                max(c.box[2] for c in pieces), max(c.box[3] for c in pieces))
        merged = TextLine(row.page, (min(lbox[0], row.box[0]), min(lbox[1], row.box[1]), row.box[2],
                                     max(lbox[3], row.box[3])),
                          [*label[:-1], Cell(join_fragments([c.text for c in pieces]), lbox), *nums])
        start = i - 1 if above else i
        out[start:i + 2 if below else i + 1] = [merged]
        i = start + 1
    return out


def typical_char_size(chars: list[dict[str, Any]]) -> float:
    sizes = [c.get("size", 0.0) for c in chars if c["text"].strip()]
    return median(sizes) if sizes else 10.0
