"""The report model: typed records with a stable JSON form.

Every span (section, cell, fact, statement) is a pair of character offsets into
``Report.text``, the text returned by :func:`nlp.io.read_document`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SECTION_KEYS: tuple[str, ...] = (
    "overall",
    "active_disclosure",
    "applications",
    "review_litigation",
    "problems",
    "other",
)
# Sections of the pre-2019 form only (domain.md §1.6b): absent from 2019/2021 reports, never "missing".
LEGACY_SECTION_KEYS: tuple[str, ...] = ("fees", "legacy_stats")
OVERALL_SUBKEYS: tuple[str, ...] = (
    "overall.active",
    "overall.on_request",
    "overall.management",
    "overall.platform",
    "overall.supervision",
)


@dataclass
class Section:
    """A statutory section (or a sub-item of 一). ``text == Report.text[start:end]``.

    ``heading_start:heading_end`` is the heading line; the body starts where the heading ends.
    """

    key: str
    number: str | None
    title: str
    heading_start: int
    heading_end: int
    start: int
    end: int
    text: str
    subsections: list[Section] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Meta:
    source: str
    file_format: str
    encoding: str | None = None
    sha256: str | None = None
    n_chars: int = 0
    agency: str | None = None
    year: int | None = None
    level: str | None = None  # province | city | county_district | township_street | department
    format_version: str | None = None  # 2021 | 2019 | legacy
    title: str | None = None


@dataclass
class Report:
    """One document after the pipeline. Components fill the attributes they own."""

    source: str
    text: str = ""
    meta: Meta | None = None
    sections: list[Section] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    unmapped_sections: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = True
    error: str | None = None
    # Filled by later components (tables, checks, facts, statements); plain JSON-able data.
    extensions: dict[str, Any] = field(default_factory=dict)
    # Working state shared between components; never serialised.
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def section(self, key: str) -> Section | None:
        """The section (or sub-item, e.g. ``overall.active``) with this key, if present."""
        for sec in self.sections:
            if sec.key == key:
                return sec
            for sub in sec.subsections:
                if sub.key == key:
                    return sub
        return None

    def to_dict(self, include_text: bool = False) -> dict[str, Any]:
        meta = asdict(self.meta) if self.meta else {}
        out: dict[str, Any] = {
            "source": self.source,
            "ok": self.ok,
            "error": self.error,
            "meta": meta,
            "format_version": meta.get("format_version"),
            "sections": [s.to_dict() for s in self.sections],
            "missing_sections": list(self.missing_sections),
            "unmapped_sections": list(self.unmapped_sections),
        }
        out.update(self.extensions)
        if include_text:
            out["text"] = self.text
        return out
