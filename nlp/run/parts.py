"""Part files: the results of ``govnlp run``, one Parquet file per table for each batch of documents.

A worker analyses a batch of documents and writes one *part*: a folder ``parts/<name>/`` with
``<table>.parquet`` for every run table, ``_features.parquet`` (similarity features) and
``_index.parquet`` (doc_id, signature, ok, crossyear). The folder appears complete or not at all
(:func:`nlp.outputs.atomic_dir`), so a killed run leaves only finished batches behind: they are the
resume points. A document written again (a retried error, the cross-year pass) is read from its
newest part (part names sort by creation time); a part that no document is read from any more is
removed after consolidation. Rows of one document are contiguous in a part, so the consolidator
takes them as one Arrow slice without converting them to Python objects.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nlp.outputs import arrow_table, atomic_dir, remove_temporary_files
from nlp.run.rows import Columns
from nlp.run.schema import SCHEMAS
from nlp.similarity.features import FEATURES_SCHEMA

PART_DIR = "parts"
RUNNING_DIR = ".running"  # a marker per document being processed (crash attribution)
INDEX = "_index"
FEATURES = "_features"
INDEX_SCHEMA = pa.schema([("doc_id", pa.string()), ("signature", pa.string()), ("ok", pa.bool_()),
                          ("crossyear", pa.string())])
PART_SCHEMAS: dict[str, pa.Schema] = {**SCHEMAS, FEATURES: FEATURES_SCHEMA, INDEX: INDEX_SCHEMA}


@dataclass
class DocRows:
    """One analysed document as it goes into a part: its rows per table (``_features`` included)."""

    doc_id: str
    signature: str
    ok: bool
    rows: dict[str, list[dict[str, Any]] | Columns]
    crossyear: list[str] | None = None  # the neighbours the cross-year pass settled its cells with


@dataclass(frozen=True)
class PartEntry:
    """Where a document's newest results are."""

    part: str
    signature: str
    ok: bool
    crossyear: list[str] | None = None
    position: int = 0  # the document's place in its part (its rows come in this order in every table)


