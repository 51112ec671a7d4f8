"""Offline OCR (extra govnlp[ocr]): a scanned copy of a real report, page images, misread digits, errors.

The scanned copy is made here from the smallest real PDF in ../shared (each page rendered to an
image, the images saved as an image-only PDF with Pillow), so no copy of a report is committed.
All five pages are OCRed once per module (~20–40 s on 2 cores): the six sections need every page.
"""
from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest
from _docgen import make_scanned_pdf
from conftest import REAL, requires_shared

from nlp.errors import ReadError
from nlp.io import SUPPORTED_SUFFIXES, read_document
from nlp.io import ocr as ocr_mod
from nlp.io.ocr import INSTALL_HINT, ocr_available
from nlp.pipeline import parse_report, report_from_read
from nlp.run.runner import discover_inputs
from nlp.tables import parse_tables, tables_to_json

SECTIONS = ["overall", "active_disclosure", "applications", "review_litigation", "problems", "other"]
requires_ocr = pytest.mark.skipif(not ocr_available(), reason=f"OCR extra not installed ({INSTALL_HINT})")


def smallest_real_pdf() -> Path:
    return min((p for p in REAL.glob("*.pdf")), key=lambda p: p.stat().st_size)


def make_scanned_copy(src: Path, dst: Path, scale: float = 2.0, pages: list[int] | None = None) -> Path:
    """An image-only PDF of ``src``: every page rendered at ``scale`` × 72 dpi, saved by Pillow."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    try:
        idx = range(len(pdf)) if pages is None else pages
        images = [pdf[i].render(scale=scale).to_pil().convert("L") for i in idx]
    finally:
        pdf.close()
    images[0].save(dst, save_all=True, append_images=images[1:], resolution=72 * scale)
    return dst


def leaves(tables: dict[str, Any]) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for name, res in tables.items():
        if not res:
            continue
        for key, value in res["rows" if name == "table3" else "cells"].items():
            if isinstance(value, dict):
                out.update({(name, key, col): v for col, v in value.items()})
            else:
                out[(name, key)] = value
    return out


def prov_leaf(prov: dict[str, Any], ref: tuple[str, ...]) -> dict[str, Any]:
    node = prov[ref[0]]["rows" if ref[0] == "table3" else "cells"]
    for key in ref[1:]:
        node = node[key]
    return node


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory):
    if not REAL.is_dir():
        pytest.skip("../shared/corpus/real is absent")
    if not ocr_available():
        pytest.skip(f"OCR extra not installed ({INSTALL_HINT})")
    src = smallest_real_pdf()
    dst = make_scanned_copy(src, tmp_path_factory.mktemp("scan") / "scanned-copy.pdf")
    return parse_report(src), parse_report(dst), dst


# ------------------------------------------------------------------ the scanned copy of a real report

@requires_shared
@requires_ocr
def test_scanned_copy_has_no_text_layer_and_is_read_by_ocr(scanned) -> None:
    import pdfplumber

    _, ocr, path = scanned
    with pdfplumber.open(path) as pdf:
        assert not any(page.chars for page in pdf.pages)
    read = ocr.read
    assert ocr.ok, ocr.error
    assert read.extras["ocr_pages"] == list(range(1, read.extras["pages"] + 1))
    assert {t["method"] for t in read.extras["tables"]} == {"ocr_ruling"}


@requires_shared
@requires_ocr
def test_scanned_copy_gives_the_six_sections(scanned) -> None:
    original, ocr, _ = scanned
    assert [s.key for s in ocr.sections] == SECTIONS
    assert [s.title for s in ocr.sections] == [s.title for s in original.sections]


@requires_shared
@requires_ocr
def test_scanned_copy_tables_equal_the_text_layer_parse(scanned) -> None:
    """≥ 98% of the cells equal; every other cell null and flagged uncertain, or low-confidence with
    every identity it takes part in passing (no identity could tell it was misread)."""
    from nlp.rules.engine import load_rules, run_rules

    original, ocr, _ = scanned
    want = leaves(original.tables)
    got = leaves(ocr.tables)
    assert len(want) > 150  # tables 二, 三 and 四 were all found in the original
    equal = sum(1 for ref, v in want.items() if got.get(ref) == v)
    assert equal / len(want) >= 0.98, [(r, v, got.get(r)) for r, v in want.items() if got.get(r) != v]
    prov = ocr.table_provenance
    identities = [s for s in load_rules() if s["evaluator"] == "sum_equation"]
    failing = {c["ref"] for r in run_rules(ocr, specs=identities) if r.status == "FAIL" for c in r.cells}
    for ref, value in want.items():
        if got.get(ref) == value:
            continue
        leaf = prov_leaf(prov, ref)
        if got.get(ref) is None:
            assert leaf.get("uncertain") and leaf["uncertain"]["reason"], ref
        else:  # wrong and not caught: only where no identity could tell
            assert leaf.get("low_confidence") and ".".join(ref) not in failing, (ref, value, got.get(ref))


@requires_shared
@requires_ocr
def test_every_ocr_cell_and_line_keeps_page_box_and_confidence(scanned) -> None:
    _, ocr, _ = scanned
    read = ocr.read
    boxes = read.extras["ocr_boxes"]
    covered = bytearray(len(read.text))
    for start, end, page, x0, top, x1, bottom, conf in boxes:
        assert 1 <= page <= read.extras["pages"] and 0 <= x0 < x1 <= 596 and 0 <= top < bottom <= 843
        assert 0.0 <= conf <= 1.0 and read.text[start:end] and "\t" not in read.text[start:end]
        covered[start:end] = b"\1" * (end - start)
    uncovered = [ch for ch, c in zip(read.text, covered) if not c and ch not in "\t\n"]
    assert not uncovered, "".join(uncovered)[:80]
    # table cells carry the confidence of the OCR boxes they were read from
    leaf = prov_leaf(ocr.table_provenance, ("table3", "new_received", "total"))
    assert 0 < leaf["ocr_confidence"] <= 1 and leaf["page"] >= 1 and len(leaf["bbox"]) == 4


@requires_shared
def test_low_confidence_misread_that_breaks_an_identity_becomes_uncertain() -> None:
    """A misread digit simulated on a real report's table layout (its text-layer reading, with the
    OCR confidences a scan would carry): one table 三 cell changed and its confidence lowered. The
    row and column identities fail, so the value is withheld, with the reading and the value that
    makes both hold; a low-confidence cell whose identity holds with trusted cells keeps its value."""
    from nlp.io.ocr_check import apply_ocr_confidence

    read = parse_report(smallest_real_pdf()).read
    read.extras["ocr_boxes"] = [[*b, 0.99] for b in read.extras["cell_boxes"]]
    parsed = parse_tables(read.text)
    leaf = parsed["table3"]["provenance"]["new_received"]["total"]
    true_value = parsed["table3"]["rows"]["new_received"]["total"]
    s, e = leaf["start"], leaf["end"]
    wrong = str(true_value + 3)[-(e - s):].rjust(e - s, "1")
    assert wrong != read.text[s:e]
    text = read.text[:s] + wrong + read.text[e:]
    other = parsed["table3"]["provenance"]["new_received"]["natural_person"]
    boxes = []
    for b in read.extras["ocr_boxes"]:
        b = list(b)
        if b[0] <= s < b[1]:
            b[7] = 0.55
        elif b[0] <= other["start"] < b[1]:
            b[7] = 0.6  # doubtful, but its column identity (A1) and row identity decide
        else:
            b[7] = max(b[7], 0.99)
        boxes.append(b)
    misread = parse_tables(text)
    assert misread["table3"]["rows"]["new_received"]["total"] == int(wrong)
    uncertain = apply_ocr_confidence(misread, boxes)
    assert [u["ref"] for u in uncertain] == ["table3.new_received.total"]
    assert sorted(uncertain[0]["identities"]) == ["A1.identity.total", "A3.row_total.new_received"]
    assert misread["table3"]["rows"]["new_received"]["total"] is None
    flag = misread["table3"]["provenance"]["new_received"]["total"]["uncertain"]
    assert flag["ocr_reading"] == int(wrong) and flag["candidates"] == [true_value]
    assert "A3.row_total" in flag["reason"]
    # the other low-confidence cell: its identities hold (A1 passes), so it stays, flagged
    assert misread["table3"]["rows"]["new_received"]["natural_person"] is not None
    assert misread["table3"]["provenance"]["new_received"]["natural_person"]["low_confidence"] is True


@requires_shared
@requires_ocr
def test_one_scanned_page_inside_a_text_pdf_is_ocred(tmp_path: Path) -> None:
    """A text PDF whose last page was printed, signed and scanned: that page alone is OCRed and its
    section (六) is found; the text pages keep their text layer."""
    import pypdfium2 as pdfium

    src = smallest_real_pdf()
    original = parse_report(src)
    n = original.read.extras["pages"]
    scan = make_scanned_copy(src, tmp_path / "last.pdf", pages=[n - 1])
    mixed = pdfium.PdfDocument.new()
    with_text, scanned = pdfium.PdfDocument(str(src)), pdfium.PdfDocument(str(scan))
    mixed.import_pages(with_text, list(range(n - 1)))
    mixed.import_pages(scanned, [0])
    mixed.save(str(tmp_path / "mixed.pdf"))
    for doc in (mixed, with_text, scanned):
        doc.close()
    report = parse_report(tmp_path / "mixed.pdf")
    assert report.read.extras["ocr_pages"] == [n]
    assert [s.key for s in report.sections] == SECTIONS
    last = report.section("other")
    assert last is not None and last.start >= report.read.extras["page_starts"][n - 1]
    assert report.tables == original.tables  # the tables are on text pages: unchanged
    assert all(b[2] == n for b in report.read.extras["ocr_boxes"])


# ------------------------------------------------------------------ images

@requires_shared
@requires_ocr
def test_page_image_reads_like_the_pdf_page(tmp_path: Path) -> None:
    """A report page published as an image: the page of a real PDF holding table 四, as PNG."""
    import pypdfium2 as pdfium

    src = smallest_real_pdf()
    original = parse_report(src)
    t4 = original.tables["table4"]
    assert t4 is not None
    page = next(b[2] for b in original.read.extras["cell_boxes"]
                if b[0] >= original.table_provenance["table4"]["cells"]["review.total"]["start"])
    pdf = pdfium.PdfDocument(str(src))
    image = tmp_path / "page.png"
    pdf[page - 1].render(scale=2.0).to_pil().save(image)
    pdf.close()
    read = read_document(image)
    assert read.file_format == "png" and read.extras["ocr_pages"] == [1]
    got = tables_to_json(parse_tables(read.text))[0]["table4"]
    assert got["cells"] == t4["cells"]
    # batch commands pick images up from a folder
    (tmp_path / "notes.xyz").write_text("x")
    assert {".png", ".jpg", ".jpeg"} <= set(SUPPORTED_SUFFIXES)
    assert discover_inputs([tmp_path]) == [str(image)]


@requires_shared
@requires_ocr
def test_borderless_table_image_reads_rows_and_never_a_wrong_value(tmp_path: Path) -> None:
    """The table pages of a real report with every ruling line erased (a borderless table, as some
    units lay them out): rows come from lines and cells from gaps, numbers side by side are separate
    cells, and rows showing every value place the numbers of shorter rows under their columns: table 三
    is read (≥ 95% of its cells) and no cell is read wrong (the rest stay null)."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    from nlp.io.ocr import config
    from nlp.io.ocr_layout import find_rules

    src = smallest_real_pdf()
    original = parse_report(src)
    prov = original.table_provenance["table3"]["rows"]
    starts = original.read.extras["page_starts"]
    first = prov["new_received"]["total"]["start"]
    last = prov["carried_forward"]["total"]["start"]
    pages = sorted({sum(1 for s in starts if s <= off) for off in (first, last)})
    pdf = pdfium.PdfDocument(str(src))
    text = ""
    for n in pages:
        rgb = np.asarray(pdf[n - 1].render(scale=2.0).to_pil().convert("RGB")).copy()
        rgb[find_rules(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), config()).mask > 0] = 255
        Image.fromarray(rgb).save(tmp_path / f"page{n}.png")
        read = read_document(tmp_path / f"page{n}.png")
        assert read.extras["tables"] == []  # no ruling lines left
        text += read.text
    pdf.close()
    want = {k: v for k, v in leaves(original.tables).items() if k[0] == "table3"}
    got = leaves(tables_to_json(parse_tables(text))[0])
    assert sum(got.get(k) == v for k, v in want.items()) >= 0.95 * len(want)
    assert not [(k, v, got.get(k)) for k, v in want.items() if got.get(k) is not None and got[k] != v]


