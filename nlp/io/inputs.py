"""Finding the input files of a batch: one walk for every command.

A path named on the command line is always kept (so it gets its own record, ok or error). Folders
are walked without following links to folders (a link loop cannot trap the walk); inside them,
anything that is not a readable regular report file is skipped *with its reason*, so that the
caller can warn and record it instead of silently dropping it.
"""
from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlp.io import SUPPORTED_SUFFIXES

_NOT_REPORTS = ("README", "SOURCES", "LICENSE")  # corpus documentation found in report folders


@dataclass
class Inputs:
    """The files to process, in order, and what was passed over inside folders (path, reason)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def display_path(path: str | Path) -> str:
    """A file name as text that can always be written: bytes that are not UTF-8 (kept by Python as
    surrogate escapes) appear as ``\\xNN``; every other character, newlines and tabs included, is kept."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def find_inputs(paths: Iterable[str | Path]) -> Inputs:
    """Files named directly plus the supported reports found under named folders (sorted, de-duplicated)."""
    found = Inputs()
    seen: set[str] = set()

    def add(p: Path) -> None:
        key = os.path.abspath(p)
        if key not in seen:
            seen.add(key)
            found.files.append(p)

    for raw in paths:
        p = Path(raw)
        if _is_dir(p):
            for f in _walk(p, found.skipped):
                add(f)
        else:
            add(p)
    return found


def _is_dir(p: Path) -> bool:
    try:
        return stat.S_ISDIR(p.stat().st_mode)
    except OSError:
        return False


def _walk(root: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    out: list[Path] = []

    def on_error(exc: OSError) -> None:
        skipped.append((display_path(exc.filename or root), f"folder not readable: {exc.strerror or exc}"))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs.sort()
        for d in dirs:
            if os.path.islink(os.path.join(folder, d)):
                skipped.append((display_path(os.path.join(folder, d)), "link to a folder (not followed)"))
        for name in sorted(names):
            path = Path(folder) / name
            if path.suffix.lower() not in SUPPORTED_SUFFIXES or name.startswith(".") \
                    or name.upper().startswith(_NOT_REPORTS):
                continue
            reason = _not_a_report_file(path)
            if reason:
                skipped.append((display_path(path), reason))
            else:
                out.append(path)
    return sorted(out)  # the order of Path objects, as the whole tree sorted at once


def _not_a_report_file(path: Path) -> str | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return "dangling symbolic link"
    except OSError as exc:
        return "symbolic link loop" if exc.errno == errno.ELOOP else f"cannot open: {exc.strerror or exc}"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a FIFO, device or socket)"
    return None
