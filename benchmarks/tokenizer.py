"""Tokenizer benchmark: throughput (MB/s) and peak memory of our segmenters vs raw rjieba and raw jieba.

    python benchmarks/tokenizer.py [--mb 20] [--jieba-mb 2] [--runs 5]

Text: the seed and real reports (benchmarks/_corpus.py) replicated to ``--mb`` MB. jieba is timed on
the first ``--jieba-mb`` MB (it is ~15-40x slower) and reported in MB/s as well. Times are medians
of ``--runs`` interleaved runs in one process; the ratio column compares each layer with the raw
library it wraps. Memory is measured in a fresh child process per row (Linux RSS): the dictionary's
resident size after building the segmenter, and the peak RSS growth while cutting (which includes the
list of token strings). Prints a Markdown table. Target: govnlp rjieba >= 0.8x raw rjieba. The domain
dictionary makes the layer *faster* than raw rjieba (fewer, longer tokens = fewer Python strings to
build); the "no domain dict" row isolates the wrapper's own overhead.
"""
from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
# This file shares its name with the stdlib module `tokenize` (imported by linecache, inspect, ...):
# move its folder behind the standard library on sys.path so that `import tokenize` finds the stdlib.
if sys.path and os.path.abspath(sys.path[0] or os.getcwd()) == _HERE:
    sys.path.append(sys.path.pop(0))

import argparse
import gc
import json
import logging
import resource
import statistics
import subprocess
import time
from collections.abc import Callable

from _corpus import build_text, mb

# name -> (which text: "full" or "slice", baseline row for the ratio or None)
ROWS: dict[str, tuple[str, str | None]] = {
    "rjieba (raw)": ("full", None),
    "govnlp rjieba + domain dict": ("full", "rjieba (raw)"),
    "govnlp rjieba, no domain dict": ("full", "rjieba (raw)"),  # the wrapper's own overhead
    "jieba 0.42.1 (raw)": ("slice", None),
    "govnlp jieba + domain dict": ("slice", "jieba 0.42.1 (raw)"),
    "govnlp ngram:2 + domain dict": ("slice", None),
}


def make_cutter(row: str) -> Callable[[str], list[str]]:
    """Build the segmenter of a row (dictionary loading happens here, outside the timed part)."""
    if row == "rjieba (raw)":
        import rjieba

        engine = rjieba.Jieba()
        return engine.cut
    if row == "jieba 0.42.1 (raw)":
        import jieba

        jieba.setLogLevel(logging.WARNING)
        engine = jieba.Tokenizer()
        engine.initialize()
        return engine.lcut
    from nlp.tokenize import new_segmenter

    if row == "govnlp rjieba, no domain dict":
        return new_segmenter("rjieba", domain=False).cut
    name = {"govnlp rjieba + domain dict": "rjieba", "govnlp jieba + domain dict": "jieba",
            "govnlp ngram:2 + domain dict": "ngram:2"}[row]
    return new_segmenter(name).cut


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _reset_peak_rss() -> None:
    """Reset the kernel's high-water mark (VmHWM) so that reading the corpus does not count."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # older kernels / no procfs: the peak then includes corpus reading


def _peak_rss_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1e3
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux


def child(row: str, text_mb: float) -> None:
    """Memory of one row in this (fresh) process; prints JSON."""
    text = build_text(text_mb)
    gc.collect()
    _reset_peak_rss()
    base = _current_rss_mb()
    cut = make_cutter(row)
    gc.collect()
    built = _current_rss_mb()
    tokens = cut(text)
    peak = _peak_rss_mb()
    print(json.dumps({"dict_mb": built - base, "peak_growth_mb": peak - base, "tokens": len(tokens)}))


def measure_memory(row: str, text_mb: float) -> dict[str, float] | None:
    try:
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", row, "--mb", str(text_mb)],
                             capture_output=True, text=True, check=True, timeout=1800)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError, OSError) as exc:
        print(f"memory measurement failed for {row}: {exc}", file=sys.stderr)
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="size of the benchmark text in MB (default 20)")
    ap.add_argument("--jieba-mb", type=float, default=2.0, help="slice for the slow rows (default 2 MB)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per row; the median is reported")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-row memory child processes")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.mb)
        return

    full = build_text(args.mb)
    piece = build_text(min(args.jieba_mb, args.mb))
    texts = {"full": full, "slice": piece}
    cutters = {row: make_cutter(row) for row in ROWS}
    times: dict[str, list[float]] = {row: [] for row in ROWS}
    n_tokens: dict[str, int] = {}
    for _ in range(args.runs):
        for row, (which, _) in ROWS.items():  # interleaved: drift affects every row alike
            text = texts[which]
            t0 = time.perf_counter()
            tokens = cutters[row](text)
            times[row].append(time.perf_counter() - t0)
            n_tokens[row] = len(tokens)
            del tokens
    speed = {row: mb(texts[which]) / statistics.median(times[row]) for row, (which, _) in ROWS.items()}

    print(f"Text: {len(full):,} characters = {mb(full):.1f} MB (UTF-8) of seed + real reports; slow rows on "
          f"the first {mb(piece):.1f} MB. Median of {args.runs} runs; Python {sys.version.split()[0]}.\n")
    print("| segmenter | text | MB/s | × baseline | tokens | dictionary RSS (MB) | peak RSS growth (MB) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row, (which, baseline) in ROWS.items():
        ratio = f"{speed[row] / speed[baseline]:.2f}" if baseline else "—"
        mem = None if args.no_memory else measure_memory(row, args.mb if which == "full" else args.jieba_mb)
        dict_mb = f"{mem['dict_mb']:.0f}" if mem else "n/a"
        peak = f"{mem['peak_growth_mb']:.0f}" if mem else "n/a"
        print(f"| {row} | {mb(texts[which]):.1f} MB | {speed[row]:.2f} | {ratio} | {n_tokens[row]:,} | "
              f"{dict_mb} | {peak} |", flush=True)
    ratio = speed["govnlp rjieba + domain dict"] / speed["rjieba (raw)"]
    print(f"\ngovnlp rjieba layer / raw rjieba = {ratio:.2f} (target >= 0.8): {'OK' if ratio >= 0.8 else 'BELOW TARGET'}")
    print(f"rjieba / jieba speed-up (raw): {speed['rjieba (raw)'] / speed['jieba 0.42.1 (raw)']:.1f}x")


if __name__ == "__main__":
    main()
