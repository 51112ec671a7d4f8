"""The corpus similarity step at scale, on reports that are mostly distinct.

    python benchmarks/similarity.py [--sizes 10000,50000] [--distinct 0.7]

Why a benchmark of its own: `benchmarks/run.py` replicates a few dozen real reports, so its
copies share one signature per section and the LSH index stays tiny whatever the size. In a real
corpus most sections and statements are distinct texts, each its own LSH entry and cluster.

Corpus: one `govnlp run` over the benchmark reports (benchmarks/_corpus.py), whose documents,
statements and similarity features are replicated to each size with new doc ids; a share
``--distinct`` of the section and statement signatures is replaced by unrelated random ones (a
distinct text), the others keep their report's signature with 5% of the values changed (a near
copy: the boilerplate every unit writes). Agencies come three reports to a unit, in successive
years, so the follow-up table has pairs to compare. Seeded: every run sees the same data.

Each size runs `run_similarity` in a fresh child process, with the Arrow memory pool the commands
set: wall seconds, seconds per 1,000 reports
and the child's own peak RSS (VmHWM). Prints a Markdown table (JSON with --json).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _corpus import ROOT, corpus_paths

CHILD = """
import sys, time
from nlp.cli.run import _arrow_returns_memory
from nlp.similarity import run_similarity
_arrow_returns_memory()  # the Arrow memory pool of `govnlp run` and `govnlp similarity`
t = time.perf_counter()
run_similarity(sys.argv[1])
seconds = time.perf_counter() - t
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(seconds, peak / 1024)
"""


def base_run(tmp: Path) -> Path:
    """`govnlp run` over the benchmark reports (no similarity step)."""
    folder, out = tmp / "reports", tmp / "base"
    folder.mkdir()
    for p in corpus_paths():
        (folder / p.name).write_bytes(p.read_bytes())
    subprocess.run([sys.executable, "-m", "nlp", "run", str(folder), "-o", str(out), "-q", "--no-similarity"],
                   cwd=ROOT, check=True, capture_output=True)
    return out


def synthetic_run(base: Path, out: Path, n_docs: int, distinct: float, seed: int = 0) -> None:
    """A run directory of ``n_docs`` reports made from ``base`` (see the module docstring)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    docs = pq.read_table(base / "documents.parquet").filter(pa.compute.field("ok"))
    statements = pq.read_table(base / "statements.parquet")
    features = pq.read_table(base / "_features.parquet")
    ids = docs["doc_id"].to_pylist()
    copies = [(i, ids[i % len(ids)]) for i in range(n_docs)]  # (new report, report copied)
    new_id = [f"{i:08d}" for i, _ in copies]
    out.mkdir(parents=True)

    def replicate(table: pa.Table) -> pa.Table:
        rows_of: dict[str, list[int]] = {}
        for r, d in enumerate(table["doc_id"].to_pylist()):
            rows_of.setdefault(d, []).append(r)
        take = [r for _, d in copies for r in rows_of.get(d, [])]
        owner = [new_id[i] for i, d in copies for _ in rows_of.get(d, [])]
        t = table.take(pa.array(take, pa.int64()))
        return t.set_column(t.schema.get_field_index("doc_id"), "doc_id", pa.array(owner, pa.string()))

    d = replicate(docs)
    units = [f"测试市第{i // 3}区人民政府" for i in range(n_docs)]
    d = d.set_column(d.schema.get_field_index("agency"), "agency", pa.array(units, pa.string()))
    d = d.set_column(d.schema.get_field_index("year"), "year",
                     pa.array([2019 + i % 3 for i in range(n_docs)], d.schema.field("year").type))
    pq.write_table(d, out / "documents.parquet")
    pq.write_table(replicate(statements), out / "statements.parquet")
    f = replicate(features)
    sigs = []
    for s in f["signature"].to_pylist():
        if s is not None:
            a = np.frombuffer(s, dtype=np.uint32).copy()
            if rng.random() < distinct:
                a = rng.integers(0, 2**32, size=len(a), dtype=np.uint64).astype(np.uint32)
            else:
                changed = rng.random(len(a)) < 0.05
                a[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint64).astype(np.uint32)
            s = a.tobytes()
        sigs.append(s)
    f = f.set_column(f.schema.get_field_index("signature"), "signature", pa.array(sigs, pa.binary()))
    pq.write_table(f.replace_schema_metadata(features.schema.metadata), out / "_features.parquet",
                   row_group_size=8192)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,50000")
    ap.add_argument("--distinct", type=float, default=0.7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="govnlp-simbench-") as tmp:
        base = base_run(Path(tmp))
        for n in [int(s) for s in args.sizes.split(",") if s]:
            out = Path(tmp) / f"run{n}"
            synthetic_run(base, out, n, args.distinct)
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-c", CHILD, str(out)], cwd=ROOT, check=True,
                                  capture_output=True, text=True)
            wall = time.perf_counter() - t
            seconds, peak = (float(x) for x in proc.stdout.split()[-2:])
            results.append({"docs": n, "distinct": args.distinct, "similarity_s": round(seconds, 1),
                            "s_per_1k": round(seconds / n * 1000, 2), "peak_rss_mb": round(peak, 1),
                            "wall_s": round(wall, 1)})
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print("| reports | distinct signatures | similarity s | s per 1k reports | peak RSS (MB) |")
    print("|---|---|---|---|---|")
    for r in results:
        print(f"| {r['docs']:,} | {r['distinct']:.0%} | {r['similarity_s']} | {r['s_per_1k']} | {r['peak_rss_mb']} |")


if __name__ == "__main__":
    main()
