"""The ``govnlp`` Typer application; each command lives in its own module under nlp/cli/."""
from __future__ import annotations

import typer

from nlp import __version__

app = typer.Typer(
    name="govnlp",
    help=(
        "Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告) "
        "and turn them into research data.\n\n"
        "Examples:\n\n"
        "  govnlp parse corpus/samples -o parsed.jsonl\n\n"
        "  govnlp check report.txt --previous last_year.txt\n\n"
        "  govnlp run corpus/samples -o out/demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
evaluate_app = typer.Typer(help="Evaluate extractors and models against gold annotations.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"govnlp {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """govnlp: annual reports in, research data out."""