# ------------------------------------------------------------------ without the extra

@pytest.fixture
def no_ocr_extra(monkeypatch: pytest.MonkeyPatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("rapidocr_onnxruntime"):
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    ocr_mod._engine.cache_clear()
    monkeypatch.setattr(builtins, "__import__", fake_import)
    yield
    monkeypatch.undo()
    ocr_mod._engine.cache_clear()


def test_scanned_pdf_without_the_extra_says_how_to_install(no_ocr_extra, tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "scan-only.pdf")
    assert not ocr_available()
    with pytest.raises(ReadError) as err:
        read_document(path)
    msg = str(err.value)
    assert "scan-only.pdf" in msg and "no text layer" in msg and "pip install 'govnlp[ocr]'" in msg
    report = parse_report(path)  # the pipeline reports it as an error row, not a crash
    assert not report.ok and INSTALL_HINT in report.error


def test_image_without_the_extra_says_how_to_install(no_ocr_extra, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "page.jpg"
    Image.new("RGB", (200, 280), "white").save(path)
    with pytest.raises(ReadError) as err:
        read_document(path)
    assert "page.jpg" in str(err.value) and INSTALL_HINT in str(err.value)


def test_corrupt_image_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    with pytest.raises(ReadError, match="broken.png"):
        read_document(path)


def test_report_from_read_keeps_ocr_extras() -> None:
    """The pipeline hands the reader's result (with ocr_boxes) to the tables component."""
    from nlp.io.base import ReadResult

    rep = report_from_read(ReadResult("一、总体情况\n", "x.pdf", "pdf", extras={"ocr_boxes": []}))
    assert rep.read.extras["ocr_boxes"] == []
