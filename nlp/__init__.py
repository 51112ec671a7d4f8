"""govnlp: read Chinese government information-disclosure annual reports and turn them into data.

The public Python API mirrors the command line::

    import nlp
    report = nlp.parse_report("report.txt")          # read → normalise → segment → tables
    report = nlp.parse_report("report.txt", "run")   # the whole pipeline
"""
from __future__ import annotations

__version__ = "0.1.0"

from nlp.pipeline import Pipeline, parse_report, parse_text

__all__ = ["Pipeline", "__version__", "parse_report", "parse_text"]
