"""`govnlp statements`: section-五 statements with roles, statuses, themes and problem→measure pairs."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli._common import expand_inputs, output_stream, progress, write_jsonl
from nlp.cli.app import app
from nlp.pipeline import Pipeline
from nlp.themes.labelstudio import model_version, statement_task, write_tasks


@app.command("statements")
def statements_cmd(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write JSON lines here (default: stdout)."),
    model: Path | None = typer.Option(None, "--model", help="Theme model directory (default: models/themes-default)."),
    no_themes: bool = typer.Option(False, "--no-themes", help="Split and pair by order only; skip the classifier."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (default) or labelstudio: a JSON list of Label Studio "
                            "tasks pre-annotated with the model's themes (see `govnlp labelstudio-config`)."),
) -> None:
    """One JSON line per statement: {source, start, end, text, role, status, themes, scores, pair}.

    start/end index the reference text (`govnlp text FILE`); pair lists the indices (0-based, per
    report) of the statements a problem or measure is paired with. A report without statements
    yields one line {source, ok: true, n_statements: 0}; a bad file one line {source, ok: false, error}.

    Example: govnlp statements corpus/samples -o statements.jsonl
    """
    if fmt not in ("jsonl", "labelstudio"):
        typer.echo(f"error: --format must be jsonl or labelstudio, not {fmt!r}", err=True)
        raise typer.Exit(2)
    tasks: list[dict] | None = [] if fmt == "labelstudio" else None
    files = expand_inputs(paths)
    if not files:
        typer.echo(f"no reports found in: {', '.join(map(str, paths))}", err=True)
        raise typer.Exit(1)
    names = ["normalize", "segment", "metadata", "statements"] + ([] if no_themes else ["themes"]) + ["pairing"]
    config = {} if no_themes or model is None else {"themes": {"model": str(model)}}
    try:
        pipeline = Pipeline(names, config=config)
        if not no_themes:
            from nlp.themes import get_model
            get_model(model)  # fail once, clearly, when the model is missing
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    failed = 0
    version = model_version(model) if tasks is not None and not no_themes else None
    with output_stream(output) as fh:
        for path in progress(files, "statements"):
            report = pipeline.from_path(path)
            if not report.ok:
                failed += 1
                typer.echo(f"error: {report.error}", err=True)
                if tasks is None:
                    write_jsonl(fh, {"source": str(path), "ok": False, "error": report.error})
                continue
            statements = report.statement_records()
            if not statements and tasks is None:
                write_jsonl(fh, {"source": str(path), "ok": True, "n_statements": 0,
                                 "note": "no section 五 statements found"})
            for i, st in enumerate(statements):
                if tasks is not None:
                    tasks.append(statement_task(str(path), i, st, version))
                else:
                    write_jsonl(fh, {"source": str(path), "index": i, **st})
        if tasks is not None:
            write_tasks(tasks, fh)
    raise typer.Exit(1 if failed else 0)
