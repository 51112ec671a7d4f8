"""``govnlp run``: the whole pipeline over a corpus into analysis-ready tables (see :func:`run_corpus`)."""
from __future__ import annotations

from nlp.run.runner import RunSummary, discover_inputs, run_corpus

__all__ = ["RunSummary", "discover_inputs", "run_corpus"]
