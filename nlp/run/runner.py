"""``govnlp run``: the whole pipeline over many reports, in parallel, resumable.

Documents are processed once per content hash, in batches, by worker processes (also with
``--jobs 1``: the parent only orchestrates, consolidates and runs the similarity step); each batch
becomes an atomic part (:mod:`nlp.run.parts`) and the tables are then assembled from the parts in
input order. A killed run resumes from its parts; a worker that crashes is isolated (the documents it
had in hand are retried one by one) and the document that kills a worker again is recorded as an
error, so the run always completes.
"""
from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from nlp.component import validate
from nlp.io.inputs import find_inputs
from nlp.outputs import remove_temporary_files
from nlp.pipeline import error_report, pipeline_names
from nlp.run.identity import document_id
from nlp.run.lock import outdir_lock
from nlp.run.parts import DocRows, PartStore
from nlp.run.rows import report_rows
from nlp.run.worker import DocResult, init_worker, pipeline_signature, process_in_worker

_WINDOW_PER_JOB = 2  # batches queued per worker: enough to keep workers busy, bounded memory
_MAX_BATCH = 100  # documents per part: few files at 50k documents, little lost when a run is killed
_BATCHES_PER_JOB = 4  # small runs are cut finer so that every worker gets work


@dataclass
class RunSummary:
    outdir: Path
    n_inputs: int
    n_processed: int
    n_skipped: int
    n_ok: int
    n_errors: int
    counts: dict[str, int]
    errors: list[dict[str, str]]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    skipped_inputs: list[dict[str, str]] = field(default_factory=list)  # passed over inside input folders


