"""Helpers shared by batch commands: input discovery, progress, atomic JSON-lines output."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from nlp.io import SUPPORTED_SUFFIXES


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


@contextmanager
def output_stream(path: str | Path | None) -> Iterator[IO[str]]:
    """stdout, or a file written atomically (temporary file in the same folder, renamed on success)."""
    if path is None or str(path) == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
