"""Labelled statements: loading annotation files (corpus/annotations/*.jsonl).

Records of real reports carry only offsets into ``Report.text`` (the report itself is never
copied into the repository); their text is resolved by reading the document from a search path
and checked against ``text_sha1``. Seed and synthetic records carry their ``text``.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nlp.statements.cleanview import clean_text

# Training and evaluation read labelled data through explicit paths; the defaults are relative to the
# working directory (a project checkout), never to where the package is installed.
CORPUS_DIR = Path("corpus")


def shared_dir() -> Path:
    """``$GOVNLP_SHARED``, else ``../shared`` from the working directory (the real reports)."""
    return Path(os.environ.get("GOVNLP_SHARED", "../shared"))


@dataclass
class LabelledStatement:
    id: str
    text: str
    themes: list[str]
    role: str | None
    status: str | None
    source: str  # seed | real | synthetic
    group: str  # the document (or the synthetic record) — cross-validation never splits a group


@dataclass
class LoadResult:
    statements: list[LabelledStatement] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "id: reason"


def text_sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def default_doc_dirs() -> list[Path]:
    return [CORPUS_DIR / "samples", shared_dir() / "corpus" / "real"]


def _read(doc: str, dirs: Sequence[Path], cache: dict[str, tuple[str, str, Path] | None]
          ) -> tuple[str, str, Path] | None:
    if doc not in cache:
        from nlp.io import read_document
        cache[doc] = None
        for d in dirs:
            p = Path(d) / doc
            if p.is_file():
                text = read_document(p).text
                cache[doc] = (text, hashlib.sha256(text.encode("utf-8")).hexdigest(), p)
                break
    return cache[doc]


def _relocate(path: Path, sha1: str, cache: dict[Path, dict[str, str]]) -> str | None:
    """The statement with this text hash in the document as the splitter reads it today.

    A reader change (e.g. PDF extraction) moves offsets but rarely the statement's text.
    """
    if path not in cache:
        from nlp.pipeline import Pipeline
        report = Pipeline(["normalize", "segment", "metadata", "statements"]).from_path(path)
        cache[path] = {text_sha1(st["text"]): st["text"] for st in report.statement_records()}
    return cache[path].get(sha1)


def iter_records(paths: Iterable[str | Path]) -> Iterable[tuple[str, dict]]:
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield f"{path}:{n}", json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{n}: not valid JSON ({exc})") from exc


def iter_labelled(paths: Iterable[str | Path]) -> Iterable[tuple[str, dict | None, str | None]]:
    """(where, record, skip reason) from project JSONL, Label Studio JSON exports and CSV files."""
    from nlp.themes.labelstudio import csv_records, file_kind, labelstudio_records

    for path in paths:
        kind = file_kind(path)
        if kind == "labelstudio":
            yield from labelstudio_records(path)
        elif kind == "csv":
            yield from csv_records(path)
        else:
            for where, rec in iter_records([path]):
                yield where, rec, None


def load_statements(paths: Iterable[str | Path], doc_dirs: Sequence[str | Path] | None = None) -> LoadResult:
    """Labelled statements from JSONL files, Label Studio exports (.json) and CSV files (.csv);
    records whose document is unavailable are skipped."""
    dirs = [Path(d) for d in (doc_dirs or default_doc_dirs())]
    cache: dict[str, tuple[str, str, Path] | None] = {}
    relocated: dict[Path, dict[str, str]] = {}
    out = LoadResult()
    for where, rec, reason in iter_labelled(paths):
        if rec is None:
            out.skipped.append(f"{where}: {reason}")
            continue
        rid = str(rec.get("id", where))
        source = rec.get("source", "real")
        themes = list(rec.get("themes") or [])
        if not themes:
            out.skipped.append(f"{rid}: no themes")
            continue
        text = rec.get("text")
        if not text:
            doc = _read(rec.get("doc", ""), dirs, cache)
            if doc is None:
                out.skipped.append(f"{rid}: document {rec.get('doc')!r} not found in {[str(d) for d in dirs]}")
                continue
            full, sha, path = doc
            text = clean_text(full[rec["start"]:rec["end"]])
            if rec.get("text_sha1") and rec["text_sha1"] != text_sha1(text):
                moved = _relocate(path, rec["text_sha1"], relocated)
                if moved is None:
                    changed = "reads differently now" if rec.get("doc_sha256") not in (None, sha) else "is unchanged"
                    out.skipped.append(f"{rid}: statement not found at {rec['start']}:{rec['end']} or elsewhere "
                                       f"({rec.get('doc')} {changed}); re-annotate this document")
                    continue
                text = moved
        # written statements are grouped by their pseudo-report (``doc``) when they have one, so that
        # grouped folds never split a written passage; older records without ``doc`` are their own group
        if source == "synthetic":
            group = f"synthetic:{rec['doc']}" if rec.get("doc") else f"synthetic:{rid}"
        else:
            group = str(rec.get("doc") or rid.split("#")[0])
        out.statements.append(LabelledStatement(rid, text, themes, rec.get("role"), rec.get("status"), source, group))
    return out
