"""Consolidate shards into the run tables, streaming in batches (memory independent of corpus size).

Every input path yields exactly one ``documents`` row, in input order. Inputs with identical
content share one ``doc_id`` (their analysis rows appear once); the later ones carry
``duplicate_of`` = the first path. Files are written to temporary names and renamed at the end.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from nlp.outputs import TableWriter
from nlp.run.schema import SCHEMAS, TABLE_NAMES
from nlp.run.shards import ShardStore
from nlp.similarity.features import FEATURES_SCHEMA


def _missing_row(path: str, doc_id: str) -> dict[str, Any]:
    row = {c: None for c in SCHEMAS["documents"].names}
    row.update({"doc_id": doc_id, "path": path, "ok": False, "error": f"{path}: no result was produced"})
    return row


def consolidate(outdir: str | Path, entries: list[tuple[str, str]], formats: tuple[str, ...] = ("parquet",),
                patches: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
                ) -> tuple[dict[str, int], list[dict[str, str]], dict[str, str]]:
    """Write the run tables from the shards of ``entries`` = [(path, doc_id)] in order.

    ``patches``: doc_id -> {table: rows} replacing that document's rows of those tables (the
    cross-year indicators of nlp/run/crossyear.py).

    Returns (row counts per table, errors [{path, error}], written files per table).
    """
    outdir = Path(outdir)
    store = ShardStore(outdir)
    writers = {name: TableWriter(outdir, name, SCHEMAS[name], formats) for name in TABLE_NAMES}
    # internal: similarity features computed by the workers (Parquet only; read by nlp.similarity)
    features = TableWriter(outdir, "_features", FEATURES_SCHEMA, ("parquet",))
    first_path: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    try:
        for path, doc_id in entries:
            shard = store.read(doc_id)
            rows = shard["rows"] if shard else {"documents": [_missing_row(path, doc_id)]}
            if patches and doc_id in patches:
                rows = {**rows, **patches[doc_id]}
            doc = dict(rows["documents"][0])
            doc["path"] = path
            if doc_id in first_path:
                doc["duplicate_of"] = first_path[doc_id]
            else:
                first_path[doc_id] = path
                for name in TABLE_NAMES:
                    if name != "documents":
                        writers[name].add(rows.get(name, []))
                features.add([{**f, "signature": base64.b64decode(f["signature"]) if f["signature"] else None}
                              for f in rows.get("_features", [])])
            if not doc.get("ok"):
                error = doc.get("error") or "unknown error"
                if doc_id in first_path and first_path[doc_id] != path:
                    error = error.replace(first_path[doc_id], path)
                doc["error"] = error
                errors.append({"path": path, "error": error})
            writers["documents"].add([doc])
        for w in [*writers.values(), features]:
            w.close()
    except BaseException:
        for w in [*writers.values(), features]:
            w.abort()
        raise
    counts = {name: w.n_rows for name, w in writers.items()}
    files = {name: str(w.final.get("parquet") or next(iter(w.final.values()))) for name, w in writers.items()}
    return counts, errors, files
