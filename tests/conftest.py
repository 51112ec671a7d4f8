"""Shared fixtures: the seeds bundled in corpus/samples and the real reports in ../shared."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "corpus" / "samples"
SHARED = Path(os.environ.get("GOVNLP_SHARED", ROOT.parent / "shared"))
REAL = SHARED / "corpus" / "real"

SEED_FILES = sorted(SAMPLES.glob("*.txt"))

requires_shared = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real is absent")


def real_reports(*suffixes: str) -> list[Path]:
    """Real reports under ../shared/corpus/real with one of these suffixes (empty when absent)."""
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.iterdir() if p.suffix.lower() in suffixes)


FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
TEXT_SUFFIXES = (".txt", ".md", ".html")


def layout_variants(text: str) -> list[str]:
    """The text and the layouts real copies of a report arrive in: no whitespace, no line breaks,
    full-width digits, CRLF line ends (for tests that a fast path equals the code it replaces)."""
    return [text, "".join(text.split()), text.replace("\n", ""), text.translate(FULL_WIDTH_DIGITS),
            text.replace("\n", "\r\n")]


def text_reports() -> list[Path]:
    """The seeds and the real text reports (HTML included)."""
    return list(SEED_FILES) + real_reports(*TEXT_SUFFIXES)


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEED_FILES) == 5, "corpus/samples must hold the five seed reports"
    return SEED_FILES
