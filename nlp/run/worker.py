"""Process a batch of documents into a part (runs in a worker process, a Dask worker, or in-process)."""
from __future__ import annotations

import gc
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp import __version__
from nlp.errors import GovnlpError
from nlp.io import read_document
from nlp.model import Report
from nlp.pipeline import Pipeline, error_report, report_from_read
from nlp.run.identity import file_sha256
from nlp.run.lock import die_with_parent
from nlp.run.parts import DocRows, PartStore
from nlp.run.rows import report_rows
from nlp.similarity.features import FEATURES_VERSION, document_features


@lru_cache(maxsize=8)
def _models_digest(components: tuple[str, ...]) -> str:
    from nlp.run.manifest import model_versions

    return hashlib.sha256(json.dumps(model_versions(list(components)), sort_keys=True).encode()).hexdigest()[:12]


def pipeline_signature(components: list[str]) -> str:
    """What produced a result (tool version, components, model and resource hashes, similarity
    parameters): a document with another signature is recomputed, e.g. after a theme model is retrained."""
    return (f"govnlp {__version__} | {' '.join(components)} | models {_models_digest(tuple(components))} | "
            f"{FEATURES_VERSION}")


@dataclass
class DocResult:
    """What a worker sends back to the parent (small; the data itself is in the part)."""

    doc_id: str
    path: str
    ok: bool
    error: str | None
    seconds: float
    timings: dict[str, float]


class DocumentProcessor:
    """Reads documents, runs the components one by one (timing each) and writes a part per batch."""

    def __init__(self, components: list[str], outdir: str | Path, config: dict[str, dict[str, Any]] | None = None):
        self.pipeline = Pipeline(components, config)
        self.components = list(self.pipeline.names)
        self.signature = pipeline_signature(self.components)
        self.store = PartStore(outdir)

    def _process(self, path: str, timings: dict[str, float]) -> Report:
        t = time.perf_counter()
        try:
            report = report_from_read(read_document(path))
            timings["read"] = time.perf_counter() - t
            return self.pipeline(report, timings)
        except GovnlpError as exc:
            return error_report(path, str(exc))

    def analyse(self, path: str, doc_id: str, adjust: Callable[[Report], None] | None = None
                ) -> tuple[DocResult, DocRows]:
        """Analyse one document into its rows; ``adjust`` (optional) may change the finished report
        before its rows are made (the run's cross-year pass settles cells with it)."""
        start = time.perf_counter()
        timings: dict[str, float] = {}
        try:
            report = self._process(path, timings)
            if adjust is not None and report.ok:
                adjust(report)
        except Exception as exc:  # noqa: BLE001 — a bug or a pathological file must not stop a batch
            report = error_report(path, f"{path}: internal error while processing: {type(exc).__name__}: {exc}")
        if report.meta is not None:
            report.meta.sha256 = file_sha256(doc_id)
        seconds = time.perf_counter() - start
        rows = report_rows(report, doc_id, path, file_sha256(doc_id), seconds, self.signature)
        if report.ok:  # similarity features are computed here, in parallel, for `govnlp similarity`
            t = time.perf_counter()
            rows["_features"] = document_features(doc_id, rows["sections"], rows["statements"])
            timings["similarity_features"] = time.perf_counter() - t
        return (DocResult(doc_id, path, report.ok, report.error, seconds, timings),
                DocRows(doc_id, self.signature, report.ok, rows))

    def process_batch(self, tasks: list[tuple[str, str]], adjust: Callable[[Report], None] | None = None,
                      crossyear: list[str] | None = None) -> list[DocResult]:
        """Analyse (path, doc_id) tasks and write them as one part. Each document stays marked as
        running until the part is written: if this process dies, the parent knows the suspects."""
        results, docs = [], []
        for path, doc_id in tasks:
            self.store.mark_running(doc_id)
            result, doc = self.analyse(path, doc_id, adjust)
            _freeze_loaded_state()
            doc.crossyear = crossyear
            results.append(result)
            docs.append(doc)
        t = time.perf_counter()
        self.store.write(docs)
        share = (time.perf_counter() - t) / max(len(results), 1)
        for result in results:
            result.timings["write_part"] = share
            self.store.unmark_running(result.doc_id)
        return results


def _freeze_loaded_state() -> None:
    """After the first document (the models and resources load lazily with it), move every object
    alive into the collector's permanent generation: the cyclic collector otherwise walks the models'
    and vocabularies' millions of objects again and again while reports are analysed."""
    global _FROZEN
    if not _FROZEN:
        gc.collect()
        gc.freeze()
        # fewer young-generation collections: a report allocates many short-lived objects (5% faster)
        gc.set_threshold(50_000, 50, 100)
        _FROZEN = True


_FROZEN = False
_PROCESSOR: DocumentProcessor | None = None
_BUILD_ERROR: str | None = None


class PipelineBuildError(RuntimeError):
    """A component could not be built in a worker (a missing model, a bad option): the run stops."""


def init_worker(components: list[str], outdir: str, config: dict[str, dict[str, Any]] | None) -> None:
    global _PROCESSOR, _BUILD_ERROR
    die_with_parent()  # a killed `govnlp run` must not leave workers writing behind it
    try:
        _PROCESSOR = DocumentProcessor(components, outdir, config)
    except Exception as exc:  # noqa: BLE001 — reported with the first batch, as the run's error
        _BUILD_ERROR = f"cannot build the pipeline {components}: {type(exc).__name__}: {exc}"


def process_in_worker(tasks: list[tuple[str, str]]) -> list[DocResult]:
    if _BUILD_ERROR is not None:
        raise PipelineBuildError(_BUILD_ERROR)
    assert _PROCESSOR is not None, "init_worker was not called"
    return _PROCESSOR.process_batch(tasks)
