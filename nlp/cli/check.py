"""`govnlp check`: the consistency rules of domain.md §1.5 on reports, one JSON line per rule result."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from nlp.cli._common import expand_inputs, output_stream, progress, write_jsonl
from nlp.cli.app import app
from nlp.component import create
from nlp.model import Report
from nlp.pipeline import Pipeline, pipeline_names
from nlp.rules import summarize


def _prepare_pipeline() -> Pipeline:
    # The "check" pipeline without its last step: checks run here, with the previous report.
    return Pipeline([n for n in pipeline_names("check") if n != "checks"])


def error_record(source: str, message: str) -> dict[str, Any]:
    return {
        "source": source,
        "rule": None,
        "status": "ERROR",
        "severity": "error",
        "message": message,
        "expected": None,
        "actual": None,
        "cells": [],
    }


def _fmt(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def summary_lines(source: str, results: list[dict[str, Any]]) -> list[str]:
    counts = summarize(results)
    lines = [f"{source}: " + ", ".join(f"{k} {v}" for k, v in counts.items())]
    for r in results:
        if r["status"] == "FAIL":
            lines.append(
                f"  FAIL {r['rule']} [{r['severity']}]: expected {_fmt(r['expected'])}, "
                f"actual {_fmt(r['actual'])} — {r['message']}"
            )
    return lines


@app.command("check")
def check_cmd(
    paths: list[Path] = typer.Argument(..., help="Report files or directories (searched recursively)."),
    previous: Path | None = typer.Option(
        None,
        "--previous",
        help="The same agency's previous-year report (enables the cross-year rules B6–B8).",
    ),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Write JSON lines here (default: stdout)."
    ),
    strict: bool = typer.Option(False, "--strict", help="Exit 2 when any rule FAILs."),
) -> None:
    """Check the statutory tables and the text of reports against the consistency rules A1–D18.

    One JSON line per rule result (source, rule, status, severity, message, expected, actual, cells);
    a readable summary per document on stderr. Status: PASS, FAIL, UNCERTAIN (a blank or unreadable
    cell), NOT_ASSESSABLE (table, text or previous report missing); ERROR for an unreadable file.

    Example: govnlp check report_2024.pdf --previous report_2023.pdf

    Exit code 0 when every input was checked (even if rules FAIL), 1 when an input could not be read
    (its ERROR record is written, the others are checked); with --strict, 2 when any rule FAILs.
    """
    files = expand_inputs(paths)
    if not files:
        typer.echo(f"no reports found in: {', '.join(map(str, paths))}", err=True)
        raise typer.Exit(1)
    pipeline = _prepare_pipeline()
    checker = create("checks")  # the "checks" component, called with the previous report
    any_fail = any_error = False
    with output_stream(output) as fh:
        prev_report: Report | None = None
        if previous is not None:
            prev_report = pipeline.from_path(previous)
            if not prev_report.ok:
                typer.echo(f"error: previous report unusable: {prev_report.error}", err=True)
                write_jsonl(fh, error_record(str(previous), prev_report.error or "unreadable"))
                prev_report = None
        for path in progress(files, "check"):
            report = pipeline.from_path(path)
            if not report.ok:
                any_error = True
                typer.echo(f"error: {report.error}", err=True)
                write_jsonl(fh, error_record(str(path), report.error or "unreadable"))
                continue
            try:
                results = checker.check(report, prev_report)
            except Exception as exc:  # noqa: BLE001 — a bug on one file must not stop the batch
                msg = f"{path}: internal error while checking: {type(exc).__name__}: {exc}"
                any_error = True
                typer.echo(f"error: {msg}", err=True)
                write_jsonl(fh, error_record(str(path), msg))
                continue
            for r in results:
                write_jsonl(fh, r)
            any_fail |= any(r["status"] == "FAIL" for r in results)
            for line in summary_lines(str(path), results):
                typer.echo(line, err=True)
    raise typer.Exit(2 if strict and any_fail else 1 if any_error else 0)
