"""Every output file is written through here: complete or absent, never half-written.

One mechanism (a temporary file in the target's folder, made readable like any other output,
renamed over the target on success and removed on failure) serves the JSON-lines of the batch
commands, the run's parts (folders, via atomic_dir) and manifest, the Parquet/CSV tables and the comparison files, so
they all share the same file mode and the same guarantee.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:  # pyarrow is imported only by the writers that need it
    import pyarrow as pa

FILE_MODE = 0o644  # mkstemp creates 0600; outputs are meant to be shared with other users
TEMPORARY_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``; it replaces ``path`` when the block ends without an error."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def dumps_json(obj: Any, indent: int | None = None) -> str:
    """Strict JSON (never NaN or Infinity, which are not JSON) that can always be written as UTF-8:
    a file name with bytes that are not UTF-8 is escaped (``\\udcNN``) rather than failing the write."""
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=indent)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True, allow_nan=False, indent=indent)


def _writable(value: Any) -> Any:
    """A string that UTF-8 cannot encode (surrogate-escaped file-name bytes) shown as ``\\xNN``."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return value


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


@contextlib.contextmanager
def output_stream(path: str | Path | None) -> Iterator[IO[str]]:
    """stdout (for ``None`` or ``-``), or a text file written atomically."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        yield fh


@contextlib.contextmanager
def atomic_dir(path: str | Path) -> Iterator[Path]:
    """A temporary folder beside ``path`` that becomes ``path`` (which must not exist yet) when the block
    ends without an error: a reader sees all of its files or none (the run's part files)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMPORARY_SUFFIX))
    try:
        yield tmp
        os.chmod(tmp, 0o755)
        for child in tmp.iterdir():
            os.chmod(child, FILE_MODE)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def remove_temporary_files(folder: str | Path) -> int:
    """Remove the temporary files and folders an interrupted writer left in ``folder`` (not recursive)."""
    n = 0
    root = Path(folder)
    if root.is_dir():
        for tmp in root.glob(f".*{TEMPORARY_SUFFIX}"):
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            else:
                tmp.unlink(missing_ok=True)
            n += 1
    return n


def arrow_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows as an Arrow table of ``schema`` (file names that are not UTF-8 shown as ``\\xNN``)."""
    import pyarrow as pa

    try:
        return pa.Table.from_pylist(rows, schema=schema)
    except (UnicodeEncodeError, pa.ArrowInvalid):  # rare: file names that are not UTF-8
        return pa.Table.from_pylist([{k: _writable(v) for k, v in row.items()} for row in rows], schema=schema)


class TableWriter:
    """Append rows to ``<name>.parquet`` and/or ``<name>.csv``; the files appear complete on :meth:`close`."""

    def __init__(self, outdir: Path, name: str, schema: pa.Schema, formats: tuple[str, ...],
                 batch_rows: int = 5_000):
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        self.schema = schema
        self.batch_rows = batch_rows  # rows buffered before a write: bounds memory whatever the corpus size
        self.rows: list[dict[str, Any]] = []
        self.tables: list[pa.Table] = []  # Arrow slices added as they are (rows are converted first)
        self.n_buffered = 0
        self.n_rows = 0
        self.final = {fmt: Path(outdir) / f"{name}.{fmt}" for fmt in formats}
        self._files = contextlib.ExitStack()  # the temporary files: renamed on close, removed on abort
        self._tmp = {fmt: self._files.enter_context(atomic_path(path)) for fmt, path in self.final.items()}
        self._parquet = (pq.ParquetWriter(self._tmp["parquet"], schema, compression="zstd")
                         if "parquet" in formats else None)
        self._csv = pacsv.CSVWriter(str(self._tmp["csv"]), schema) if "csv" in formats else None

    def add(self, rows: list[dict[str, Any]]) -> None:
        if self.tables and rows:  # keep the order of rows and tables added
            self._stash_rows()
        self.rows.extend(rows)
        self.n_buffered += len(rows)
        if self.n_buffered >= self.batch_rows:
            self.flush()

    def add_table(self, table: pa.Table) -> None:
        """Append an Arrow table (or slice) of this writer's schema."""
        if self.rows:
            self._stash_rows()
        if table.num_rows:
            self.tables.append(table)
            self.n_buffered += table.num_rows
        if self.n_buffered >= self.batch_rows:
            self.flush()

    def _stash_rows(self) -> None:
        self.tables.append(arrow_table(self.rows, self.schema))
        self.rows = []

    def flush(self) -> None:
        import pyarrow as pa

        if self.rows:
            self._stash_rows()
        if not self.tables:
            return
        table = self.tables[0] if len(self.tables) == 1 else pa.concat_tables(self.tables)
        self._write(table.combine_chunks())
        self.n_rows += table.num_rows
        self.tables, self.n_buffered = [], 0

    def _write(self, table: pa.Table) -> None:
        for writer in (self._parquet, self._csv):
            if writer is not None:
                writer.write_table(table)

    def close(self) -> None:
        self.flush()
        if self.n_rows == 0:  # an empty table still gets its header/schema
            self._write(self.schema.empty_table())
        self._close_writers()
        self._files.close()

    def abort(self) -> None:
        with contextlib.suppress(Exception):  # already failing: just release the files
            self._close_writers()
        error = RuntimeError("table writer aborted")
        self._files.__exit__(RuntimeError, error, None)

    def _close_writers(self) -> None:
        for writer in (self._parquet, self._csv):
            if writer is not None:
                writer.close()


def write_frame(df: Any, outdir: str | Path, name: str, formats: tuple[str, ...] = ("parquet", "csv")) -> list[Path]:
    """A pandas DataFrame as ``<name>.parquet`` and/or ``<name>.csv`` in ``outdir``, each written atomically."""
    paths = []
    for fmt in formats:
        path = Path(outdir) / f"{name}.{fmt}"
        with atomic_path(path) as tmp:
            if fmt == "parquet":
                df.to_parquet(tmp, index=False, compression="zstd")
            else:
                df.to_csv(tmp, index=False)
        paths.append(path)
    return paths
