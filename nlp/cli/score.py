"""`govnlp score`: a score sheet per report (deductions with evidence) and rankings within groups."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli.app import app


@app.command("score")
def score_cmd(
    rundir: Path = typer.Argument(..., help="A directory written by `govnlp run`."),
    rubric: Path | None = typer.Option(None, "--rubric", help="A rubric YAML file (default: the packaged "
                                       "nlp/resources/rubric.yaml, after common evaluation indicators)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Output folder (default RUNDIR/score)."),
) -> None:
    """Score every report of a run: deductions for late publication (D19), missing sections or tables,
    failed consistency checks, an empty or unanswered section 五 and copying, each with its rule and
    evidence (cells, text span, similar report). Writes scores.parquet/csv (score, indicator scores,
    rank within level, region and year), score_deductions.parquet/csv and sheets/DOC_ID.json.

    Example: govnlp score out/demo --rubric my_rubric.yaml
    """
    from nlp.score import score_run

    try:
        result = score_run(rundir, rubric, output)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for s in sorted(result.sheets, key=lambda s: (-s["score"], str(s["agency"]))):
        typer.echo(f"{s['score']:6.1f}  {s['agency'] or '?'} {s['year'] or ''}  ({len(s['deductions'])} deductions)")
    for f in result.files:
        typer.echo(f"wrote {f}")
    typer.echo(f"wrote {len(result.sheets)} sheets to {result.outdir / 'sheets'}")
