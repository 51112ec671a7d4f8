"""`govnlp themes`, `govnlp train` and `govnlp evaluate themes`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from nlp.cli._common import output_stream, write_jsonl
from nlp.cli.app import app, evaluate_app
from nlp.errors import GovnlpError


@app.command("themes")
def themes_cmd(
    dash: str | None = typer.Argument(None, metavar="[-]", help="'-' (or nothing): read one statement per stdin line."),
    text: str | None = typer.Option(None, "--text", help="Classify this text instead of reading stdin."),
    model: Path | None = typer.Option(None, "--model", help="Theme model directory (default: models/themes-default)."),
) -> None:
    """Themes of statements: one JSON line {text, themes, scores} per input line.

    Example: govnlp themes --text "政策解读形式单一，栏目更新不及时"
    """
    from nlp.themes import classify_texts, get_model

    try:
        clf = get_model(model)
    except (FileNotFoundError, ValueError, GovnlpError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if dash not in (None, "-"):
        typer.echo(f"error: unexpected argument {dash!r}; use --text \"…\" or '-' for stdin", err=True)
        raise typer.Exit(2)
    lines = [text] if text not in (None, "-") else [ln.rstrip("\n") for ln in sys.stdin]
    lines = [ln for ln in lines if ln.strip()]
    for rec in classify_texts(lines, clf):
        write_jsonl(sys.stdout, rec)


@app.command("labelstudio-config")
def labelstudio_config_cmd(
    taxonomy: Path | None = typer.Option(None, "--taxonomy", help="Taxonomy YAML (default: the packaged themes.yaml)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the XML here (default: stdout)."),
) -> None:
    """The Label Studio labelling interface (XML) matching `govnlp statements --format labelstudio`.

    Example: govnlp labelstudio-config -o themes_config.xml
    """
    from nlp.themes.labelstudio import labeling_config
    from nlp.themes.taxonomy import load_taxonomy

    try:
        xml = labeling_config(load_taxonomy(taxonomy))
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    with output_stream(output) as fh:
        fh.write(xml)


_DATA_HELP = ("Labelled statements: the project's JSONL, a Label Studio JSON export (.json) or a CSV with columns "
              "text, themes (.csv); repeat for several files.")


@app.command("train")
def train_cmd(
    data: list[Path] = typer.Option(..., "--data", help=_DATA_HELP),
    output: Path = typer.Option(..., "-o", "--output", help="Model directory to write, e.g. models/my-themes."),
    taxonomy: Path | None = typer.Option(None, "--taxonomy", help="Taxonomy YAML (default: the packaged themes.yaml)."),
    seed: int = typer.Option(0, "--seed", help="Random seed (training is deterministic for a given seed)."),
    no_eval: bool = typer.Option(False, "--no-eval", help="Skip the grouped cross-validation."),
    docs: list[Path] = typer.Option([], "--docs", help="Folders holding the annotated reports (default: "
                                    "corpus/samples and ../shared/corpus/real)."),
) -> None:
    """Train a theme classifier and write model.json, arrays.npz, taxonomy.yaml and MODEL_CARD.md.

    Example: govnlp train --data corpus/annotations/statements.jsonl
    --data corpus/annotations/statements_synthetic.jsonl -o my-themes
    (or --data export.json from Label Studio, --data labels.csv, with --taxonomy my_themes.yaml)
    """
    from nlp.themes.train import train

    missing = [str(d) for d in data if not d.is_file()]
    if missing:
        typer.echo(f"error: data file(s) not found: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    try:
        card = train(data, output, taxonomy, seed=seed, evaluate=not no_eval, doc_dirs=docs or None)
    except (ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for s in card["data"]["skipped"]:
        typer.echo(f"skipped: {s}", err=True)
    ev = card["evaluation"]
    summary = {"model_dir": str(output), "content_sha256": card["content_sha256"], "counts": card["data"]["counts"]}
    if ev:
        summary |= {"macro_f1": ev["model"]["macro_f1"], "baseline_macro_f1": ev["baseline"]["macro_f1"],
                    "micro_f1": ev["model"]["micro_f1"], "split": ev["split"]}
    typer.echo(json.dumps(summary, ensure_ascii=False))


@evaluate_app.command("themes")
def evaluate_themes_cmd(
    data: list[Path] = typer.Option(..., "--data", help=_DATA_HELP),
    model: Path | None = typer.Option(None, "--model", help="With --fixed: the model to score; otherwise its "
                                      "hyper-parameters are used for cross-validation."),
    taxonomy: Path | None = typer.Option(None, "--taxonomy", help="Taxonomy YAML (default: the model's or the packaged one)."),
    fixed: bool = typer.Option(False, "--fixed", help="Score the saved model as is on the real statements of --data "
                                "(only meaningful for data the model was not trained on)."),
    folds: int | None = typer.Option(None, "--folds", help="Grouped folds (default: leave one document out)."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the full JSON report here."),
    docs: list[Path] = typer.Option([], "--docs", help="Folders holding the annotated reports."),
) -> None:
    """Per-theme P/R/F1, macro and micro F1 on real statements, for the model and the keyword baseline.

    Default: cross-validation grouped by document, synthetic statements only in training folds.
    """
    from nlp.themes import load_model
    from nlp.themes.baseline import KeywordBaseline
    from nlp.themes.classifier import ThemeClassifier
    from nlp.themes.data import load_statements
    from nlp.themes.evaluate import cross_validate, indicator, scores
    from nlp.themes.taxonomy import load_taxonomy

    try:
        clf, doc = load_model(model) if (model or fixed) else (None, None)
        tax_path = taxonomy or (Path(model) / "taxonomy.yaml" if model and (Path(model) / "taxonomy.yaml").is_file()
                                else None)
        tax = load_taxonomy(tax_path)
        loaded = load_statements(data, docs or None)
    except (FileNotFoundError, ValueError, GovnlpError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    for s in loaded.skipped:
        typer.echo(f"skipped: {s}", err=True)
    if fixed:
        real = [s for s in loaded.statements if s.source != "synthetic"]
        y = indicator([s.themes for s in real], clf.classes_)
        result = {"split": "fixed model, no refitting", "n_real": len(real),
                  "model": scores(y, clf.predict_indicator([s.text for s in real]), clf.classes_),
                  "baseline": scores(y, indicator(KeywordBaseline(tax).fit(classes=clf.classes_).predict(
                      [s.text for s in real]), clf.classes_), clf.classes_)}
    else:
        from nlp.themes.train import DEFAULT_PARAMS

        params = dict(DEFAULT_PARAMS)
        if doc:  # the saved model's hyper-parameters (its own fitted state is not used)
            params = dict(doc["classifier"]["params"])
            params["char_ngram_range"] = tuple(params["char_ngram_range"])
            params["threshold_grid"] = tuple(params["threshold_grid"])
        result = cross_validate(loaded.statements, tax, lambda: ThemeClassifier(**params), n_splits=folds)
    if output:
        with output_stream(output) as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)
    brief = {k: result[k] for k in ("split", "n_real") if k in result}
    for name in ("model", "baseline"):
        brief[name] = {k: result[name][k] for k in ("macro_f1", "micro_f1", "exact_match", "too_few_real_examples")}
        brief[name]["f1"] = {c: v["f1"] for c, v in result[name]["per_theme"].items()}
    typer.echo(json.dumps(brief, ensure_ascii=False, indent=1))
