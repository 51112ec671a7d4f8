"""Fact extraction throughput vs raw rjieba tokenisation of the same narrative text.

    python benchmarks/facts.py [--mb 3] [--runs 5]

Text: the narrative parts (preamble, 一, 五, 六: what facts are extracted from) of the seed and real
reports (benchmarks/_corpus.py), replicated to ``--mb`` MB, cut into report-sized pieces of ~20 000
characters (a report's narrative is 1-8 000). Timed, median of ``--runs`` interleaved runs in one process:

* baseline: ``rjieba.Jieba().cut`` over each piece (dictionary loaded outside the timing);
* facts component: ``FactExtractor(narrative_only=False).extract(piece, norm=...)`` with the normalised
  text given, as in the pipeline (the "normalize" component runs before "facts" for every component);
* extract_facts: the same including ``nlp.normalize.normalize`` (offset-mapped normalisation, not ours).

Prints MB/s and the ratio to rjieba (target >= 0.3x).
"""
from __future__ import annotations

import argparse
import statistics
import time

from _corpus import corpus_paths, mb

PIECE = 20_000


def narrative_text() -> str:
    """Narrative regions of every corpus report (tables excluded), joined."""
    import nlp
    from nlp.facts.spans import regions_from_sections

    parts = []
    for path in corpus_paths():
        report = nlp.Pipeline(["normalize", "segment"]).from_path(path)
        if not report.ok:
            continue
        for region in regions_from_sections(report.text, report.sections, lambda i: i):
            parts.append(report.text[region.start:region.end])
    return "\n".join(parts)


def pieces(target_mb: float) -> list[str]:
    base = narrative_text()
    text = base
    while mb(text) < target_mb:
        text += "\n" + base
    return [text[i:i + PIECE] for i in range(0, len(text), PIECE)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    import rjieba

    from nlp.facts import FactExtractor

    chunks = pieces(args.mb)
    size = sum(mb(c) for c in chunks)
    engine = rjieba.Jieba()
    extractor = FactExtractor(narrative_only=False)
    extractor.extract(chunks[0])  # compile the lexicon outside the timing
    from nlp.normalize import normalize

    norms = [normalize(c) for c in chunks]
    times: dict[str, list[float]] = {"rjieba": [], "component": [], "standalone": []}
    n_facts = 0
    for _ in range(args.runs):
        t = time.perf_counter()
        for c in chunks:
            engine.cut(c)
        times["rjieba"].append(time.perf_counter() - t)
        t = time.perf_counter()
        n_facts = sum(len(extractor.extract(c, norm=n)) for c, n in zip(chunks, norms))
        times["component"].append(time.perf_counter() - t)
        t = time.perf_counter()
        for c in chunks:
            extractor.extract(c)
        times["standalone"].append(time.perf_counter() - t)
    speed = {k: size / statistics.median(v) for k, v in times.items()}
    print(f"narrative text: {size:.2f} MB in {len(chunks)} pieces; {n_facts} facts per run; median of {args.runs}")
    print("| step | MB/s | ratio to raw rjieba |\n|---|---|---|")
    print(f"| rjieba cut (raw) | {speed['rjieba']:.2f} | 1.00x |")
    print(f"| facts component (normalised text given) | {speed['component']:.2f} | "
          f"{speed['component'] / speed['rjieba']:.2f}x (target >= 0.3x) |")
    print(f"| extract_facts incl. normalisation | {speed['standalone']:.2f} | "
          f"{speed['standalone'] / speed['rjieba']:.2f}x |")


if __name__ == "__main__":
    main()
