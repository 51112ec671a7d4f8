"""PDF reading speed: nlp.io.pdf.read_pdf_file against raw pdfplumber ``extract_text`` on the same files.

Reports seconds per page for both and their ratio (median of N runs, same process), for the real
PDFs in ../shared/corpus/real (or the paths given on the command line).

    python benchmarks/read_pdf.py [PDF ...]
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import pdfplumber

from nlp.io.pdf import read_pdf_file

RUNS = 5
REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


def _raw(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()


def main(paths: list[Path]) -> None:
    if not paths:
        print(f"no PDFs (looked in {REAL})")
        return
    print(f"{'file':45s} {'pages':>5s} {'ours s/page':>12s} {'raw s/page':>11s} {'ratio':>6s}")
    for path in paths:
        ours, raw = [], []
        for _ in range(RUNS):
            t = time.perf_counter()
            res = read_pdf_file(path)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            _raw(path)
            raw.append(time.perf_counter() - t)
        n = res.extras["pages"]
        o, r = statistics.median(ours), statistics.median(raw)
        print(f"{path.name:45s} {n:5d} {o / n:12.3f} {r / n:11.3f} {o / r:6.2f}")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]]
    if not args and REAL.is_dir():
        args = sorted(REAL.glob("*.pdf"))
    main(args)
