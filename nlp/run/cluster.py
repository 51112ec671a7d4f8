"""The per-document work of ``govnlp run`` on a Dask cluster (``--scheduler ADDRESS`` or ``local:N``).

Only *where* a batch of documents is processed changes: each Dask worker builds the same
:class:`~nlp.run.worker.DocumentProcessor` once and writes the same atomic parts into OUTDIR (which
must be on a file system the workers share), and the parent assembles the tables exactly as after a
local run. So resuming, crash isolation and every output table are those of a local run.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.run.parts import PartStore
from nlp.run.worker import DocResult, DocumentProcessor, PipelineBuildError, pipeline_signature

LOCAL_PREFIX = "local:"


@lru_cache(maxsize=4)
def _processor(components: tuple[str, ...], outdir: str, config_json: str) -> DocumentProcessor:
    """Built once per worker process (models load once), whatever the number of tasks it runs."""
    return DocumentProcessor(list(components), outdir, json.loads(config_json) or None)


def _process_batch(tasks: list[tuple[str, str]], components: tuple[str, ...], outdir: str, config_json: str
                   ) -> list[DocResult]:
    try:
        processor = _processor(components, outdir, config_json)
    except Exception as exc:
        raise PipelineBuildError(f"cannot build the pipeline {list(components)}: {type(exc).__name__}: {exc}") from exc
    return processor.process_batch(tasks)


def connect(scheduler: str) -> Any:
    """A Dask client: ``local:N`` starts a LocalCluster of N single-threaded worker processes; anything
    else is the address of a running scheduler (``tcp://host:8786``)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # the extra is optional
        raise RuntimeError("--scheduler needs Dask: pip install 'govnlp[dask]'") from exc
    if scheduler.startswith(LOCAL_PREFIX):
        n = int(scheduler[len(LOCAL_PREFIX):] or 1)
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster)
    return Client(scheduler)


def process_on_dask(tasks: list[tuple[str, str]], outdir: Path, components: list[str], scheduler: str,
                    config: dict[str, dict[str, Any]] | None, on_done: Callable[[DocResult], None]) -> None:
    """Process (path, doc_id) tasks into parts on the cluster, in the batches of a local run. A batch
    whose workers keep dying (Dask gives up after its retries) is retried one document at a time, and
    a document that still kills its worker is recorded as an error, as in a local run."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from nlp.run.runner import batches, crash_part

    store = PartStore(outdir)
    signature = pipeline_signature(components)
    args = (tuple(components), str(Path(outdir).resolve()), json.dumps(config or {}, sort_keys=True))
    client = connect(scheduler)
    try:
        n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
        futures = {}

        def submit(batch: list[tuple[str, str]]) -> Any:
            future = client.submit(_process_batch, batch, *args, key=f"govnlp-{batch[0][1]}-{len(batch)}", pure=False)
            futures[future] = batch
            return future

        for batch in batches(tasks, n_workers):
            submit(batch)
        queue = as_completed(list(futures))
        for future in queue:
            batch = futures.pop(future)
            try:
                results = future.result()
            except KilledWorker:
                if len(batch) > 1:  # find the culprit: each document alone
                    for task in batch:
                        queue.add(submit([task]))
                    continue
                path, doc_id = batch[0]
                results = [crash_part(store, path, doc_id, signature,
                                      f"{path}: worker process crashed while processing this document")]
            for result in results:
                on_done(result)
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()
