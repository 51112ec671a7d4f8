"""Resource limits for binary formats (PDF, DOCX): refuse oversized or malicious input early.

Every limit is a constructor parameter of :class:`ReadLimits`, so a test or a caller can
lower it instead of writing a huge file.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Limits applied by the PDF and DOCX readers.

    max_bytes: size of the file on disk.
    max_pages: PDF pages.
    max_page_objects: drawing objects (lines, rects, curves) on one PDF page above which the
        geometry table finder is skipped for that page (it is quadratic in the number of edges).
    zip_max_members / zip_max_uncompressed / zip_max_ratio: DOCX archive (zip-bomb) limits;
        the ratio applies to members larger than ``zip_ratio_min_size`` once uncompressed
        (small XML parts legitimately compress very well).
    """

    max_bytes: int = 50 * MB
    max_pages: int = 500
    max_page_objects: int = 20_000
    zip_max_members: int = 2_000
    zip_max_uncompressed: int = 200 * MB
    zip_max_ratio: float = 200.0
    zip_ratio_min_size: int = 1 * MB


DEFAULT_LIMITS = ReadLimits()


def check_file_size(path: Path, limits: ReadLimits) -> int:
    """Return the file size or raise ReadError when it is over ``limits.max_bytes``."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise ReadError(str(path), f"file too large ({size} bytes > limit {limits.max_bytes})")
    return size


def check_zip_archive(path: Path, limits: ReadLimits) -> None:
    """Refuse archives that would expand beyond the limits (zip bombs), before any XML is parsed.

    The declared sizes are an upper bound on what :mod:`zipfile` will inflate (it stops at the
    declared size and checks the CRC), so checking them is enough.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as exc:
        raise ReadError(str(path), f"corrupt file: not a valid ZIP/Office Open XML package ({exc})") from exc
    except OSError as exc:
        raise ReadError(str(path), f"cannot read archive ({exc})") from exc
    if len(infos) > limits.zip_max_members:
        raise ReadError(str(path), f"archive has too many members ({len(infos)} > limit "
                        f"{limits.zip_max_members}); refusing a possible zip bomb")
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.zip_max_uncompressed:
            raise ReadError(str(path), f"archive expands to more than {limits.zip_max_uncompressed} "
                            f"bytes (limit); refusing a possible zip bomb")
        if info.file_size >= limits.zip_ratio_min_size:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.zip_max_ratio:
                raise ReadError(str(path), f"archive member {info.filename!r} has compression ratio "
                                f"{ratio:.0f}:1 (limit {limits.zip_max_ratio:.0f}:1); refusing a possible zip bomb")
