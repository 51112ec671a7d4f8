"""`govnlp parse` and `govnlp text`."""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from nlp.cli._common import expand_inputs, output_stream, progress, write_jsonl
from nlp.cli.app import app
from nlp.errors import ReadError
from nlp.io import read_document
from nlp.pipeline import Pipeline


@app.command("parse")
def parse_cmd(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write JSON lines here (default: stdout)."),
    with_text: bool = typer.Option(False, "--with-text", help="Include the full reference text in each record."),
) -> None:
    """Read, segment and parse the statutory tables of reports: one JSON line per input.

    Example: govnlp parse corpus/samples -o parsed.jsonl

    Exit code 0 when every input succeeded, 1 when any failed (its record has ok=false).
    """
    files = expand_inputs(paths)
    if not files:
        typer.echo(f"no reports found in: {', '.join(map(str, paths))}", err=True)
        raise typer.Exit(1)
    pipeline = Pipeline("parse")
    failed = 0
    with output_stream(output) as fh:
        for path in progress(files, "parse"):
            report = pipeline.from_path(path)
            failed += not report.ok
            if not report.ok:
                typer.echo(f"error: {report.error}", err=True)
            write_jsonl(fh, report.to_dict(include_text=with_text))
    if output is not None:
        typer.echo(f"{len(files) - failed} ok, {failed} failed → {output}", err=True)
    raise typer.Exit(1 if failed else 0)


@app.command("text")
def text_cmd(path: Path = typer.Argument(..., help="A report file.")) -> None:
    """Print the reference text of a report: every offset in govnlp's output points into it."""
    try:
        result = read_document(path)
    except ReadError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    sys.stdout.write(result.text)
