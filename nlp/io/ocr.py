"""Offline OCR of scanned PDF pages and images (optional extra ``govnlp[ocr]``).

The engine is RapidOCR (``rapidocr-onnxruntime``), whose wheel ships the PP-OCRv4 Chinese detection
and recognition models: nothing is downloaded at run time. PDF pages are rendered with pypdfium2
(installed with pdfplumber). Recognised boxes become lines and ruled tables in
:mod:`nlp.io.ocr_layout`; :mod:`nlp.io.pdf` writes them like text-layer pages.

Numbers decide the tables, so every numeric box is read twice: once as detected, once from a crop
cut tight to its ink with the ruling lines erased. When the readings disagree the tighter crop's
reading is kept only if it is more confident, and its confidence becomes the margin between the
two, so the cell is flagged and left to the table identities (:mod:`nlp.io.ocr_check`).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from nlp.errors import ReadError
from nlp.io.ocr_layout import OcrBox, find_rules, layout_page
from nlp.io.pdf_tables import RuledTable, TextLine
from nlp.resources import resource_path

INSTALL_HINT = "pip install 'govnlp[ocr]'"
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
# Numbers, and the letters a table digit is misread as when a cell border touches it ("0" → "o")
_NUMERIC = re.compile(r"^(?:(?=.*\d)[\d,.，．\s%\-oOlLIi|]{1,12}|[oOQDlI|]{1,2})$")


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    with open(resource_path("ocr.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def ocr_available() -> bool:
    try:
        _engine()
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR  # the optional extra

    threads = int(config()["onnx_threads"])
    return RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=threads)


def engine_for(path: Path | str, why: str) -> Any:
    """The OCR engine, or ReadError naming the file, why OCR is needed and how to install it."""
    try:
        return _engine()
    except ImportError as exc:
        raise ReadError(str(path), f"{why}; reading it needs the optional OCR engine: {INSTALL_HINT}") from exc


def _quad_box(quad: Any) -> tuple[float, float, float, float]:
    xs = [float(p[0]) for p in quad]
    ys = [float(p[1]) for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _tight_crop(gray: np.ndarray, clean: np.ndarray, box: tuple[float, float, float, float], pad: int) -> np.ndarray | None:
    """The box's ink (rules erased) cut tight and padded; None when the box holds no ink."""
    h, w = gray.shape
    x0, y0, x1, y1 = (max(0, int(box[0]) - 2), max(0, int(box[1]) - 2), min(w, int(box[2]) + 3),
                      min(h, int(box[3]) + 3))
    region = clean[y0:y1, x0:x1]
    ink = np.argwhere(region < 128)
    if ink.size == 0:
        return None
    (ty0, tx0), (ty1, tx1) = ink.min(axis=0), ink.max(axis=0)
    a, b = max(0, y0 + ty0 - pad), min(h, y0 + ty1 + 1 + pad)
    c, d = max(0, x0 + tx0 - pad), min(w, x0 + tx1 + 1 + pad)
    crop = clean[a:b, c:d]
    return np.stack([crop] * 3, axis=-1)


def recognise(rgb: np.ndarray, scale: float, page: int) -> list[TextLine | RuledTable]:
    """OCR one page image (RGB array rendered at ``scale`` × 72 dpi): its lines and tables."""
    import cv2

    cfg = config()
    engine = _engine()
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    rules = find_rules(gray, cfg)
    result, _ = engine(rgb, use_cls=False)
    boxes = [OcrBox(str(text).strip(), _quad_box(quad), float(conf)) for quad, text, conf in (result or [])
             if str(text).strip()]
    clean = gray.copy()
    clean[rules.mask > 0] = 255  # cell borders inside a crop are what turns 9 into 6 or 0 into 10
    pad = max(1, round(cfg["recheck_pad_px"] * scale / 2))
    _recheck_numbers(boxes, gray, clean, pad, float(cfg["recheck_below"]))

    def reread(parts: list[tuple[float, float, float, float]]) -> list[OcrBox]:
        crops = [_tight_crop(gray, clean, p, pad) for p in parts]
        # ink shorter than a third of a body character is a speck or a rule remnant, not text
        keep = [(p, c) for p, c in zip(parts, crops) if c is not None and c.shape[0] >= 2 * pad + 8 * scale / 2
                and c.shape[1] >= 4]
        if not keep:
            return []
        readings, _ = engine.text_rec([c for _, c in keep])
        return [OcrBox(str(t).strip(), p, float(s)) for (p, _), (t, s) in zip(keep, readings)]

    return layout_page(boxes, rules, page, scale, cfg, reread)


def _recheck_numbers(boxes: list[OcrBox], gray: np.ndarray, clean: np.ndarray, pad: int, below: float) -> None:
    todo = [(b, _tight_crop(gray, clean, b.box, pad)) for b in boxes if _NUMERIC.match(b.text) and b.conf < below]
    todo = [(b, crop) for b, crop in todo if crop is not None and min(crop.shape[:2]) >= 4]
    if not todo:
        return
    readings, _ = _engine().text_rec([crop for _, crop in todo])
    for (b, _), (text, conf) in zip(todo, readings):
        text, conf = str(text).strip(), float(conf)
        if text == b.text:
            b.conf = max(b.conf, conf)
        elif conf > b.conf:
            b.text, b.conf = text, round(conf - b.conf, 4)
        else:
            b.conf = round(b.conf - conf, 4)


def render_pdf_page(pdf: Any, index: int, scale: float) -> np.ndarray:
    """Page ``index`` (0-based) of an open pypdfium2 document as an RGB array."""
    bitmap = pdf[index].render(scale=scale)
    return np.asarray(bitmap.to_pil().convert("RGB"))


def ocr_pdf_pages(path: Path, numbers: list[int], why: str) -> dict[int, tuple[float, list[Any]]]:
    """OCR the given 1-based pages of a PDF: {page: (page height in points, items)}."""
    import pypdfium2 as pdfium

    engine_for(path, why)
    scale = float(config()["render_scale"])
    out: dict[int, tuple[float, list[Any]]] = {}
    pdf = pdfium.PdfDocument(str(path))
    try:
        for n in numbers:
            rgb = render_pdf_page(pdf, n - 1, scale)
            out[n] = (rgb.shape[0] / scale, recognise(rgb, scale, n))
    finally:
        pdf.close()
    return out


def load_image(path: Path) -> np.ndarray:
    """An image file as an RGB array; ReadError when it cannot be decoded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            if im.width * im.height > 80_000_000:  # checked before the pixels are decoded
                raise ReadError(str(path), f"image too large ({im.width}x{im.height} pixels)")
            im.load()
            # photos of a page carry their orientation in EXIF; OCR needs the page upright
            return np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise ReadError(str(path), f"corrupt or unreadable image ({exc})") from exc
