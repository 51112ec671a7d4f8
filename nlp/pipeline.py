"""The report pipeline: read → normalise → segment → metadata → tables → facts → checks → statements →
themes → pairing.

Components are registered by name in ``resources/pipeline.yaml`` as ``module:factory`` and built
once per Pipeline (each owns its state). Each factory declares what its component requires and
assigns (:mod:`nlp.component`); building a Pipeline checks the order and names what is missing.
Components communicate only through the Report's typed attributes.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nlp.component import Component, analyze, create, pipeline_names, validate
from nlp.errors import GovnlpError
from nlp.io import ReadResult, read_document
from nlp.model import Meta, Report

__all__ = ["Pipeline", "error_report", "parse_report", "parse_text", "pipeline_names", "report_from_read"]


class Pipeline:
    """An ordered list of named components, e.g. ``Pipeline("parse")`` or ``Pipeline(["normalize", "segment"])``.

    ``config`` gives factory arguments per component (``{"themes": {"model": "models/x"}}``).
    Raises :class:`nlp.component.MissingPrerequisite` when a component's prerequisites do not run before it.
    """

    def __init__(self, components: str | Iterable[str] = "parse", config: dict[str, dict[str, Any]] | None = None):
        self.names = pipeline_names(components) if isinstance(components, str) else list(components)
        self.config = config or {}
        validate(self.names)
        self.components: list[tuple[str, Component]] = [(n, create(n, **self.config.get(n, {}))) for n in self.names]

    def analyze(self) -> dict[str, Any]:
        """What each component requires and assigns, and the problems of this order (none once built)."""
        return analyze(self.names)

    def get(self, name: str) -> Component:
        """The component object running under ``name``."""
        for n, comp in self.components:
            if n == name:
                return comp
        raise KeyError(f"no component {name!r} in pipeline {self.names}")

    def __call__(self, report: Report, timings: dict[str, float] | None = None) -> Report:
        """Run every component on ``report``; with ``timings``, record each component's seconds there."""
        for name, comp in self.components:
            start = time.perf_counter()
            try:
                comp(report)
            except GovnlpError as exc:
                raise GovnlpError(f"{exc} (component {name})") from exc
            if timings is not None:
                timings[name] = time.perf_counter() - start
        return report

    def from_text(self, text: str, source: str = "<text>", file_format: str = "txt") -> Report:
        report = Report(source=source, text=text)
        report.meta = Meta(source=source, file_format=file_format, n_chars=len(text),
                           sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())
        return self(report)

    def from_path(self, path: str | Path) -> Report:
        """Read and process one file. Errors become ``ok: false`` records, never exceptions."""
        try:
            return self(report_from_read(read_document(path), sha256=_file_hash(path)))
        except GovnlpError as exc:
            return error_report(path, str(exc))
        except Exception as exc:  # noqa: BLE001 — a bug or a pathological file must not stop a batch
            return error_report(path, f"{path}: internal error while processing: {type(exc).__name__}: {exc}")


def report_from_read(read: ReadResult, sha256: str | None = None) -> Report:
    """A fresh Report for a document the reader returned (kept in ``Report.read``)."""
    report = Report(source=read.source, text=read.text, read=read)
    report.meta = Meta(source=read.source, file_format=read.file_format, encoding=read.encoding,
                       n_chars=len(read.text), sha256=sha256)
    return report


def error_report(path: str | Path, message: str) -> Report:
    return Report(source=str(path), ok=False, error=message)


def _file_hash(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_report(path: str | Path, pipeline: str = "parse") -> Report:
    """Read and process one report with a named pipeline."""
    return Pipeline(pipeline).from_path(path)


def parse_text(text: str, source: str = "<text>", pipeline: str = "parse") -> Report:
    return Pipeline(pipeline).from_text(text, source)
