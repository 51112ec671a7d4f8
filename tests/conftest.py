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


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    assert len(SEED_FILES) == 5, "corpus/samples must hold the five seed reports"
    return SEED_FILES
