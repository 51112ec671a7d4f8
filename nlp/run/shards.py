"""Per-document result shards: one JSON file per content hash, written atomically.

A shard is complete or absent (temporary file + ``os.replace``), so a run killed at any
moment leaves only finished documents behind and a re-run neither loses nor duplicates one.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from nlp.io import reader_kind
from nlp.outputs import atomic_write_bytes, dumps_json

SHARD_DIR = "shards"
SHARD_SUFFIX = ".json.gz"
UNREADABLE = "unreadable-"
RUNNING_DIR = ".running"  # a marker per document being processed (crash attribution)


def content_hash(path: str | Path) -> str:
    """sha256 of the file bytes; for an unreadable path, a hash of the path (so it still gets a row)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return UNREADABLE + hashlib.sha256(os.path.abspath(path).encode("utf-8")).hexdigest()[:40]
    return h.hexdigest()


def document_id(path: str | Path) -> str:
    """The identity of an input: its bytes *and* the reader its name sends it to (``<sha256>-pdf``), so
    an HTML page saved as .txt is not merged with the .html copy, nor a .docx with a .txt of the same
    bytes. Inputs with the same identity are analysed once."""
    digest = content_hash(path)
    return digest if digest.startswith(UNREADABLE) else f"{digest}-{reader_kind(path)}"


def file_sha256(doc_id: str) -> str | None:
    """The sha256 of the file's bytes, from its document id (None for an unreadable file)."""
    return None if doc_id.startswith(UNREADABLE) else doc_id.split("-", 1)[0]


class ShardStore:
    """The shard directory of one run output directory."""

    def __init__(self, outdir: str | Path):
        self.root = Path(outdir) / SHARD_DIR
        self.running = Path(outdir) / RUNNING_DIR

    def path(self, doc_id: str) -> Path:
        return self.root / doc_id[:2] / f"{doc_id}{SHARD_SUFFIX}"

    def write(self, doc_id: str, shard: dict[str, Any]) -> None:
        # gzip: a shard is mostly repeated keys and section text; compressed it is a tenth of the size,
        # which keeps a run directory within a small multiple of the input (mtime 0: same bytes each run)
        atomic_write_bytes(self.path(doc_id), gzip.compress(dumps_json(shard).encode("utf-8"), compresslevel=6,
                                                            mtime=0))

    def read(self, doc_id: str) -> dict[str, Any] | None:
        try:
            return json.loads(gzip.decompress(self.path(doc_id).read_bytes()))
        except (OSError, ValueError, EOFError):  # absent, or cut short by a kill before the rename
            return None

    def is_done(self, doc_id: str, signature: str) -> bool:
        """A finished, successful shard made by the same pipeline (errors are always retried)."""
        shard = self.read(doc_id)
        return bool(shard and shard.get("signature") == signature and shard.get("ok"))

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

    def clean_temporary(self) -> int:
        """Remove temporary files left by a killed run."""
        n = 0
        if self.root.is_dir():
            for tmp in self.root.glob("*/.*.tmp"):
                tmp.unlink(missing_ok=True)
                n += 1
        return n
