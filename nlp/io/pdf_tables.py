"""PDF page geometry: text lines from characters, and tables from visible ruling lines.

Kept apart from :mod:`nlp.io.pdf` (which assembles pages into the reference text) so each
module has one job. Coordinates are pdfplumber's: points, origin at the top-left of the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from nlp.io.cells import is_cjk, join_fragments

Box = tuple[float, float, float, float]  # x0, top, x1, bottom

# A gap wider than this many character sizes separates two cells of a borderless table row
# (prose lines, even fully justified ones, never have such gaps).
TAB_GAP_EM = 1.5
# A gap wider than this (in character sizes) between non-CJK characters is a space.
SPACE_GAP_EM = 0.2

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
    return out


def typical_char_size(chars: list[dict[str, Any]]) -> float:
    sizes = [c.get("size", 0.0) for c in chars if c["text"].strip()]
    return median(sizes) if sizes else 10.0
