"""Reading: one entry point, :func:`read_document`, for every supported format."""
from __future__ import annotations

from pathlib import Path

from nlp.errors import ReadError, UnsupportedFormat
from nlp.io.base import ReadResult

# suffix -> (module, function); imported lazily so that e.g. pdfplumber loads only for PDFs.
_READERS: dict[str, tuple[str, str]] = {
    ".txt": ("nlp.io.text", "read_text_file"),
    ".text": ("nlp.io.text", "read_text_file"),
    ".md": ("nlp.io.text", "read_markdown_file"),
    ".markdown": ("nlp.io.text", "read_markdown_file"),
    ".html": ("nlp.io.html", "read_html_file"),
    ".htm": ("nlp.io.html", "read_html_file"),
    ".pdf": ("nlp.io.pdf", "read_pdf_file"),
    ".docx": ("nlp.io.docx", "read_docx_file"),
    # Word 97–2003 / WPS through an installed converter (LibreOffice or antiword): nlp/io/doc.py
    ".doc": ("nlp.io.doc", "read_doc_file"),
    ".wps": ("nlp.io.doc", "read_doc_file"),
    # page images (图片版), OCRed with the optional extra govnlp[ocr]: nlp/io/image.py
    ".png": ("nlp.io.image", "read_image_file"),
    ".jpg": ("nlp.io.image", "read_image_file"),
    ".jpeg": ("nlp.io.image", "read_image_file"),
}

SUPPORTED_SUFFIXES = tuple(sorted(_READERS))
MAX_FILE_BYTES = 50 * 1024 * 1024


def read_document(path: str | Path) -> ReadResult:
    """Read a report and return its reference text plus metadata.

    Raises :class:`nlp.errors.ReadError` (naming the file and the problem) for
    missing, empty, oversized, undecodable or unsupported files.
    """
    import importlib

    p = Path(path)
    if not p.exists():
        raise ReadError(str(p), "file not found")
    if p.is_dir():
        raise ReadError(str(p), "is a directory, not a file")
    suffix = p.suffix.lower()
    if suffix not in _READERS:
        raise UnsupportedFormat(str(p), f"unsupported format {suffix or '(no suffix)'!r}; "
                                f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    size = p.stat().st_size
    if size == 0:
        raise ReadError(str(p), "empty file")
    if size > MAX_FILE_BYTES:
        raise ReadError(str(p), f"file too large ({size} bytes > {MAX_FILE_BYTES})")
    module_name, func_name = _READERS[suffix]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise UnsupportedFormat(str(p), f"unsupported format {suffix!r} ({exc})") from exc
    result: ReadResult = getattr(module, func_name)(p)
    if not result.text.strip():
        raise ReadError(str(p), "no text found in the document")
    return result


__all__ = ["SUPPORTED_SUFFIXES", "ReadResult", "read_document"]
