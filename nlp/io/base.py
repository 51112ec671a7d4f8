"""The reader contract shared by every format."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ReadResult:
    """What a reader returns.

    ``text`` is the reference for every character offset in the project: sections,
    table cells, facts and statements are spans of it. Table rows recovered from a
    document's structure (HTML ``<tr>``, Word tables, PDF ruling lines) are written
    into ``text`` one row per line with cells separated by tabs.
    """

    text: str
    source: str
    file_format: str  # txt | md | html | pdf | docx | doc | wps | png | jpg | jpeg
    encoding: str | None = None
    # Format-specific extras, e.g. {"pages": 12} or per-cell PDF boxes
    # {"cell_boxes": [[start, end, page, x0, top, x1, bottom], ...]}.
    extras: dict[str, Any] = field(default_factory=dict)
