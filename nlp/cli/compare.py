"""`govnlp compare`: theme prevalence, copying and numeric facts by year, level, region or agency."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli.app import app


@app.command("compare")
def compare_cmd(
    rundir: Path = typer.Argument(..., help="A directory written by `govnlp run`."),
    by: str = typer.Option("year", "--by", help="Grouping: year, level, region or agency."),
    metric: list[str] = typer.Option([], "--metric", help="What to summarise by group (repeatable): a numeric "
                                     "fact metric (active_disclosure.total), an indicator of indicators.yaml "
                                     "(substantive_disclosure_rate or 实质公开率) or a table cell "
                                     "(table3.new_received.total)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Output folder (default RUNDIR/compare_BY)."),
    top: int = typer.Option(8, "--top", help="Charts show the TOP largest groups (tables show all)."),
) -> None:
    """Compare groups of reports (themes, copying, numeric facts): CSV tables and PNG charts.

    Share of reports stating each theme as a problem and as a measure (counts, Wilson 95%
    intervals, chi-square test across groups), copying indicators, and distribution summaries of
    numeric facts (Kruskal-Wallis test).

    Example: govnlp compare out/demo --by year --metric active_disclosure.total
    """
    from nlp.compare.data import GROUPINGS
    from nlp.compare.report import compare

    if by not in GROUPINGS:
        raise typer.BadParameter(f"must be one of {', '.join(GROUPINGS)}", param_hint="--by")
    try:
        result = compare(rundir, by, metric, output, top)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"{len(result.groups)} groups by {by}: " + ", ".join(list(result.groups)[:12]))
    for f in result.files:
        typer.echo(f"wrote {f}")
