"""Assemble the run tables from the parts, in input order, streaming (memory independent of corpus size).

Every input path yields exactly one ``documents`` row, in input order. Inputs with identical
content share one ``doc_id`` (their analysis rows appear once); the later ones carry
``duplicate_of`` = the first path. A document's rows are copied from its part as Arrow slices (no
Python objects per row); only its ``documents`` row is read as a dict, to set the path. Files are
written to temporary names and renamed at the end.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from nlp.outputs import TableWriter
from nlp.run.parts import FEATURES, PartReader, PartStore
from nlp.run.schema import SCHEMAS, TABLE_NAMES
from nlp.similarity.features import FEATURES_SCHEMA

BODY_TABLES = tuple(name for name in TABLE_NAMES if name != "documents")  # a document's analysis rows


def _missing_row(path: str, doc_id: str) -> dict[str, Any]:
    row = {c: None for c in SCHEMAS["documents"].names}
    row.update({"doc_id": doc_id, "path": path, "ok": False, "error": f"{path}: no result was produced"})
    return row


def consolidate(outdir: str | Path, entries: list[tuple[str, str]], formats: tuple[str, ...] = ("parquet",),
                patches: dict[str, dict[str, list[dict[str, Any]]]] | None = None,
                ) -> tuple[dict[str, int], list[dict[str, str]], dict[str, str]]:
    """Write the run tables from the parts of ``entries`` = [(path, doc_id)] in order.

    ``patches``: doc_id -> {table: rows} replacing that document's rows of those tables (the
    cross-year indicators of nlp/run/crossyear.py).

    Returns (row counts per table, errors [{path, error}], written files per table).
    """
    outdir = Path(outdir)
    store = PartStore(outdir)
    reader = PartReader(store, (*TABLE_NAMES, FEATURES), cache_size=2)
    writers = {name: TableWriter(outdir, name, SCHEMAS[name], formats) for name in TABLE_NAMES}
    # internal: similarity features computed by the workers (Parquet only; read by nlp.similarity)
    features = TableWriter(outdir, FEATURES, FEATURES_SCHEMA, ("parquet",))
    first_path: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    index = store.index()
    patches = patches or {}
    run: list[Any] = []  # [part, first position, last position]: documents whose rows are copied together
    buffered_parts: set[str] = set()

    def copy_run() -> None:
        if run:
            part, first, last = run
            for name in (*BODY_TABLES, FEATURES):
                (features if name == FEATURES else writers[name]).add_table(reader.rows(part, first, last, name))
            run.clear()

    def enter(part: str) -> None:
        # Buffered slices keep their whole part in memory: write them out before a third part is
        # read (in a fresh run the documents come part after part, so row groups stay large).
        if part not in buffered_parts:
            if len(buffered_parts) >= 2:
                copy_run()
                for w in [*writers.values(), features]:
                    w.flush()
                buffered_parts.clear()
            buffered_parts.add(part)

    try:
        for path, doc_id in entries:
            entry = index.get(doc_id)
            if entry is not None:
                enter(entry.part)
            found = reader.document(doc_id) if entry is not None else None
            doc = found if found is not None else _missing_row(path, doc_id)
            doc["path"] = path
            if doc_id in first_path:
                doc["duplicate_of"] = first_path[doc_id]
            else:
                first_path[doc_id] = path
                if entry is not None and doc_id not in patches and run and run[0] == entry.part \
                        and run[2] + 1 == entry.position:
                    run[2] = entry.position  # the next document of the part: one slice for both
                elif entry is not None:
                    copy_run()
                    if doc_id in patches:  # this document's own rows, with the patched tables replaced
                        for name in BODY_TABLES:
                            if name in patches[doc_id]:
                                writers[name].add(patches[doc_id][name])
                            else:
                                writers[name].add_table(reader.rows(entry.part, entry.position, entry.position, name))
                        features.add_table(reader.rows(entry.part, entry.position, entry.position, FEATURES))
                    else:
                        run[:] = [entry.part, entry.position, entry.position]
            if not doc.get("ok"):
                error = doc.get("error") or "unknown error"
                if doc_id in first_path and first_path[doc_id] != path:
                    error = error.replace(first_path[doc_id], path)
                doc["error"] = error
                errors.append({"path": path, "error": error})
            writers["documents"].add([doc])
        copy_run()
        for w in [*writers.values(), features]:
            w.close()
    except BaseException:
        for w in [*writers.values(), features]:
            w.abort()
        raise
    store.prune()
    counts = {name: w.n_rows for name, w in writers.items()}
    files = {name: str(w.final.get("parquet") or next(iter(w.final.values()))) for name, w in writers.items()}
    return counts, errors, files
