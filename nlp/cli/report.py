"""`govnlp report`: a self-contained HTML page per report (in Chinese) and an index page."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli.app import app


@app.command("report")
def report_cmd(
    rundir: Path = typer.Argument(..., help="A directory written by `govnlp run` (scored by `govnlp score` or not)."),
    output: Path = typer.Option(..., "-o", "--output", help="Folder for index.html and units/*.html."),
    doc: list[str] = typer.Option([], "--doc", help="Only this report (doc_id or a prefix of it; repeatable)."),
    rubric: Path | None = typer.Option(None, "--rubric", help="Score with this rubric instead of RUNDIR/score."),
    embed_font: bool = typer.Option(True, "--embed-font/--no-embed-font",
                                    help="Embed a subset of the CJK font in each page (about 1 s and 150 KB per page)."),
) -> None:
    """Write one HTML page per report for the unit that wrote it: metadata, sections found or missing,
    tables with failing or uncertain cells highlighted and the rule that failed, facts, problems and
    measures with their themes and pairs, copying figures, timeliness (D19) and the score with its
    deductions; and index.html listing every report with its score and a link.

    Example: govnlp report out/demo -o out/demo/html
    """
    from nlp.report import write_reports

    try:
        result = write_reports(rundir, output, doc or None, rubric, embed_font)
    except (FileNotFoundError, KeyError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"wrote {len(result.pages)} report pages and {result.index}")
