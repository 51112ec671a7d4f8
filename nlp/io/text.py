"""Plain text and Markdown: decode bytes without guessing silently."""
from __future__ import annotations

import codecs
import re
from itertools import islice
from pathlib import Path

from nlp.errors import ReadError
from nlp.io.base import ReadResult

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Characters that should not appear in a decoded report: C0 controls except tab/newline/CR,
# the replacement character, and private-use code points (typical of a wrong code page).
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd\ue000-\uf8ff]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _looks_like_text(text: str) -> bool:
    """A Chinese report decodes to mostly CJK/ASCII text with no control garbage."""
    if not text.strip():
        return False
    # Each test needs only its threshold's worth of matches: count no further than that (a
    # findall listed every CJK character of the report, half of reading a file).
    limit = max(2, len(text) // 1000)
    if _count(_GARBAGE, text, limit + 1) > limit:
        return False
    need = min(10, max(1, len(text) // 50))
    return _count(_CJK, text, need) >= need


def _count(pattern: re.Pattern[str], text: str, most: int) -> int:
    """Matches of ``pattern`` in ``text``, counted up to ``most``."""
    return sum(1 for _ in islice(pattern.finditer(text), most))


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 without a BOM shows NUL in every other byte for ASCII-heavy text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nul = data[0::2].count(0)
    odd_nul = data[1::2].count(0)
    half = len(data) // 2
    for enc, nuls in (("utf-16-le", odd_nul), ("utf-16-be", even_nul)):
        if nuls > half * 0.2:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                return None
    return None


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode report bytes; return (text, encoding) or raise ReadError naming the problem."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc.replace("-sig", ""))
            except UnicodeDecodeError as exc:
                raise ReadError(path, f"invalid {enc} data at byte {exc.start + len(bom)}") from exc
            return text, enc
    try:
        text = data.decode("utf-8")
        if not _looks_like_text(text):
            raise ReadError(path, "decoded as UTF-8 but contains no Chinese text or binary garbage")
        return text, "utf-8"
    except UnicodeDecodeError as exc:
        # Only the last few bytes are an incomplete multi-byte sequence: a truncated download.
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            try:
                data[: exc.start].decode("utf-8")
                raise ReadError(
                    path,
                    f"truncated: the file ends in the middle of a multi-byte UTF-8 character "
                    f"(byte {exc.start} of {len(data)}); the copy is probably incomplete",
                ) from exc
            except UnicodeDecodeError:
                pass
    if b"\x00" in data:
        text16 = _utf16_without_bom(data)
        if text16 is not None and _looks_like_text(text16):
            return text16, "utf-16"
        raise ReadError(path, "binary file: contains NUL bytes and is not UTF-16 text")

    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=["utf_8", "gb18030", "big5", "utf_16", "utf_32"])
    best = matches.best()
    if best is not None:
        text = str(best)
        enc = best.encoding
        # GBK-family bytes often also decode as Big5; prefer the mainland code page when it is valid.
        if enc != "gb18030":
            try:
                gb = data.decode("gb18030")
                if _looks_like_text(gb):
                    text, enc = gb, "gb18030"
            except UnicodeDecodeError:
                pass
        if _looks_like_text(text):
            return text, enc
    raise ReadError(path, "cannot decode: not UTF-8, UTF-16 or GBK/GB18030 text (the bytes decode to garbage)")


def read_text_file(path: Path) -> ReadResult:
    data = path.read_bytes()
    text, enc = decode_bytes(data, str(path))
    return ReadResult(text=text, source=str(path), file_format="txt", encoding=enc)


def read_markdown_file(path: Path) -> ReadResult:
    result = read_text_file(path)
    result.file_format = "md"
    return result
