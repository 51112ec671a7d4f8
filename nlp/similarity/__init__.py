"""Boilerplate, copying and year-over-year follow-up over a run directory (MinHash LSH, linear cost)."""
from __future__ import annotations

from nlp.similarity.corpus import run_similarity

__all__ = ["run_similarity"]
