"""The report pipeline: load → normalise → segment → tables → facts → checks → statements → themes.

Components are registered by name in ``resources/pipeline.yaml`` as ``module:function``
and imported only when a pipeline uses them. Each takes a :class:`Report` and fills the
attributes it owns; a component never reaches into another's internals except through
``report.extensions`` (JSON-able results) and ``report._cache`` (working objects).
"""
from __future__ import annotations

import hashlib
import importlib
import time
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlp.errors import GovnlpError
from nlp.io import ReadResult, read_document
from nlp.model import Meta, Report
from nlp.resources import resource_path

Component = Callable[..., None]


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with open(resource_path("pipeline.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def get_component(name: str) -> Component:
    """The component registered under ``name`` in pipeline.yaml."""
    target = _config()["components"].get(name)
    if target is None:
        raise KeyError(f"unknown pipeline component {name!r}; known: {sorted(_config()['components'])}")
    module_name, func_name = target.split(":")
    return getattr(importlib.import_module(module_name), func_name)


def pipeline_names(name: str) -> list[str]:
    return list(_config()["pipelines"][name])


class Pipeline:
    """An ordered list of named components, e.g. ``Pipeline("parse")`` or ``Pipeline(["normalize", "segment"])``."""

    def __init__(self, components: str | Iterable[str] = "parse", config: dict[str, dict[str, Any]] | None = None):
        self.names = pipeline_names(components) if isinstance(components, str) else list(components)
        self.config = config or {}
        self._funcs = [(n, get_component(n)) for n in self.names]

    def __call__(self, report: Report, timings: dict[str, float] | None = None) -> Report:
        """Run every component on ``report``; with ``timings``, record each component's seconds there."""
        for name, func in self._funcs:
            start = time.perf_counter()
            try:
                func(report, **self.config.get(name, {}))
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
    """A fresh Report for a document the reader returned (the reader's result is kept in ``_cache``)."""
    report = Report(source=read.source, text=read.text)
    report.meta = Meta(source=read.source, file_format=read.file_format, encoding=read.encoding,
                       n_chars=len(read.text), sha256=sha256)
    report._cache["read"] = read
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