class PartStore:
    """The part folder of one run output directory."""

    def __init__(self, outdir: str | Path):
        self.root = Path(outdir) / PART_DIR
        self.running = Path(outdir) / RUNNING_DIR
        self._index: dict[str, PartEntry] | None = None

    # writing ---------------------------------------------------------------------------------
    def write(self, docs: list[DocRows]) -> str:
        """Write one part holding ``docs``; returns its name."""
        # time first, so names sort by creation; pid and random bits keep workers of a cluster apart
        name = f"{time.time_ns():020d}-{os.getpid()}-{secrets.token_hex(4)}"
        with atomic_dir(self.root / name) as tmp:
            for table, schema in PART_SCHEMAS.items():
                if table == INDEX:
                    pieces: list[list[dict[str, Any]] | Columns] = [
                        [{"doc_id": d.doc_id, "signature": d.signature, "ok": d.ok,
                          "crossyear": json.dumps(d.crossyear) if d.crossyear is not None else None} for d in docs]]
                else:
                    pieces = [d.rows.get(table, []) for d in docs]
                pq.write_table(part_table(pieces, schema), tmp / f"{table}.parquet", compression="zstd")
        self._index = None
        return name

    # reading ---------------------------------------------------------------------------------
    def names(self) -> list[str]:
        """Finished parts, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def index(self) -> dict[str, PartEntry]:
        """doc_id -> its newest part."""
        if self._index is None:
            index: dict[str, PartEntry] = {}
            for name in self.names():  # oldest first: a newer part overrides
                t = self.read(name, INDEX)
                columns = (t.column(c).to_pylist() for c in INDEX_SCHEMA.names)
                for position, (doc_id, signature, ok, crossyear) in enumerate(zip(*columns)):
                    index[doc_id] = PartEntry(name, signature, bool(ok), json.loads(crossyear) if crossyear else None,
                                              position)
            self._index = index
        return self._index

    def is_done(self, doc_id: str, signature: str) -> bool:
        """A finished, successful result made by the same pipeline (errors are always retried)."""
        entry = self.index().get(doc_id)
        return entry is not None and entry.ok and entry.signature == signature

    def read(self, part: str, table: str, columns: list[str] | None = None) -> pa.Table:
        # the file itself, not pq.read_table's dataset machinery (which costs more than reading a part's table)
        with pq.ParquetFile(self.root / part / f"{table}.parquet") as file:
            return file.read(columns=columns)

    def prune(self) -> int:
        """Remove the parts no document is read from any more (all their documents were written again)."""
        live = {e.part for e in self.index().values()}
        gone = [name for name in self.names() if name not in live]
        for name in gone:
            shutil.rmtree(self.root / name, ignore_errors=True)
        return len(gone)

    def clean_temporary(self) -> int:
        """Remove the half-written parts of a killed run."""
        return remove_temporary_files(self.root)

    # crash attribution -----------------------------------------------------------------------
    def mark_running(self, doc_id: str) -> None:
        self.running.mkdir(parents=True, exist_ok=True)
        (self.running / doc_id).touch()

    def unmark_running(self, doc_id: str) -> None:
        try:
            (self.running / doc_id).unlink()
        except FileNotFoundError:
            pass

    def running_ids(self) -> set[str]:
        return {p.name for p in self.running.iterdir()} if self.running.is_dir() else set()

    def clear_running(self) -> None:
        for doc_id in self.running_ids():
            self.unmark_running(doc_id)


def part_table(pieces: list[list[dict[str, Any]] | Columns], schema: pa.Schema) -> pa.Table:
    """The documents' rows of one table (in order) as an Arrow table of ``schema``: the values gathered
    column by column and converted once per column with its type, which is what ``Table.from_pylist``
    does, without making and taking apart a dict per row of the column-wise tables."""
    columns: dict[str, list[Any]] = {name: [] for name in schema.names}
    pending: list[dict[str, Any]] = []  # row dicts not yet in ``columns``

    def take_pending() -> None:
        for name, values in columns.items():
            values += [row.get(name) for row in pending]
        pending.clear()

    for piece in pieces:
        if isinstance(piece, Columns):
            if pending:
                take_pending()
            for name, values in columns.items():
                values += piece.data[name]
        else:
            pending += piece
    if pending:
        take_pending()
    try:
        return pa.Table.from_arrays([pa.array(columns[f.name], f.type) for f in schema], schema=schema)
    except (UnicodeEncodeError, pa.ArrowInvalid):  # rare (file names that are not UTF-8): the rows' own path
        return arrow_table([dict(zip(columns, values)) for values in zip(*columns.values())], schema)


def _bounds(table: pa.Table, doc_ids: list[str]) -> np.ndarray:
    """Row offsets of the documents ``doc_ids`` (in part order) in ``table``: document i's rows are
    ``bounds[i]:bounds[i + 1]`` (a part writes each document's rows together, in index order)."""
    counts = dict.fromkeys(doc_ids, 0)
    if table.num_rows:
        for item in pc.value_counts(table.column("doc_id")).to_pylist():
            counts[item["values"]] = item["counts"]
    return np.concatenate([[0], np.cumsum([counts[d] for d in doc_ids], dtype=np.int64)])


@dataclass
class _LoadedPart:
    tables: dict[str, pa.Table] = field(default_factory=dict)
    bounds: dict[str, np.ndarray] = field(default_factory=dict)
    documents: list[dict[str, Any]] | None = None  # the ``documents`` rows as dicts, converted once


class PartReader:
    """Documents' rows per table, from their newest part; the last few parts read are kept in memory,
    so reading documents in the order they were written loads each part once (memory: a few parts)."""

    def __init__(self, store: PartStore, tables: tuple[str, ...], cache_size: int = 4):
        self.store = store
        self.tables = tables
        self.cache_size = cache_size
        self._cache: OrderedDict[str, _LoadedPart] = OrderedDict()

    def _part(self, name: str) -> _LoadedPart:
        part = self._cache.get(name)
        if part is None:
            part = _LoadedPart()
            doc_ids = self.store.read(name, INDEX, ["doc_id"]).column("doc_id").to_pylist()
            for table in self.tables:
                t = self.store.read(name, table)
                part.tables[table], part.bounds[table] = t, _bounds(t, doc_ids)
            self._cache[name] = part
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(name)
        return part

    def rows(self, part: str, first: int, last: int, table: str) -> pa.Table:
        """The rows of ``table`` of the documents at positions ``first``..``last`` of ``part``."""
        loaded = self._part(part)
        bounds = loaded.bounds[table]
        start = int(bounds[first])
        return loaded.tables[table].slice(start, int(bounds[last + 1]) - start)

    def document(self, doc_id: str) -> dict[str, Any] | None:
        """The document's ``documents`` row, a dict of its own (None when it has no results). A part's
        rows are converted to Python once, not one slice per document (a slice's conversion costs
        about as much as the whole table's)."""
        entry = self.store.index().get(doc_id)
        if entry is None:
            return None
        loaded = self._part(entry.part)
        if loaded.documents is None:
            loaded.documents = loaded.tables["documents"].to_pylist()
        bounds = loaded.bounds["documents"]
        start = int(bounds[entry.position])
        return dict(loaded.documents[start]) if bounds[entry.position + 1] > start else None
