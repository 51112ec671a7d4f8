"""Helpers shared by batch commands: input discovery, progress, JSON-lines output (written atomically)."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from nlp.io import SUPPORTED_SUFFIXES
from nlp.outputs import output_stream

__all__ = ["expand_inputs", "output_stream", "progress", "write_jsonl"]


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, directories expanded recursively to supported reports (sorted, de-duplicated).

    A path that does not exist is kept, so that it yields an error record downstream.
    """
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        items = (
            sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            if p.is_dir() else [p]
        )
        for f in items:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                out.append(f)
    return out


def progress(items: list, desc: str) -> Iterable:
    """A tqdm progress bar on stderr, shown only for several inputs on a terminal."""
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", file=sys.stderr,
                disable=len(items) < 2 or not sys.stderr.isatty())


def write_jsonl(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
