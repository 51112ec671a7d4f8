"""Consolidate shards into the run tables, streaming in batches (memory independent of corpus size).

Every input path yields exactly one ``documents`` row, in input order. Inputs with identical
content share one ``doc_id`` (their analysis rows appear once); the later ones carry
``duplicate_of`` = the first path. Files are written to temporary names and renamed at the end.
"""
from __future__ import annotations

import base64
import contextlib
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from nlp.run.schema import SCHEMAS, TABLE_NAMES
from nlp.run.shards import ShardStore
from nlp.similarity.features import FEATURES_SCHEMA

_BATCH_ROWS = 5_000  # rows buffered per table before a write: bounds memory whatever the corpus size


class TableWriter:
    """Append rows to ``<name>.parquet`` and/or ``<name>.csv`` through temporary files."""

    def __init__(self, outdir: Path, name: str, schema: pa.Schema, formats: tuple[str, ...]):
        self.schema = schema
        self.rows: list[dict[str, Any]] = []
        self.n_rows = 0
        self.final = {fmt: outdir / f"{name}.{fmt}" for fmt in formats}
        self.tmp = {fmt: outdir / f".{name}.{fmt}.{os.getpid()}.tmp" for fmt in formats}
        self._parquet = pq.ParquetWriter(self.tmp["parquet"], schema, compression="zstd") if "parquet" in formats else None
        self._csv = pacsv.CSVWriter(str(self.tmp["csv"]), schema) if "csv" in formats else None

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= _BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        if self._parquet is not None:
            self._parquet.write_table(table)
        if self._csv is not None:
            self._csv.write_table(table)
        self.n_rows += len(self.rows)
        self.rows = []

    def close(self) -> None:
        self.flush()
        if self.n_rows == 0:  # an empty table still gets its header/schema
            empty = self.schema.empty_table()
            if self._parquet is not None:
                self._parquet.write_table(empty)
            if self._csv is not None:
                self._csv.write_table(empty)
        for writer in (self._parquet, self._csv):
            if writer is not None:
                writer.close()
        for fmt, tmp in self.tmp.items():
            os.replace(tmp, self.final[fmt])

    def abort(self) -> None:
        for writer in (self._parquet, self._csv):
            with contextlib.suppress(OSError, pa.ArrowException):  # already failing: just release the file
                if writer is not None:
                    writer.close()
        for tmp in self.tmp.values():
            tmp.unlink(missing_ok=True)


def _missing_row(path: str, doc_id: str) -> dict[str, Any]:
    row = {c: None for c in SCHEMAS["documents"].names}
    row.update({"doc_id": doc_id, "path": path, "ok": False, "error": f"{path}: no result was produced"})
    return row


def consolidate(outdir: str | Path, entries: list[tuple[str, str]], formats: tuple[str, ...] = ("parquet", "csv"),
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
