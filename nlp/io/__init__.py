"""Reading: one entry point, :func:`read_document`, for every supported format."""
from __future__ import annotations

import errno
import os
import re
import stat
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from nlp.errors import ReadError, UnsupportedFormat
from nlp.io.base import ReadResult
from nlp.io.limits import DEFAULT_LIMITS

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
}

SUPPORTED_SUFFIXES = tuple(sorted(_READERS))
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm"})


def reader_kind(path: str | Path) -> str:
    """Which reader a file goes to by its name: ``text``, ``markdown``, ``html``, ``pdf``, ``docx`` …
    (``unsupported`` otherwise). The same bytes read by two readers are two different documents."""
    reader = _READERS.get(Path(path).suffix.lower())
    return reader[1].removeprefix("read_").removesuffix("_file") if reader else "unsupported"


def read_document(path: str | Path) -> ReadResult:
    """Read a report and return its reference text plus metadata.

    Raises :class:`nlp.errors.ReadError` (naming the file and the problem) for
    missing, empty, oversized, undecodable or unsupported files.
    """
    import importlib

    p = Path(path)
    limits = DEFAULT_LIMITS
    size = _regular_file_size(p)
    suffix = p.suffix.lower()
    if suffix not in _READERS:
        raise UnsupportedFormat(str(p), f"unsupported format {suffix or '(no suffix)'!r}; "
                                f"supported: {', '.join(SUPPORTED_SUFFIXES)}")
    if size == 0:
        raise ReadError(str(p), "empty file")
    if size > limits.max_bytes:
        raise ReadError(str(p), f"file too large ({size} bytes > limit {limits.max_bytes})")
    if suffix in _TEXT_SUFFIXES and size > limits.max_text_file_bytes:
        raise ReadError(str(p), f"text file too large for a report ({size} bytes > limit "
                        f"{limits.max_text_file_bytes})")
    module_name, func_name = _READERS[suffix]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise UnsupportedFormat(str(p), f"unsupported format {suffix!r} ({exc})") from exc
    try:
        result: ReadResult = getattr(module, func_name)(p)
    except PermissionError:
        raise ReadError(str(p), "permission denied (file not readable)") from None
    except RecursionError:  # markup nested thousands deep: the parsers recurse once per level
        raise ReadError(str(p), "nested too deeply to read (more levels than the limit of "
                        f"{sys.getrecursionlimit()} that the parser can follow)") from None
    except (IsADirectoryError, FileNotFoundError, InterruptedError) as exc:  # changed while being read
        raise ReadError(str(p), f"cannot read: {exc.strerror or exc}") from None
    if suffix in _TEXT_SUFFIXES:  # PDF/DOCX readers keep offset maps (cell boxes) that must not shift
        result.text = strip_invisible(result.text)
    if not result.text.strip():
        raise ReadError(str(p), "no text found in the document")
    if len(result.text) > limits.max_text_chars:
        raise ReadError(str(p), f"text too long for a report ({len(result.text)} characters > limit "
                        f"{limits.max_text_chars})")
    return result


@lru_cache(maxsize=1)
def _invisible_table() -> dict[int, None]:
    """Every invisible format character (Unicode category Cf: zero-width spaces and joiners, BOM,
    bidi marks, soft hyphen …). Scraped pages put them between letters, where they break every
    label and number match while showing nothing to a reader."""
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}


def strip_invisible(text: str) -> str:
    """``text`` without invisible format characters (unchanged, and cheap, when it has none)."""
    if text.isascii() or not _HAS_INVISIBLE.search(text):
        return text
    return text.translate(_invisible_table())


_HAS_INVISIBLE = re.compile(r"[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
                            r"\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
                            r"\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
                            r"\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def _regular_file_size(p: Path) -> int:
    """The size of a regular file; a clear error for anything else (never read a FIFO or a device,
    which could block or never end, nor follow a link loop)."""
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise ReadError(str(p), "dangling symbolic link (its target does not exist)") from None
        raise ReadError(str(p), "file not found") from None
    except OSError as exc:  # ELOOP, EACCES on a parent folder, name too long …
        reason = "symbolic link loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise ReadError(str(p), f"cannot open: {reason}") from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(str(p), "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(str(p), "not a regular file (a FIFO, device or socket); refusing to read it")
    if not os.access(p, os.R_OK):
        raise ReadError(str(p), "permission denied (file not readable)")
    return st.st_size


__all__ = ["SUPPORTED_SUFFIXES", "ReadResult", "read_document", "reader_kind", "strip_invisible"]
