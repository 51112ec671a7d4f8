"""Labelling round trip: `govnlp statements --format labelstudio` → Label Studio → export → `govnlp train`."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import SEED_FILES
from typer.testing import CliRunner

from nlp.cli import app
from nlp.io import read_document
from nlp.statements.cleanview import clean_text
from nlp.themes import classify_texts, load_taxonomy
from nlp.themes.data import load_statements
from nlp.themes.labelstudio import labeling_config

FIX = Path(__file__).resolve().parent / "fixtures"
EXPORT = FIX / "labelstudio_export.json"
CSV = FIX / "labelled_statements.csv"
MINI = FIX / "mini_taxonomy.yaml"
CODES = load_taxonomy().codes


def _annotate(tasks: list[dict], corrections: dict[int, list[str]]) -> list[dict]:
    """What Label Studio exports after an annotator accepted the predictions, correcting some."""
    out = []
    for n, task in enumerate(tasks):
        choices = corrections.get(n, task["predictions"][0]["result"][0]["value"]["choices"])
        result = [dict(task["predictions"][0]["result"][0], value={"choices": choices}, origin="manual")]
        out.append({"id": 700 + n, "data": task["data"], "predictions": [800 + n],
                    "annotations": [{"id": 900 + n, "result": result, "was_cancelled": False,
                                     "created_at": "2025-04-01T10:00:00Z", "task": 700 + n}]})
    return out


def test_statements_labelstudio_tasks_carry_text_offsets_and_predictions(tmp_path: Path) -> None:
    seed = SEED_FILES[4]  # seed 004: 2 problems, 2 measures
    out = tmp_path / "tasks.json"
    res = CliRunner().invoke(app, ["statements", str(seed), "--format", "labelstudio", "-o", str(out)])
    assert res.exit_code == 0, res.output
    tasks = json.loads(out.read_text(encoding="utf-8"))  # a JSON list, as Label Studio imports it
    assert [t["data"]["role"] for t in tasks] == ["problem", "problem", "measure", "measure"]
    reference = read_document(seed).text
    for i, task in enumerate(tasks):
        d = task["data"]
        assert d["index"] == i and d["source"] == str(seed)
        # the offsets point into the reference text (`govnlp text FILE`) at this very statement
        assert clean_text(reference[d["start"]:d["end"]]) == d["text"]
        (pred,) = task["predictions"]
        (res_item,) = pred["result"]
        assert res_item["from_name"] == "themes" and res_item["to_name"] == "text" and res_item["type"] == "choices"
        assert res_item["value"]["choices"] and set(res_item["value"]["choices"]) <= set(CODES)
        assert 0 < pred["score"] <= 1 and pred["model_version"].startswith("themes-default")
    assert "review_security_privacy" in tasks[1]["predictions"][0]["result"][0]["value"]["choices"]
    # without the classifier there is nothing to pre-annotate
    res = CliRunner().invoke(app, ["statements", str(seed), "--format", "labelstudio", "--no-themes"])
    assert res.exit_code == 0 and all("predictions" not in t for t in json.loads(res.output))
    res = CliRunner().invoke(app, ["statements", str(seed), "--format", "xml"])
    assert res.exit_code == 2


def test_labeling_config_lists_every_theme_of_the_taxonomy() -> None:
    xml = labeling_config(load_taxonomy())
    assert xml.count("<Choice ") == len(CODES) and 'choice="multiple"' in xml
    assert all(f'value="{c}"' in xml for c in CODES)
    res = CliRunner().invoke(app, ["labelstudio-config", "--taxonomy", str(MINI)])
    assert res.exit_code == 0 and res.output.count("<Choice ") == 4 and 'value="channel"' in res.output


def test_labelstudio_export_reads_latest_annotation_and_skips_unlabelled() -> None:
    loaded = load_statements([EXPORT])
    assert len(loaded.statements) == 12
    by_text = {s.text: s for s in loaded.statements}
    # task 9002: the reviewer's later annotation (two themes) replaces the first pass
    assert by_text["二是部门网站个别栏目更新不及时。"].themes == ["timeliness_update", "platform_channel"]
    s = by_text["政策解读以文字为主，形式较为单一。"]
    assert s.themes == ["interpretation_response"] and s.role == "problem" and s.source == "real"
    # grouped by report file, so cross-validation keeps one report's statements together
    assert {x.group for x in loaded.statements} == {"2023-某县交通运输局.pdf", "2024-某区市场监管局.html",
                                                   "2022-某镇人民政府.txt"}
    assert len(loaded.skipped) == 2 and all("task 910" in s for s in loaded.skipped)


def test_csv_with_semicolon_and_pipe_separated_themes() -> None:
    loaded = load_statements([CSV])
    labels = {s.id: s.themes for s in loaded.statements}
    assert labels["c3"] == ["speed", "channel"] and labels["c8"] == ["staff", "speed"]
    assert {s.group for s in loaded.statements} == {"某街道2024", "某局2023"}


def test_round_trip_export_tasks_annotate_and_train(tmp_path: Path) -> None:
    runner = CliRunner()
    tasks_file = tmp_path / "tasks.json"
    res = runner.invoke(app, ["statements", str(SEED_FILES[1]), str(SEED_FILES[4]), "--format", "labelstudio",
                              "-o", str(tasks_file)])
    assert res.exit_code == 0, res.output
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    assert len(tasks) == 8
    # the annotator corrects the first statement of seed 001 (content depth, policy documents, form)
    fix = ["content_coverage", "key_domain_disclosure", "presentation_accessibility"]
    export = tmp_path / "project-7-at-2025-04-01.json"
    export.write_text(json.dumps(_annotate(tasks, {0: fix}) + json.loads(EXPORT.read_text(encoding="utf-8")),
                                 ensure_ascii=False), encoding="utf-8")
    out_dir = tmp_path / "model"
    res = runner.invoke(app, ["train", "--data", str(export), "-o", str(out_dir), "--no-eval"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output[res.output.index("{"):])
    assert summary["counts"]["real"] == 8 + 12
    card = json.loads((out_dir / "card.json").read_text(encoding="utf-8"))
    assert card["data"]["data"][0]["file"] == export.name and len(card["data"]["skipped"]) == 2
    loaded = load_statements([export])
    assert next(s for s in loaded.statements if s.id.endswith("001_4fadce78b06fc75a.txt#0")).themes == fix
    # the model trained on the export answers with the researcher's labels on its own training text
    (rec,) = classify_texts(["二是部门网站个别栏目更新不及时。"], out_dir)
    assert set(rec["scores"]) == set(CODES) and "timeliness_update" in rec["themes"]


def test_train_csv_with_a_custom_taxonomy_and_reject_unknown_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["train", "--data", str(CSV), "--taxonomy", str(MINI), "-o", str(tmp_path / "m"),
                              "--no-eval"])
    assert res.exit_code == 0, res.output
    (rec,) = classify_texts(["开通政务公众号拓宽公开渠道"], tmp_path / "m")
    assert set(rec["scores"]) == {"staff", "speed", "channel", "misc"} and "channel" in rec["themes"]
    # the project's default taxonomy does not know the researcher's codes: a clear error, no model
    res = runner.invoke(app, ["train", "--data", str(CSV), "-o", str(tmp_path / "m2"), "--no-eval"])
    assert res.exit_code == 2 and "staff" in res.output and not (tmp_path / "m2" / "model.json").exists()


@pytest.mark.parametrize("name, payload, message", [
    ("bad.json", '"just a string"', "list of tasks"),
    ("bad.csv", "text,labels\n栏目更新不及时,speed\n", "'text' and 'themes'"),
])
def test_malformed_label_files_fail_clearly(tmp_path: Path, name: str, payload: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_statements([path])
