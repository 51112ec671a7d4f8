"""`govnlp facts` (numeric facts from the free text) and `govnlp evaluate facts` (scores against gold)."""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer

from nlp.cli._common import expand_inputs, output_stream, progress, write_jsonl
from nlp.cli.app import app, evaluate_app


def _csv_header() -> list[str]:
    from nlp.facts import FACT_FIELDS

    return ["ok", "error", "fact_index", *FACT_FIELDS]


def _emit(fh, fmt: str, writer, source: str, facts: list[dict] | None, error: str | None) -> None:
    """One record per input (jsonl) or one row per fact, plus a row for an input without facts (csv)."""
    if fmt == "jsonl":
        write_jsonl(fh, {"source": source, "ok": error is None, "error": error, "facts": facts or []})
        return
    if not facts:
        writer.writerow({"ok": error is None, "error": error or "", "source": source})
        return
    for i, f in enumerate(facts):
        writer.writerow({"ok": True, "error": "", "fact_index": i, **f})


@app.command("facts")
def facts_cmd(
    paths: list[Path] = typer.Argument(None, help="Report files or directories (searched recursively)."),
    text: list[str] = typer.Option(None, "--text", help="Extract from this sentence instead of files (repeatable)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here (default: stdout)."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (one record per input) or csv (one row per fact)."),
) -> None:
    """Numeric facts stated in the narrative sections (一, 五, 六 and the preamble): value, unit, metric, qualifier.

    Examples: govnlp facts corpus/samples -o facts.jsonl ;
    govnlp facts --text "受理12345便民服务热线441件(其中救助类250件)" ;
    echo "行政复议、行政诉讼0件" | govnlp facts -   (one text per line)

    Exit code 0 when every input succeeded, 1 when any failed (its record has ok=false).
    """
    from nlp.facts import FACT_FIELDS
    from nlp.pipeline import Pipeline

    if fmt not in ("jsonl", "csv"):
        typer.echo(f"error: --format must be jsonl or csv, not {fmt!r}", err=True)
        raise typer.Exit(2)
    paths = paths or []
    texts = list(text or [])
    if [str(p) for p in paths] == ["-"]:
        texts += [line.rstrip("\n") for line in sys.stdin if line.strip()]
        paths = []
    if not paths and not texts:
        typer.echo("error: give report paths, --text \"…\", or - to read texts from stdin", err=True)
        raise typer.Exit(2)
    failed = 0
    with output_stream(output) as fh:
        writer = None
        if fmt == "csv":
            writer = csv.DictWriter(fh, fieldnames=_csv_header(), extrasaction="ignore")
            writer.writeheader()
        files = expand_inputs(paths)
        pipeline = Pipeline("facts")  # texts and files go through the same component object
        for i, t in enumerate(texts):
            _emit(fh, fmt, writer, f"<text:{i}>", pipeline.get("facts").extract(t, source=f"<text:{i}>"), None)
        if paths and not files:
            typer.echo(f"no reports found in: {', '.join(map(str, paths))}", err=True)
            raise typer.Exit(1)
        for path in progress(files, "facts"):
            report = pipeline.from_path(path)
            if not report.ok:
                failed += 1
                typer.echo(f"error: {report.error}", err=True)
            _emit(fh, fmt, writer, str(path), report.facts, report.error)
    if output is not None:
        typer.echo(f"{len(texts) + len(expand_inputs(paths)) - failed} ok, {failed} failed → {output}", err=True)
    assert FACT_FIELDS  # the CSV header and the records share one schema
    raise typer.Exit(1 if failed else 0)


@evaluate_app.command("facts")
def evaluate_facts_cmd(
    gold: Path = typer.Argument(..., help="Gold JSON lines: document gold (facts.jsonl) or sentence gold (facts_tricky.jsonl)."),
    docs: list[Path] = typer.Option(None, "--docs", help="Folders holding the gold documents (repeatable). "
                                    "Default: corpus/samples and ../shared/corpus/real from the working directory."),
    negatives: Path | None = typer.Option(None, "--negatives", help="Hard negatives (default: facts_negatives.jsonl "
                                          "next to GOLD, when present)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full result (scores and every error) as JSON."),
    max_errors: int = typer.Option(50, "--max-errors", help="Errors listed in the text report."),
    baseline: str | None = typer.Option(None, "--baseline", help="Score a simple baseline instead: nearest_cue "
                                        "(the metric of the cue nearest to the left of each number in its clause)."),
) -> None:
    """Precision / recall / F1 of fact extraction (span, value+unit, value, unit), metric accuracy on found
    facts, must-not false positives, and the list of errors.

    Example: govnlp evaluate facts corpus/annotations/facts.jsonl --docs corpus/samples --docs ../shared/corpus/real
    """
    from nlp.facts.evaluate import document_items, format_report, read_jsonl, score, sentence_items
    from nlp.facts.extractor import FactExtractor

    try:
        records = read_jsonl(gold)
    except (OSError, json.JSONDecodeError) as exc:
        typer.echo(f"error: {gold}: cannot read gold file: {exc}", err=True)
        raise typer.Exit(1) from exc
    if not records:
        typer.echo(f"error: {gold}: no gold records", err=True)
        raise typer.Exit(1)
    warnings: list[str] = []
    if "sentence" in records[0]:
        items = sentence_items(records, FactExtractor(), baseline=baseline)
    else:
        from nlp.themes.data import default_doc_dirs

        dirs = list(docs or default_doc_dirs())
        neg_path = negatives or gold.with_name("facts_negatives.jsonl")
        neg = read_jsonl(neg_path) if neg_path.exists() else []
        items, warnings = document_items(records, dirs, neg, baseline=baseline)
    for w in warnings:
        typer.echo(f"warning: {w}", err=True)
    result = score(items)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        typer.echo(format_report(result, max_errors))
