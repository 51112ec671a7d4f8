"""DOCX reports (python-docx): paragraphs and Word tables in body order, headings on their own lines.

* Paragraphs one per line (manual line breaks kept); tabs inside a paragraph collapse to one tab,
  so tab-aligned pseudo-tables read like borderless table rows.
* Tables one row per line, cells tab-separated. A merged cell's text appears once: a horizontal
  span (gridSpan) writes its text then empty cells for the rest of the span, a vertical merge
  (vMerge continue) writes an empty cell, so every row keeps the grid's column positions. A
  cell's paragraphs are joined (vertical one-character-per-line labels become one string).
* A heading typed as a bold run at the start of a paragraph ("一、总体情况" in bold followed by
  body text) is split onto its own line; ``extras["headings"]`` lists headings found from
  styles, outline levels or bold formatting.
* Word's automatic list numbers ("一、", "（一）", "1.") are rendered (:mod:`nlp.io.docx_numbering`);
  table-of-contents entries are skipped; a one-column table framing the whole body is read as body.
* Page headers/footers, footnotes, comments, text boxes and drawings are not read.
* The archive is checked against zip-bomb limits before any XML is parsed.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from nlp.errors import ReadError
from nlp.io.base import ReadResult
from nlp.io.cells import join_fragments
from nlp.io.docx_numbering import Numbering
from nlp.io.limits import DEFAULT_LIMITS, ReadLimits, check_file_size, check_zip_archive
from nlp.text.headings import NUMBERED_PARAGRAPH

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _q(tag: str) -> str:
    return f"{{{_W}}}{tag}"


_P, _TBL, _SDT, _R, _T, _TAB, _BR, _CR = (_q(t) for t in ("p", "tbl", "sdt", "r", "t", "tab", "br", "cr"))
# Containers whose text is not part of the flowing body (drawings, text boxes, alternate content
# that repeats itself in mc:Fallback).
_SKIP = {_q("drawing"), _q("pict"), _q("object"), f"{{{_MC}}}AlternateContent", _q("delText"),
         _q("instrText"), _q("footnoteReference"), _q("endnoteReference")}

HEADING_MAX_CHARS = 40
_SENTENCE_END = re.compile(r"[。；;！!？?]\s*$")
_TABS = re.compile(r"\s*\t[\t ]*")


def _check_signature(path: Path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(str(path), "legacy Word .doc (OLE) file with a .docx name; convert it to .docx")
    if not head.startswith(b"PK"):
        raise ReadError(str(path), "corrupt file: not a DOCX (ZIP) package")


def _run_pieces(run: Any) -> str:
    out = []
    for el in run.iter():
        if el.tag == _T:
            out.append(el.text or "")
        elif el.tag == _TAB:
            out.append("\t")
        elif el.tag in (_BR, _CR):
            out.append("\n")
    return "".join(out)


def _iter_runs(el: Any):
    """Runs of a paragraph in order, including those in hyperlinks, insertions and smart tags."""
    for child in el:
        if child.tag in _SKIP:
            continue
        if child.tag == _R:
            yield child
        elif child.tag not in (_P, _TBL):
            yield from _iter_runs(child)


class _Styles:
    """Effective bold of runs: direct formatting, then character style, then paragraph style chain."""

    def __init__(self, document: Any) -> None:
        self._bold: dict[str, str | None] = {}
        self._based: dict[str, str | None] = {}
        self.names: dict[str, str] = {}
        try:
            root = document.styles.element
            for st in root.iterchildren(_q("style")):
                sid = st.get(_q("styleId"))
                if sid:
                    self._bold[sid] = _attr(st, f"{_q('rPr')}/{_q('b')}")
                    self._based[sid] = _attr(st, _q("basedOn"))
                    self.names[sid] = (_attr(st, _q("name")) or "").lower()
        except (AttributeError, KeyError, TypeError, ValueError):
            # a broken styles part must not stop reading; formatting just falls back to "not bold"
            self._bold, self._based, self.names = {}, {}, {}

    def style_bold(self, style_id: str | None) -> bool | None:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            value = _is_on(self._bold.get(style_id))
            if value is not None:
                return value
            style_id = self._based.get(style_id)
        return None


def _attr(el: Any, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    return found.get(_q("val"), "true")


def _is_on(val: str | None) -> bool | None:
    if val is None:
        return None
    return val.lower() not in ("0", "false", "off", "none")


def _paragraph(p: Any, styles: _Styles, numbering: Numbering) -> tuple[str, str | None, str]:
    """Return (text, heading_kind, heading_text) for a w:p element.

    heading_kind: "style" (Heading/outline level), "bold" (a bold paragraph or bold leading run
    that looks like a heading) or None. When a bold head leads a longer paragraph, the text comes
    back with a newline after the head.
    """
    p_style = _attr(p, f"{_q('pPr')}/{_q('pStyle')}")
    if styles.names.get(p_style or "", "").startswith("toc "):
        return "", None, ""  # a table-of-contents entry repeats the headings with page numbers
    outline = _attr(p, f"{_q('pPr')}/{_q('outlineLvl')}")
    para_bold = styles.style_bold(p_style)
    number = numbering.label(p)  # Word's automatic "一、" / "（一）" / "1." (not stored as text)
    pieces: list[tuple[str, bool]] = []
    for r in _iter_runs(p):
        text = _run_pieces(r)
        if not text:
            continue
        bold = _is_on(_attr(r, f"{_q('rPr')}/{_q('b')}"))
        if bold is None:
            bold = styles.style_bold(_attr(r, f"{_q('rPr')}/{_q('rStyle')}"))
        if bold is None:
            bold = bool(para_bold)
        pieces.append((text, bool(bold)))
    if number:
        pieces.insert(0, (number, pieces[0][1] if pieces else bool(para_bold)))
    text = "".join(t for t, _ in pieces)
    text = "\n".join(_TABS.sub("\t", ln).strip(" \t\u3000\u00a0") for ln in text.split("\n"))
    text = text.strip("\n")
    if not text.strip():
        return "", None, ""
    style_name = (p_style or "").lower()
    if outline is not None and outline != "9" or style_name.startswith(("heading", "title")) or \
            style_name in {"1", "2", "3"}:  # WPS/Word zh templates use numeric ids for 标题 1-3
        return text, "style", text
    # leading bold head
    head = ""
    for piece, bold in pieces:
        if not bold:
            break
        head += piece
    head = head.strip(" \t\u3000\u00a0")
    if not head or len(head) > HEADING_MAX_CHARS or "\n" in head:
        return text, None, ""
    rest = text[text.find(head) + len(head):] if head in text else ""
    if not rest.strip():  # the whole paragraph is bold and short
        if _SENTENCE_END.search(head) and not NUMBERED_PARAGRAPH.match(head):
            return text, None, ""
        return text, "bold", head
    if NUMBERED_PARAGRAPH.match(head):
        start = text.find(head)
        body = rest.lstrip(" \t\u3000")
        return text[:start + len(head)] + "\n" + body, "bold", head
    return text, None, ""


def _table_rows(tbl: Any, numbering: Numbering) -> list[list[str]]:
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(_q("tr")):
        cells: list[str] = []
        before = tr.find(f"{_q('trPr')}/{_q('gridBefore')}")
        if before is not None:
            cells.extend([""] * int(before.get(_q("val"), "0") or 0))
        for tc in tr.iterchildren(_q("tc")):
            span_el = tc.find(f"{_q('tcPr')}/{_q('gridSpan')}")
            span = int(span_el.get(_q("val"), "1") or 1) if span_el is not None else 1
            vmerge = tc.find(f"{_q('tcPr')}/{_q('vMerge')}")
            continued = vmerge is not None and vmerge.get(_q("val"), "continue") == "continue"
            if continued:
                text = ""
            else:
                paras = []
                for p in tc.iter(_P):
                    paras.append(numbering.label(p) + "".join(_run_pieces(r) for r in _iter_runs(p)))
                text = join_fragments(paras)
            cells.append(text)
            cells.extend([""] * (max(span, 1) - 1))
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


def _is_layout_table(tbl: Any) -> bool:
    """A one-column table holding paragraphs (some reports frame the whole body in one): not data."""
    rows = list(tbl.iterchildren(_q("tr")))
    if not rows or any(len(list(tr.iterchildren(_q("tc")))) != 1 for tr in rows):
        return False
    return sum(1 for tr in rows for _ in tr.iter(_P)) >= 3


def _iter_blocks(parent: Any):
    for child in parent.iterchildren():
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag == _SDT:
            gallery = child.find(f"{_q('sdtPr')}/{_q('docPartObj')}/{_q('docPartGallery')}")
            if gallery is not None and "contents" in (gallery.get(_q("val")) or "").lower():
                continue  # table of contents block
            content = child.find(_q("sdtContent"))
            if content is not None:
                yield from _iter_blocks(content)


def _core_dates(document: Any) -> dict[str, str]:
    """docProps/core.xml created/modified as ISO dates (absent or unreadable: omitted)."""
    out = {}
    try:
        props = document.core_properties
        for key in ("created", "modified"):
            value = getattr(props, key)
            if value is not None:
                out[f"docx:{key}"] = value.date().isoformat()
    except Exception:  # noqa: BLE001 - malformed core properties are not worth failing the read
        return out
    return out


def read_docx_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> ReadResult:
    """Read a DOCX report; raise ReadError (naming the file) when it is corrupt or over the limits."""
    path = Path(path)
    check_file_size(path, limits)
    _check_signature(path)
    check_zip_archive(path, limits)
    import docx

    try:
        document = docx.Document(str(path))
        body = document.element.body
    except Exception as exc:  # python-docx raises KeyError, ValueError, XMLSyntaxError, ...
        raise ReadError(str(path), f"corrupt DOCX ({type(exc).__name__}: {exc})") from exc
    styles = _Styles(document)
    numbering = Numbering(document)
    parts: list[str] = []
    pos = 0
    headings: list[dict[str, Any]] = []
    tables: list[dict[str, Any]] = []

    def add(s: str) -> None:
        nonlocal pos
        parts.append(s)
        pos += len(s)

    def emit(parent: Any) -> None:
        for block in _iter_blocks(parent):
            if block.tag == _P:
                text, kind, head = _paragraph(block, styles, numbering)
                if not text:
                    continue
                if kind:
                    h_start = pos + max(text.find(head), 0)
                    headings.append({"start": h_start, "end": h_start + len(head), "text": head, "source": kind})
                add(text + "\n")
            elif _is_layout_table(block):
                for tc in block.iter(_q("tc")):  # a one-column frame around the report: read its content
                    if tc.getparent().getparent() is block:
                        emit(tc)
            else:
                rows = _table_rows(block, numbering)
                if not rows:
                    continue
                start = pos
                for row in rows:
                    add("\t".join(row) + "\n")
                tables.append({"start": start, "end": pos, "n_rows": len(rows),
                               "n_cols": max(len(r) for r in rows)})

    try:
        emit(body)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(str(path), f"corrupt DOCX body ({type(exc).__name__}: {exc})") from exc
    extras = {"headings": headings, "tables": tables, "file_dates": _core_dates(document)}
    return ReadResult(text="".join(parts), source=str(path), file_format="docx", encoding=None, extras=extras)
