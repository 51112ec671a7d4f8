"""`govnlp export`: the panel of a run as CSV (UTF-8 with BOM) and Excel."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli.app import app


@app.command("export")
def export_cmd(
    rundir: Path = typer.Argument(..., help="A directory written by `govnlp run`."),
    xlsx: bool = typer.Option(False, "--xlsx", help="Also write panel.xlsx (frozen header, filters, formats)."),
    by: str | None = typer.Option(None, "--by", help="Add group sums and means by year, level or region."),
    table3: list[str] = typer.Option([], "--table3", help="Also write this report's table 三 as printed "
                                     "(doc_id, an 8+ character prefix of it, or the input path; repeatable)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Output folder (default RUNDIR/export)."),
) -> None:
    """Write one row per report — metadata, every table cell (表三·自然人·本年新收政府信息公开申请数量 …),
    every indicator, counts of failed checks, problem/measure themes — as panel.csv and panel.xlsx.

    Example: govnlp export out/demo --xlsx --by year
    """
    from nlp.export import export_run

    if by is not None and by not in ("year", "level", "region"):
        raise typer.BadParameter("must be year, level or region", param_hint="--by")
    try:
        files = export_run(rundir, output, xlsx=xlsx, by=by, table3=table3)
    except (FileNotFoundError, KeyError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for f in files:
        typer.echo(f"wrote {f}")
