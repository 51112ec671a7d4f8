"""OCR speed: seconds per page for scanned PDFs (needs the extra ``govnlp[ocr]``).

Each real PDF in ../shared/corpus/real (or the PDFs given) is turned into an image-only copy
(pages rendered at 144 dpi, saved by Pillow), then read with :func:`nlp.io.read_document`, which
OCRs every page. Reported: wall-clock and CPU seconds per page (median of N runs, engine loaded
once beforehand), and the text-layer reader on the original for scale. CPU seconds matter on a shared machine: wall time
grows with the load, CPU time much less.

    python benchmarks/ocr.py [--runs N] [PDF ...]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"


def scanned_copy(src: Path, dst: Path, scale: float = 2.0) -> Path:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(src))
    images = [pdf[i].render(scale=scale).to_pil().convert("L") for i in range(len(pdf))]
    pdf.close()
    images[0].save(dst, save_all=True, append_images=images[1:], resolution=72 * scale)
    return dst


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("pdfs", nargs="*", type=Path)
    args = ap.parse_args()
    from nlp.io import read_document
    from nlp.io.ocr import _engine, ocr_available

    if not ocr_available():
        sys.exit("the OCR extra is not installed: pip install 'govnlp[ocr]'")
    _engine()  # model loading is a one-off per process; not counted per page
    paths = args.pdfs or sorted(REAL.glob("*.pdf"))
    print(f"{'file':45s} {'pages':>5s} {'OCR wall s/page':>15s} {'OCR cpu s/page':>14s} "
          f"{'text-layer s/page':>17s}")
    with tempfile.TemporaryDirectory() as tmp:
        for src in paths:
            dst = scanned_copy(src, Path(tmp) / src.name)
            wall, cpu, text = [], [], []
            pages = 1
            for _ in range(args.runs):
                t, c = time.perf_counter(), time.process_time()
                res = read_document(dst)
                wall.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
                pages = res.extras["pages"]
                t = time.perf_counter()
                read_document(src)
                text.append(time.perf_counter() - t)
            print(f"{src.name:45s} {pages:5d} {statistics.median(wall) / pages:15.2f} "
                  f"{statistics.median(cpu) / pages:14.2f} {statistics.median(text) / pages:17.3f}")


if __name__ == "__main__":
    main()
