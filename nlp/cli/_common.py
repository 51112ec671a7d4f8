"""Helpers shared by batch commands: input discovery, progress, JSON-lines output (written atomically)."""
from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import typer

from nlp.io.inputs import find_inputs
from nlp.outputs import dumps_json, output_stream

__all__ = ["expand_inputs", "output_stream", "progress", "write_jsonl"]


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, folders expanded recursively to supported reports (sorted, de-duplicated).

    A path named on the command line is kept whatever it is, so that it yields its own record; what
    is passed over inside a folder (links that loop or dangle, FIFOs, unreadable folders) gets a
    warning line on stderr.
    """
    found = find_inputs(paths)
    for path, reason in found.skipped:
        typer.echo(f"warning: skipped {path}: {reason}", err=True)
    return found.files


def progress(items: list, desc: str) -> Iterable:
    """A tqdm progress bar on stderr, shown only for several inputs on a terminal."""
    from tqdm import tqdm

    return tqdm(items, desc=desc, unit="doc", file=sys.stderr,
                disable=len(items) < 2 or not sys.stderr.isatty())


def write_jsonl(fh: IO[str], record: dict[str, Any]) -> None:
    fh.write(dumps_json(record) + "\n")
