"""Boilerplate, copying and year-over-year follow-up over a run directory (MinHash LSH, linear cost)."""
from __future__ import annotations

from typing import Any

__all__ = ["run_similarity"]


def __getattr__(name: str) -> Any:
    # Lazy: run workers import nlp.similarity.features only; the corpus step (LSH index, Parquet readers)
    # is loaded by the run's parent alone, when it is needed.
    if name == "run_similarity":
        from nlp.similarity.corpus import run_similarity

        return run_similarity
    raise AttributeError(f"module 'nlp.similarity' has no attribute {name!r}")