def discover_inputs(inputs: Iterable[str | Path], skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Files named on the command line (kept even if unreadable, so they get an error row) plus the
    supported files found recursively under named folders, in sorted order (see :mod:`nlp.io.inputs`).
    What was passed over inside folders is appended to ``skipped`` as (path, reason)."""
    found = find_inputs(inputs)
    if skipped is not None:
        skipped.extend(found.skipped)
    return [str(p) for p in found.files]


def crash_part(store: PartStore, path: str, doc_id: str, signature: str, message: str) -> DocResult:
    """The error record of a document that killed its worker, written as a part of its own."""
    report = error_report(path, message)
    store.write([DocRows(doc_id, signature, False, report_rows(report, doc_id, path, None, 0.0, signature))])
    return DocResult(doc_id, path, False, message, 0.0, {})


def batches(tasks: list[tuple[str, str]], jobs: int) -> list[list[tuple[str, str]]]:
    """Consecutive batches of tasks (so that parts follow the input order)."""
    size = max(1, min(_MAX_BATCH, math.ceil(len(tasks) / (jobs * _BATCHES_PER_JOB))))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _mp_context() -> mp.context.BaseContext:
    # fork: workers start instantly and inherit loaded modules (spawn would re-import spaCy etc. per worker)
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")


def _run_pool(tasks: list[tuple[str, str]], jobs: int, init_args: tuple, on_done: Callable[[DocResult], None]
              ) -> list[tuple[str, str]]:
    """Run tasks in batches in a pool; return the tasks left unfinished if a worker process died."""
    pending = list(reversed(batches(tasks, jobs)))
    inflight: dict[Future, list[tuple[str, str]]] = {}

    def unfinished(first: list[list[tuple[str, str]]]) -> list[tuple[str, str]]:
        return [t for batch in first + list(inflight.values()) + list(reversed(pending)) for t in batch]

    with ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(), initializer=init_worker,
                             initargs=init_args) as pool:
        while pending or inflight:
            try:
                while pending and len(inflight) < jobs * _WINDOW_PER_JOB:
                    batch = pending.pop()
                    inflight[pool.submit(process_in_worker, batch)] = batch
            except BrokenProcessPool:
                return unfinished([batch])
            done, _ = wait(inflight, return_when=FIRST_COMPLETED)
            broken = []
            for fut in done:
                batch = inflight.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:
                    broken.append(batch)
                    continue
                for result in results:
                    on_done(result)
            if broken:
                return unfinished(broken)
    return []


def process_documents(tasks: list[tuple[str, str]], outdir: Path, components: list[str], jobs: int,
                      config: dict[str, dict[str, Any]] | None, on_done: Callable[[DocResult], None]) -> None:
    """Process (path, doc_id) tasks into parts."""
    store = PartStore(outdir)
    signature = pipeline_signature(components)
    validate(components)  # unknown or misordered names; a component that cannot be built stops the run with
    # the first batch (PipelineBuildError): the parent never loads the models, workers do, even with --jobs 1
    init_args = (components, str(outdir), config)
    remaining = tasks
    while remaining:
        store.clear_running()
        remaining = _run_pool(remaining, jobs, init_args, on_done)
        if not remaining:
            break
        # A worker died. Documents it had in hand (analysed or not yet written) are suspects: retry each alone.
        suspects = store.running_ids()
        store.clear_running()
        if not suspects:
            raise RuntimeError("worker processes died before processing any document (see the error above)")
        rest = []
        for path, doc_id in remaining:
            if doc_id not in suspects:
                rest.append((path, doc_id))
            elif _run_pool([(path, doc_id)], 1, init_args, on_done):
                on_done(crash_part(store, path, doc_id, signature,
                                   f"{path}: worker process crashed while processing this document"))
        remaining = rest


def run_corpus(inputs: Iterable[str | Path], outdir: str | Path, components: str | list[str] = "run",
               jobs: int | None = None, force: bool = False, progress: bool = True, similarity: bool = True,
               config: dict[str, dict[str, Any]] | None = None, formats: tuple[str, ...] = ("parquet",),
               scheduler: str | None = None) -> RunSummary:
    """Run the pipeline over every input and write the tables, parts and manifest.json to ``outdir``.

    ``scheduler``: process the documents on a Dask cluster (``local:N`` or a scheduler address) instead
    of local worker processes; the outputs are the same (see :mod:`nlp.run.cluster`).
    """
    with outdir_lock(outdir):
        return _run_locked(inputs, Path(outdir), components, jobs, force, progress, similarity, config, formats,
                           scheduler)


def _run_locked(inputs: Iterable[str | Path], outdir: Path, components: str | list[str], jobs: int | None,
                force: bool, progress: bool, similarity: bool, config: dict[str, dict[str, Any]] | None,
                formats: tuple[str, ...], scheduler: str | None) -> RunSummary:
    from nlp.run.consolidate import consolidate
    from nlp.run.manifest import write_manifest

    started = time.perf_counter()
    formats = tuple(dict.fromkeys(("parquet", *formats)))  # Parquet always: similarity/compare read it
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    names = pipeline_names(components) if isinstance(components, str) else list(components)
    signature = pipeline_signature(names)
    store = PartStore(outdir)
    store.clean_temporary()
    remove_temporary_files(outdir)  # tables of a consolidation that was killed half-way
    store.clear_running()

    skipped: list[tuple[str, str]] = []
    paths = discover_inputs(inputs, skipped)
    for path, reason in skipped:
        print(f"warning: skipped {path}: {reason}", file=sys.stderr)
    entries = [(p, document_id(p)) for p in paths]
    unique: dict[str, str] = {}
    for path, doc_id in entries:
        unique.setdefault(doc_id, path)
    tasks = [(path, doc_id) for doc_id, path in unique.items() if force or not store.is_done(doc_id, signature)]

    timings: dict[str, float] = {}
    n_bytes = 0
    bar = tqdm(total=len(tasks), unit="doc", desc="govnlp run", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)

    def on_done(result: DocResult) -> None:
        nonlocal n_bytes
        for name, sec in result.timings.items():
            timings[name] = timings.get(name, 0.0) + sec
        try:
            n_bytes += os.path.getsize(result.path)
        except OSError:
            pass
        bar.update(1)

    try:
        if scheduler:
            from nlp.run.cluster import process_on_dask

            validate(names)
            process_on_dask(tasks, outdir, names, scheduler, config, on_done)
        else:
            process_documents(tasks, outdir, names, jobs or os.cpu_count() or 1, config, on_done)
    finally:
        bar.close()
        store.clear_running()
        if store.running.is_dir():
            store.running.rmdir()
    process_seconds = time.perf_counter() - started

    from nlp.run.crossyear import crossyear_pass

    t = time.perf_counter()
    patches, _ = crossyear_pass(outdir, entries, names, config)
    timings["crossyear"] = time.perf_counter() - t
    t = time.perf_counter()
    counts, errors, files = consolidate(outdir, entries, formats=formats, patches=patches)
    timings["consolidate"] = time.perf_counter() - t
    if similarity:
        from nlp.similarity import run_similarity

        t = time.perf_counter()
        sim_counts, sim_files = run_similarity(outdir, formats=formats)
        timings["similarity"] = time.perf_counter() - t
        counts.update(sim_counts)
        files.update(sim_files)
    summary = RunSummary(outdir=outdir, n_inputs=len(entries), n_processed=len(tasks),
                         n_skipped=len(unique) - len(tasks), n_ok=len(entries) - len(errors), n_errors=len(errors),
                         counts=counts, errors=errors, seconds=time.perf_counter() - started,
                         timings={k: round(v, 4) for k, v in timings.items()}, files=files,
                         skipped_inputs=[{"path": p, "reason": r} for p, r in skipped])
    write_manifest(outdir, summary, names, signature, process_seconds=process_seconds, n_bytes=n_bytes)
    return summary
