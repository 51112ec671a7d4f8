"""`govnlp run` (whole pipeline over a corpus into tables) and `govnlp similarity` (copying/boilerplate)."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli.app import app


def _formats(csv: bool) -> tuple[str, ...]:
    # Parquet is always written: `govnlp similarity`, `govnlp compare` and the notebook read it.
    return ("parquet", "csv") if csv else ("parquet",)


def _copying_line(outdir: Path) -> str:
    import pyarrow.parquet as pq

    from nlp.compare.copying import PEER_COPY, STATUTE_COPY

    sim = pq.read_table(outdir / "similarity.parquet",
                        columns=["doc_id", "statute_containment", "max_sim_other", "sim_prev"]).to_pandas()
    statute = sim.loc[sim["statute_containment"] >= STATUTE_COPY, "doc_id"].nunique()
    peer = sim.loc[sim["max_sim_other"] >= PEER_COPY, "doc_id"].nunique()
    prev = sim.loc[sim["sim_prev"].notna(), "doc_id"].nunique()
    return (f"copying: {statute} reports copy statute text into a section, {peer} share a near-identical "
            f"section with another unit, {prev} have an earlier report of the same unit")


def _arrow_returns_memory() -> None:
    """This process streams every table through Arrow: with jemalloc returning freed pages at once, its
    RSS stays flat instead of holding on to what each batch used (10,000 reports: assembling the
    tables peaked at 329 MB with Arrow's default pool, 218 MB with this). Set here, in the command,
    because the memory pool is process-wide: a library caller keeps its own choice."""
    import pyarrow as pa

    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
        pa.jemalloc_set_decay_ms(0)
    except (NotImplementedError, AttributeError):  # a pyarrow built without jemalloc
        pass


@app.command("run")
def run_cmd(
    inputs: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    outdir: Path = typer.Option(..., "-o", "--outdir", help="Output directory (created; re-used to resume)."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Worker processes (default: number of cores)."),
    force: bool = typer.Option(False, "--force", help="Re-process documents already done in OUTDIR."),
    pipeline: str = typer.Option("run", "--pipeline", help="Named pipeline from pipeline.yaml, or a "
                                 "comma-separated component list (e.g. normalize,segment,metadata)."),
    similarity: bool = typer.Option(True, "--similarity/--no-similarity",
                                    help="Also compute copying/boilerplate/follow-up tables (govnlp similarity)."),
    csv: bool = typer.Option(False, "--csv/--no-csv", help="Also write every table as CSV (Parquet always)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Process documents on a Dask cluster: "
                                         "local:N (a LocalCluster of N workers) or a scheduler address "
                                         "(tcp://host:8786); needs govnlp[dask] and an OUTDIR the workers share."),
) -> None:
    """Run the whole pipeline on every report, in parallel, into analysis-ready tables.

    Writes documents, sections, table_cells, checks, facts, statements (+ similarity,
    near_duplicates, followup) as Parquet and CSV, and manifest.json. Every input yields one
    documents row (ok or error). Re-running skips documents already done (by content hash);
    a killed run resumes where it stopped.

    Example: govnlp run corpus/samples -o out/demo

    Exit code 0 when every input succeeded, 1 when any failed (its documents row has ok=false).
    """
    from nlp.component import MissingPrerequisite
    from nlp.run import run_corpus
    from nlp.run.lock import OutdirLocked

    components: str | list[str] = pipeline if "," not in pipeline else [c.strip() for c in pipeline.split(",")]
    _arrow_returns_memory()
    try:
        summary = run_corpus(inputs, outdir, components=components, jobs=jobs or None, force=force,
                             progress=not quiet, similarity=similarity, formats=_formats(csv),
                             scheduler=scheduler)
    except (KeyError, AttributeError, ImportError, MissingPrerequisite) as exc:  # unknown, broken or misordered
        typer.echo(f"error: cannot build the pipeline {pipeline!r}: {exc}", err=True)
        raise typer.Exit(2) from exc
    except (OutdirLocked, RuntimeError) as exc:  # another writer; or --scheduler without Dask installed
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if summary.n_inputs == 0:
        typer.echo(f"no reports found in: {', '.join(map(str, inputs))}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{summary.n_inputs} documents: {summary.n_ok} ok, {summary.n_errors} errors "
               f"({summary.n_processed} processed, {summary.n_skipped} already done) in {summary.seconds:.1f}s")
    typer.echo("rows: " + ", ".join(f"{k} {v}" for k, v in summary.counts.items()))
    if similarity and summary.counts.get("similarity"):
        typer.echo(_copying_line(outdir))
    for err in summary.errors[:10]:
        typer.echo(f"error: {err['error']}", err=True)
    if len(summary.errors) > 10:
        typer.echo(f"… and {len(summary.errors) - 10} more errors (see manifest.json)", err=True)
    typer.echo(f"outputs: {outdir}/{{{','.join(summary.counts)}}}.{{{','.join(_formats(csv))}}}, "
               f"{outdir}/manifest.json")
    raise typer.Exit(1 if summary.n_errors else 0)


@app.command("similarity")
def similarity_cmd(
    outdir: Path = typer.Argument(..., help="A directory written by `govnlp run`."),
    csv: bool = typer.Option(False, "--csv/--no-csv", help="Also write the tables as CSV (Parquet always)."),
) -> None:
    """Copying, boilerplate and year-over-year follow-up over a finished run directory.

    Per report and narrative section: similarity to the unit's previous report, to other units'
    reports and to statute text; near-duplicate statements across units; follow-up of last year's
    problems (coverage and recurrence). `govnlp run` does this already unless --no-similarity;
    use this command to recompute it.

    Example: govnlp similarity out/demo
    """
    from nlp.run.lock import OutdirLocked, outdir_lock
    from nlp.similarity import run_similarity

    if not (outdir / "sections.parquet").exists():
        typer.echo(f"error: {outdir}: no sections.parquet (not a `govnlp run` output directory?)", err=True)
        raise typer.Exit(1)
    _arrow_returns_memory()
    try:
        with outdir_lock(outdir):
            counts, files = run_similarity(outdir, formats=_formats(csv))
    except OutdirLocked as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo("rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    typer.echo("outputs: " + ", ".join(files.values()))
