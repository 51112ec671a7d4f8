"""Benchmark text built from the real reports: the seeds (corpus/samples) plus the text files of
../shared/corpus/real (never the held-out corpus), read with nlp.io.read_document and replicated
to the size a benchmark needs. Shared by every benchmark script; nothing is copied into the repo.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SHARED = Path(os.environ.get("GOVNLP_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "corpus" / "real"
TEXT_SUFFIXES = (".txt", ".md", ".html", ".htm")

if str(ROOT) not in sys.path:  # run from a checkout without `pip install -e .`
    sys.path.append(str(ROOT))


def corpus_paths(include_pdf: bool = False) -> list[Path]:
    """Seed reports, then the real reports in ../shared/corpus/real (text formats; PDFs on request)."""
    suffixes = TEXT_SUFFIXES + ((".pdf",) if include_pdf else ())
    paths = sorted(SAMPLES.glob("*.txt"))
    if REAL.is_dir():
        paths += sorted(p for p in REAL.iterdir() if p.suffix.lower() in suffixes)
    return paths


@lru_cache(maxsize=2)
def corpus_documents(include_pdf: bool = False) -> tuple[tuple[str, str], ...]:
    """``(file name, text)`` of every corpus report, as :func:`nlp.io.read_document` returns it."""
    from nlp.io import read_document

    docs = tuple((p.name, read_document(p).text) for p in corpus_paths(include_pdf))
    if not docs:
        raise SystemExit(f"no reports found in {SAMPLES} or {REAL}")
    return docs


def build_text(target_mb: float = 20.0, include_pdf: bool = False, separator: str = "\n\n") -> str:
    """The corpus documents, in a fixed order, repeated until the UTF-8 text reaches ``target_mb`` MB
    (10^6 bytes); deterministic, so every benchmark run sees the same text."""
    docs = [text for _, text in corpus_documents(include_pdf)]
    target = int(target_mb * 1_000_000)
    parts: list[str] = []
    size = 0
    sep_bytes = len(separator.encode("utf-8"))
    while size < target:
        for text in docs:
            parts.append(text)
            size += len(text.encode("utf-8")) + sep_bytes
            if size >= target:
                break
    return separator.join(parts)


def mb(text: str) -> float:
    """Size of ``text`` in MB (10^6 bytes of UTF-8)."""
    return len(text.encode("utf-8")) / 1_000_000
