"""Every resource limit in one place: refuse oversized or malicious input early, with a clear error.

Every limit is a constructor parameter of :class:`ReadLimits`, so a test or a caller can
lower it instead of writing a huge file. README's bad-input table lists them.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from nlp.errors import ReadError

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Limits applied by the readers and the text stages.

    max_bytes: size of the file on disk.
    max_text_file_bytes: size of a TXT, Markdown or HTML file (a report's text is well under 1 MB).
    max_text_chars: characters of the reference text a reader may return (a report is 2k–200k).
    max_number_digits: digits of one number; a longer digit run is an identifier or garbage, never a
        count, and is not read as a value (a float could not hold it exactly anyway).
    max_pages: PDF pages.
    max_page_objects: drawing objects (lines, rects, curves) on one PDF page above which the
        geometry table finder is skipped for that page (it is quadratic in the number of edges).
    pdf_max_stream_inflated: bytes one Flate stream of a PDF may inflate to (a page-sized scan is
        about 26 MB; a compression bomb is gigabytes), checked by inflating in chunks before parsing.
    zip_max_xml: inflated size of all XML parts of a DOCX together (the parser's memory is a
        multiple of it; a 30-page report has about 2 MB).
    zip_max_members / zip_max_uncompressed / zip_max_ratio: DOCX archive (zip-bomb) limits;
        the ratio applies to members larger than ``zip_ratio_min_size`` once uncompressed
        (small XML parts legitimately compress very well).
    """

    max_bytes: int = 50 * MB
    max_text_file_bytes: int = 20 * MB
    max_text_chars: int = 5_000_000
    max_number_digits: int = 15
    max_pages: int = 500
    max_page_objects: int = 20_000
    pdf_max_stream_inflated: int = 128 * MB
    zip_max_members: int = 2_000
    zip_max_uncompressed: int = 200 * MB
    zip_max_xml: int = 24 * MB
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
    total = xml = 0
    for info in infos:
        total += info.file_size
        if info.filename.endswith((".xml", ".rels")):
            xml += info.file_size
            if xml > limits.zip_max_xml:
                raise ReadError(str(path), f"archive's XML parts expand to more than {limits.zip_max_xml} "
                                "bytes (limit); refusing a possible zip bomb")
        if total > limits.zip_max_uncompressed:
            raise ReadError(str(path), f"archive expands to more than {limits.zip_max_uncompressed} "
                            f"bytes (limit); refusing a possible zip bomb")
        if info.file_size >= limits.zip_ratio_min_size:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.zip_max_ratio:
                raise ReadError(str(path), f"archive member {info.filename!r} has compression ratio "
                                f"{ratio:.0f}:1 (limit {limits.zip_max_ratio:.0f}:1); refusing a possible zip bomb")


_STREAM_START = re.compile(rb"stream(?:\r\n|\n|\r)")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_CHUNK = 1 << 20


def check_pdf_streams(path: Path, limits: ReadLimits) -> None:
    """Refuse a PDF with a Flate stream that inflates beyond ``limits.pdf_max_stream_inflated``.

    The parser inflates a stream whole when it reads it, so a 2 MB stream of zeros becomes 2 GB in
    memory. Here each Flate stream is inflated in 1 MB chunks and discarded, so memory stays at a
    few MB and time is linear in the inflated size up to the limit.
    """
    data = path.read_bytes()  # bounded by max_bytes, checked before
    for m in _STREAM_START.finditer(data):
        head = data[max(0, m.start() - 2048):m.start()]
        dict_start = head.rfind(b"obj")
        if not _FLATE.search(head[dict_start + 1 if dict_start >= 0 else 0:]):
            continue
        end = data.find(b"endstream", m.end())
        inflated = _inflated_size(data[m.end():end if end >= 0 else len(data)], limits.pdf_max_stream_inflated)
        if inflated > limits.pdf_max_stream_inflated:
            raise ReadError(str(path), f"a compressed stream at byte {m.end()} inflates to more than "
                            f"{limits.pdf_max_stream_inflated} bytes (limit); refusing a possible "
                            "compression bomb")


def _inflated_size(raw: bytes, cap: int) -> int:
    """Bytes ``raw`` inflates to, counted in chunks; stops just past ``cap``. A broken stream counts
    what was inflated before the error (the parser reports the corruption itself)."""
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    try:
        while pending and total <= cap and not inflater.eof:
            out = inflater.decompress(pending, _CHUNK)
            if not out and inflater.unconsumed_tail == pending:  # no progress: nothing more to inflate
                break
            total += len(out)
            pending = inflater.unconsumed_tail
    except zlib.error:
        pass
    return total
