"""Report pages published as images (图片版: ``.png``, ``.jpg``): OCRed like a scanned PDF page.

The image is one page. Its pixels are mapped to points as if the page were A4-wide (595 pt), so
boxes, margins and page furniture are handled by :mod:`nlp.io.pdf` exactly as for a PDF page.
"""
from __future__ import annotations

from pathlib import Path

from nlp.io.base import ReadResult
from nlp.io.limits import DEFAULT_LIMITS, ReadLimits, check_file_size
from nlp.io.ocr import engine_for, load_image, recognise
from nlp.io.pdf import _cells_of, _Page, assemble

A4_WIDTH_PT = 595.0


def read_image_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> ReadResult:
    """OCR one page image; ReadError naming the file when it is unreadable or OCR is not installed."""
    path = Path(path)
    check_file_size(path, limits)
    rgb = load_image(path)
    engine_for(path, "an image has no text layer")
    scale = rgb.shape[1] / A4_WIDTH_PT
    items = recognise(rgb, scale, 1)
    page = _Page(1, rgb.shape[0] / scale, items=items,
                 n_chars=sum(len(c.text) for it in items for c in _cells_of(it)))
    result = assemble(path, [page], path.suffix.lower().lstrip("."), [1])
    result.extras["image_size"] = [int(rgb.shape[1]), int(rgb.shape[0])]
    return result

