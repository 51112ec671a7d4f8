"""The per-document work of ``govnlp run`` on a Dask cluster (``--scheduler ADDRESS`` or ``local:N``).

Only *where* a document is processed changes: each Dask worker builds the same
:class:`~nlp.run.worker.DocumentProcessor` once and writes the same atomic shards into OUTDIR (which
must be on a file system the workers share), and the parent consolidates them exactly as after a
local run. So resuming, crash isolation and every output table are those of a local run.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.run.shards import ShardStore
from nlp.run.worker import DocResult, DocumentProcessor, pipeline_signature

LOCAL_PREFIX = "local:"


@lru_cache(maxsize=4)
def _processor(components: tuple[str, ...], outdir: str, config_json: str) -> DocumentProcessor:
    """Built once per worker process (models load once), whatever the number of tasks it runs."""
    return DocumentProcessor(list(components), outdir, json.loads(config_json) or None)


def _process_task(path: str, doc_id: str, components: tuple[str, ...], outdir: str, config_json: str) -> DocResult:
    processor = _processor(components, outdir, config_json)
    processor.store.mark_running(doc_id)
    return processor(path, doc_id)


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
    """Process (path, doc_id) tasks into shards on the cluster; a document that kills its workers
    (Dask gives up after its retries) is recorded as an error, as in a local run."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from nlp.run.runner import crash_shard

    store = ShardStore(outdir)
    signature = pipeline_signature(components)
    args = (tuple(components), str(Path(outdir).resolve()), json.dumps(config or {}, sort_keys=True))
    client = connect(scheduler)
    try:
        futures = {client.submit(_process_task, path, doc_id, *args, key=f"govnlp-{doc_id}", pure=False):
                   (path, doc_id) for path, doc_id in tasks}
        for future in as_completed(futures):
            path, doc_id = futures[future]
            try:
                result = future.result()
            except KilledWorker:
                result = crash_shard(store, path, doc_id, signature,
                                     f"{path}: worker process crashed while processing this document")
            on_done(result)
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()
