"""`govnlp statements`: section-五 statements with roles, statuses, themes and problem→measure pairs."""
from __future__ import annotations

from pathlib import Path

import typer

from nlp.cli._common import expand_inputs, output_stream, progress, write_jsonl
from nlp.cli.app import app, evaluate_app
from nlp.pipeline import Pipeline


@app.command("statements")
def statements_cmd(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write JSON lines here (default: stdout)."),
    model: Path | None = typer.Option(None, "--model", help="Theme model directory (default: models/themes-default)."),
    no_themes: bool = typer.Option(False, "--no-themes", help="Split and pair by order only; skip the classifier."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (default) or labelstudio: a JSON list of Label Studio "
                            "tasks pre-annotated with the model's themes (see `govnlp labelstudio-config`)."),
) -> None:
    """One JSON line per statement: {source, start, end, text, role, role_confidence, status, themes, scores, pair}.

    start/end index the reference text (`govnlp text FILE`) and text is exactly that slice; role comes
    from the role model (models/roles-default), role_confidence is its posterior; pair lists the indices (0-based, per
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
    from nlp.themes.labelstudio import (  # scikit-learn: only when used
        model_version,
        statement_task,
        write_tasks,
    )

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


@evaluate_app.command("statements")
def evaluate_statements_cmd(
    by_layout: bool = typer.Option(True, "--by-layout/--by-format", help="Also one row per layout."),
) -> None:
    """Section-五 statements: found rate and role accuracy, leave-one-report-out, beside the marker baseline.

    Gold: corpus/annotations/section5_dev.jsonl (written passages) and statements.jsonl (seeds and the
    real reports in ../shared, when present). Example: govnlp evaluate statements --by-format
    """
    from nlp.statements.evaluate import format_table, load_real, load_written, rates, score
    from nlp.statements.split import split_statements
    from nlp.statements.train_roles import leave_one_report_out, synthetic_examples

    real, skipped = load_real()
    docs = load_written() + real
    model = leave_one_report_out(docs, synthetic_examples())
    base = score(docs, lambda d: split_statements(d.text, *d.span, report_year=d.year, roles="markers"))
    keys = ["all", "format:2021", "format:2019", "format:2008"]
    if by_layout:
        keys += sorted(k for k in model["groups"] if k.startswith("layout:"))
    typer.echo(format_table({"model (LORO)": model, "markers": base}, keys))
    r = rates(model["groups"]["all"])
    typer.echo(f"model: problem acc {r['problem_acc']}, measure acc {r['measure_acc']}, "
               f"status acc {r['status_acc']} (found measures); sections with no statement: {len(model['empty'])}")
    for note in skipped:
        typer.echo(f"skipped: {note}", err=True)
