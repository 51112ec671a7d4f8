"""The report model: typed records with a stable JSON form.

Every span (section, cell, fact, statement) is a pair of character offsets into
``Report.text``, the text returned by :func:`nlp.io.read_document`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:  # the report layer's types; imported lazily to keep this module a leaf
    from nlp.io import ReadResult
    from nlp.normalize import NormalizedText
    from nlp.statements.split import Statement

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
    region: str | None = None  # province-level region (河南, 江苏, …) or "unknown"
    format_version: str | None = None  # 2021 | 2019 | legacy
    title: str | None = None
    # publication date (ISO) and where it was read (nlp/published.py): html_meta:…, page:发布日期,
    # page:成文日期, signature (落款), title_date, file:pdf:CreationDate, …; evidence = the text read
    published: str | None = None
    published_source: str | None = None
    published_evidence: str | None = None


# Results serialised by Report.to_dict, in this order, when their component ran.
RESULT_FIELDS: tuple[str, ...] = ("tables", "table_provenance", "facts", "checks", "statements",
                                  "statement_summary")


@dataclass
class Extension:
    """A registered custom attribute (``Report.set_extension``): a default value or a getter."""

    default: Any = None
    getter: Callable[[Report], Any] | None = None


class Underscore:
    """``report._``: the registered extensions of one report (cf. spaCy's ``doc._``)."""

    __slots__ = ("_report",)

    def __init__(self, report: Report):
        object.__setattr__(self, "_report", report)

    def __getattr__(self, name: str) -> Any:
        ext = Report._extensions.get(name)
        if ext is None:
            raise AttributeError(f"no extension {name!r} on Report; register it first with "
                                 f"Report.set_extension({name!r}, default=...)")
        if ext.getter is not None:
            return ext.getter(self._report)
        return self._report._ext_values.get(name, ext.default)

    def __setattr__(self, name: str, value: Any) -> None:
        ext = Report._extensions.get(name)
        if ext is None:
            raise AttributeError(f"no extension {name!r} on Report; register it first with "
                                 f"Report.set_extension({name!r}, default=...)")
        if ext.getter is not None:
            raise AttributeError(f"extension {name!r} has a getter and cannot be set")
        self._report._ext_values[name] = value


@dataclass
class Report:
    """One document after the pipeline. Each component fills the typed attributes it declares it assigns
    (``nlp.component``); a result is ``None`` until its component ran. Custom data goes through
    ``Report.set_extension(name, default=...)`` and ``report._.name``."""

    source: str
    text: str = ""
    meta: Meta | None = None
    sections: list[Section] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    unmapped_sections: list[dict[str, Any]] = field(default_factory=list)
    ok: bool = True
    error: str | None = None
    # What the reader returned (PDF cell boxes for table provenance); never serialised.
    read: ReadResult | None = field(default=None, repr=False)
    # normalize: the normalised text with its exact offset map; never serialised.
    norm: NormalizedText | None = field(default=None, repr=False)
    # tables: {table2|table3|table4: {format, cells|rows} or None} (+ legacy_stats when a pre-2019 annex is found)
    # and the same nesting of provenance.
    tables: dict[str, Any] | None = None
    table_provenance: dict[str, Any] | None = None
    # facts: fact records (nlp.facts.FACT_FIELDS); checks: rule results (nlp.rules.RuleResult.to_dict()).
    facts: list[dict[str, Any]] | None = None
    checks: list[dict[str, Any]] | None = None
    # statements: section 五 statements (themes by "themes", pairs by "pairing"); how 五 was located.
    statements: list[Statement] | None = None
    statements_source: str | None = None
    statement_summary: dict[str, Any] | None = None
    _ext_values: dict[str, Any] = field(default_factory=dict, repr=False)

    _extensions: ClassVar[dict[str, Extension]] = {}

    # --- extensions (cf. spaCy's Doc.set_extension) ------------------------------------------
    @classmethod
    def set_extension(cls, name: str, default: Any = None, getter: Callable[[Report], Any] | None = None,
                      force: bool = False) -> None:
        """Register ``report._.name``. Set values are serialised by :meth:`to_dict` under ``name``."""
        if not name.isidentifier() or name.startswith("_"):
            raise ValueError(f"extension name {name!r} must be a public identifier")
        if name in cls._extensions and not force:
            raise ValueError(f"extension {name!r} is already registered (use force=True to replace it)")
        if name in RESULT_FIELDS or name in cls.__dataclass_fields__:
            raise ValueError(f"extension {name!r} would shadow a Report attribute")
        cls._extensions[name] = Extension(default, getter)

    @classmethod
    def has_extension(cls, name: str) -> bool:
        return name in cls._extensions

    @classmethod
    def remove_extension(cls, name: str) -> Extension:
        return cls._extensions.pop(name)

    @property
    def _(self) -> Underscore:
        return Underscore(self)

    # --- access ------------------------------------------------------------------------------
    def section(self, key: str) -> Section | None:
        """The section (or sub-item, e.g. ``overall.active``) with this key, if present."""
        for sec in self.sections:
            if sec.key == key:
                return sec
            for sub in sec.subsections:
                if sub.key == key:
                    return sub
        return None

    def statement_records(self) -> list[dict[str, Any]]:
        """The statements as JSON-able records (empty when the statements component did not run)."""
        return [s.to_dict() for s in self.statements or []]

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
        for name in RESULT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                out[name] = self.statement_records() if name == "statements" else value
        out.update(self._ext_values)
        if include_text:
            out["text"] = self.text
        return out
