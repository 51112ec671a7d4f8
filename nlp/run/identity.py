"""The identity of a run input: its bytes and the reader its name sends it to."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from nlp.io import reader_kind

UNREADABLE = "unreadable-"


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
