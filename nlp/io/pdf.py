"""PDF reports (pdfplumber): reading-order text, statutory tables from ruling lines, no page furniture.

Output contract (see :class:`nlp.io.base.ReadResult`):

* body text one visual line per line (wrapped lines are *not* joined here; ``nlp.normalize``
  joins them), pages concatenated in order;
* page headers, footers and page numbers ("- 4 -", "第4页 共6页", "4/6") removed;
* tables drawn with visible ruling lines written one row per line, cells tab-separated, a merged
  cell's text once (empty cells for the rest of its span), multi-line and vertical one-character-
  per-line labels joined into one cell text; tables without rules fall back to the text layer,
  where gaps wider than 1.5 characters separate cells;
* ``extras``: ``pages``, ``page_starts`` (offset where each page's text begins), ``cell_boxes``
  ([start, end, page, x0, top, x1, bottom] per non-empty table cell, page 1-based, points from the
  top-left corner), ``tables`` (one record per ruled table), ``removed_lines`` (page furniture
  dropped), ``pages_without_text``, ``rotated_pages``.

Refused with ReadError naming the file: corrupt/encrypted files, no text layer (scanned), a text
layer whose fonts have no Unicode mapping, more pages or bytes than :class:`ReadLimits` allows.
Pages whose text runs sideways are read upright (text layer only, no ruled tables there).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from nlp.errors import ReadError
from nlp.io.base import ReadResult
from nlp.io.limits import DEFAULT_LIMITS, ReadLimits, check_file_size, check_pdf_streams
from nlp.io.pdf_tables import RuledTable, TextLine, find_ruled_tables, text_lines
from nlp.text.headings import CELL_ROW_MARK

SCANNED_MESSAGE = "no text layer: scanned PDF, OCR not supported"

# Page-number lines. Strict forms are recognised anywhere as a page's first/last line; a bare
# number only inside the top/bottom margin band.
_PAGE_NO_STRICT = re.compile(
    r"^(?:[-－—–~·]+\s*\d{1,4}\s*[-－—–~·]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_PAGE_NO_BARE = re.compile(r"^[-－—–~·\s]*\d{1,4}[-－—–~·\s]*$")
_DIGITS = re.compile(r"\d+")
_PUA = re.compile("[\ue000-\uf8ff]")
_MARGIN_TOP = 0.09  # fraction of the page height
_MARGIN_BOTTOM = 0.92


@dataclass
class _Page:
    number: int  # 1-based
    height: float
    items: list[TextLine | RuledTable] = field(default_factory=list)
    n_chars: int = 0
    n_images: int = 0
    rotated: bool = False
    n_unmapped: int = 0  # glyphs pdfminer cannot map to Unicode ("(cid:12)") or private-use code points


def _open(path: Path) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # pdfplumber wraps
        text = f"{type(inner).__name__}: {inner}"
        if "password" in text.lower() or "encrypt" in text.lower():
            raise ReadError(str(path), "encrypted PDF: a password is required") from exc
        raise ReadError(str(path), f"corrupt or unreadable PDF ({text})") from exc


def _upright(ch: dict[str, Any], width: float, height: float) -> dict[str, Any]:
    """Coordinates of a sideways character in a frame where its text runs left to right."""
    c = dict(ch)
    if (ch.get("matrix") or (0, -1))[1] < 0:  # glyphs run top to bottom, lines right to left
        c["x0"], c["x1"], c["top"], c["bottom"] = ch["top"], ch["bottom"], width - ch["x1"], width - ch["x0"]
    else:  # bottom to top, lines left to right
        c["x0"], c["x1"], c["top"], c["bottom"] = height - ch["bottom"], height - ch["top"], ch["x0"], ch["x1"]
    c["upright"] = True
    return c


def _layout_page(page: Any, number: int, limits: ReadLimits) -> _Page:
    page = page.dedupe_chars()  # drop the doubled glyphs of fake-bold text
    chars = [c for c in page.chars if c["text"]]
    out = _Page(number, float(page.height), n_chars=sum(1 for c in chars if c["text"].strip()),
                n_images=len(page.images),
                n_unmapped=sum(1 for c in chars if c["text"].startswith("(cid:") or _PUA.match(c["text"])))
    if not out.n_chars:
        return out
    if sum(1 for c in chars if not c.get("upright", True)) > len(chars) / 2:
        # text set sideways (a rotated page): turn the characters upright and read the text
        # layer; ruled-table geometry is not attempted on such pages
        chars = [_upright(c, float(page.width), float(page.height)) for c in chars]
        out.height, out.rotated = float(page.width), True
        tables, used = [], set()
    else:
        tables, used = find_ruled_tables(page, number, chars, limits.max_page_objects)
    lines = text_lines([c for c in chars if id(c) not in used], number)
    out.items = sorted([*lines, *tables], key=lambda it: (it.top, it.box[0]))
    return out


def _in_margin(line: TextLine, height: float) -> bool:
    return line.box[3] <= _MARGIN_TOP * height or line.box[1] >= _MARGIN_BOTTOM * height


def _remove_page_furniture(pages: list[_Page]) -> int:
    """Drop page numbers and headers/footers repeated in the margins; return how many lines went."""
    def key(line: TextLine) -> str:
        return _DIGITS.sub("#", line.text.replace(" ", ""))

    repeated: Counter[str] = Counter()
    for page in pages:
        keys = {key(it) for it in page.items
                if isinstance(it, TextLine) and len(it.cells) == 1 and _in_margin(it, page.height)}
        repeated.update(keys)
    min_pages = max(2, (len(pages) + 1) // 2)
    removed = 0
    for page in pages:
        lines = [it for it in page.items if isinstance(it, TextLine)]
        edge = {id(lines[0]), id(lines[-1])} if lines else set()
        kept: list[TextLine | RuledTable] = []
        for it in page.items:
            if isinstance(it, TextLine):
                text = it.text.strip()
                margin = _in_margin(it, page.height)
                if (_PAGE_NO_STRICT.match(text) and (margin or id(it) in edge)) or \
                        (margin and _PAGE_NO_BARE.match(text)) or \
                        (margin and len(it.cells) == 1 and len(pages) > 1 and repeated[key(it)] >= min_pages):
                    removed += 1
                    continue
            kept.append(it)
        page.items = kept
    return removed


_NUMBER = re.compile(r"^[-+]?\d[\d,]*(?:\.\d+)?$")


def _n_cols(table: RuledTable) -> int:
    return max((len(r) for r in table.rows), default=0)


def _join_split_labels(pages: list[_Page]) -> None:
    """A merged group label cut by a page break ("（四）无" | next page "法提供") becomes one cell.

    Only when the table continues at the top of the next page with the same columns, the piece
    on the new page is not a label of its own (no "（五）"/"1." mark), spans several rows there
    (it is a merged group cell) and is not a number. The cell keeps a box on each page.
    """
    for prev, nxt in pairwise(pages):
        if not prev.items or not nxt.items:
            continue
        a, b = prev.items[-1], nxt.items[0]
        if not (isinstance(a, RuledTable) and isinstance(b, RuledTable)) or _n_cols(a) != _n_cols(b):
            continue
        if len(b.rows) < 2 or not a.rows:
            continue
        first, second = b.rows[0], b.rows[1]
        for col, frag in enumerate(first):
            if frag is None or not frag.text or CELL_ROW_MARK.match(frag.text) or _NUMBER.match(frag.text):
                continue
            if col >= len(second) or second[col] is not None:
                continue
            origin = next((r[col] for r in reversed(a.rows) if col < len(r) and r[col] is not None), None)
            if origin is None or not origin.text or _NUMBER.match(origin.text):
                continue
            origin.tails.append((frag.text, b.page, frag.box))
            first[col] = None


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.cell_boxes: list[list[float | int]] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def row(self, cells: list[Any], page: int, record: bool) -> None:
        """Write one line of cells (``None`` = covered by a merged cell); trailing empties dropped."""
        while cells and (cells[-1] is None or not (cells[-1].text or cells[-1].tails)):
            cells = cells[:-1]
        if not cells:
            return
        for i, cell in enumerate(cells):
            if i:
                self.add("\t")
            if cell is None or not cell.text:
                continue
            start = self.pos
            self.add(cell.text)
            if record:
                self.cell_boxes.append([start, self.pos, page, *cell.box])
            for text, tail_page, box in cell.tails:  # the part of a cut cell on the next page
                start = self.pos
                self.add(text)
                if record:
                    self.cell_boxes.append([start, self.pos, tail_page, *box])
        self.add("\n")


def read_pdf_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> ReadResult:
    """Read a PDF report; raise ReadError (naming the file) when it is corrupt, scanned or too big."""
    path = Path(path)
    check_file_size(path, limits)
    check_pdf_streams(path, limits)
    pages: list[_Page] = []
    with _open(path) as pdf:
        try:
            n_pages = len(pdf.pages)
        except Exception as exc:
            raise ReadError(str(path), f"corrupt PDF: cannot read the page tree ({exc})") from exc
        if n_pages == 0:
            raise ReadError(str(path), "PDF has no pages")
        if n_pages > limits.max_pages:
            raise ReadError(str(path), f"too many pages ({n_pages} > limit {limits.max_pages})")
        file_dates = _info_dates(pdf)
        for i, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_layout_page(page, i, limits))
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(str(path), f"corrupt PDF: page {i} cannot be read "
                                f"({type(exc).__name__}: {exc})") from exc
            page.close()  # free the page's parsed objects as we go
    if sum(p.n_chars for p in pages) == 0:
        raise ReadError(str(path), SCANNED_MESSAGE)
    if sum(p.n_unmapped for p in pages) > 0.3 * sum(p.n_chars for p in pages):
        raise ReadError(str(path), "text layer cannot be decoded: its fonts have no Unicode mapping "
                        "(the text would be garbage; OCR not supported)")
    removed = _remove_page_furniture(pages)
    _join_split_labels(pages)

    w = _Writer()
    page_starts: list[int] = []
    tables: list[dict[str, Any]] = []
    for page in pages:
        page_starts.append(w.pos)
        for it in page.items:
            if isinstance(it, RuledTable):
                start = w.pos
                for row in it.rows:
                    w.row(row, page.number, record=True)
                tables.append({"page": page.number, "bbox": list(it.box), "start": start, "end": w.pos,
                               "n_rows": len(it.rows), "n_cols": max(len(r) for r in it.rows),
                               "method": "ruling"})
            else:
                # a line split at wide gaps is a row of a borderless table: keep its cell boxes
                w.row(list(it.cells), page.number, record=len(it.cells) > 1)
    text = "".join(w.parts)
    if len(text.strip()) < 10:
        raise ReadError(str(path), SCANNED_MESSAGE)
    extras = {
        "pages": len(pages),
        "page_starts": page_starts,
        "cell_boxes": w.cell_boxes,
        "tables": tables,
        "removed_lines": removed,
        "pages_without_text": [p.number for p in pages if p.n_chars == 0],
        # pages whose text runs sideways: read upright, boxes in that upright frame, no ruled tables
        "rotated_pages": [p.number for p in pages if p.rotated],
        "file_dates": file_dates,
    }
    return ReadResult(text=text, source=str(path), file_format="pdf", encoding=None, extras=extras)


def _info_dates(pdf: Any) -> dict[str, str]:
    """The info dict's CreationDate/ModDate as ISO dates ("D:20250225100250+08'00'" → 2025-02-25)."""
    out = {}
    try:
        info = pdf.metadata or {}
    except Exception:  # noqa: BLE001 - a damaged info dict must not stop the read
        return out
    for key in ("CreationDate", "ModDate"):
        m = re.match(r"D:(\d{4})(\d{2})(\d{2})", str(info.get(key) or ""))
        if m:
            out[f"pdf:{key}"] = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return out


def boxes_for_span(cell_boxes: list[list[Any]], start: int, end: int) -> list[dict[str, Any]]:
    """Page and bounding box of the PDF table cells overlapping text span [start, end).

    For table provenance: ``boxes_for_span(read.extras["cell_boxes"], cell_start, cell_end)``
    gives ``[{"page": 4, "bbox": [x0, top, x1, bottom]}]`` (two entries for a cell cut by a page
    break). ``cell_boxes`` is sorted by start offset, as the reader writes it.
    """
    from bisect import bisect_right

    i = max(bisect_right([b[0] for b in cell_boxes], start) - 1, 0)
    out = []
    for box in cell_boxes[i:]:
        if box[0] >= end:
            break
        if box[1] > start:
            out.append({"page": box[2], "bbox": list(box[3:7])})
    return out
