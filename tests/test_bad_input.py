"""Bad input, part two (issue 22): no silent wrong answers, and one bad path never stops a batch."""
from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _hostile import run_measured, with_zero_width
from conftest import SEED_FILES, real_reports
from typer.testing import CliRunner

from nlp.cli import app
from nlp.errors import ReadError
from nlp.io import read_document, strip_invisible
from nlp.pipeline import Pipeline
from nlp.resources import model_dir
from nlp.themes.store import MODEL_ARRAYS, MODEL_JSON, ModelError, load_model

TEXT_REPORTS = [*SEED_FILES, *real_reports(".txt", ".md", ".html")]


@pytest.mark.parametrize("path", TEXT_REPORTS, ids=lambda p: p.name)
def test_zero_width_characters_do_not_hide_the_tables(tmp_path, path):
    """U+200B between every letter gave `ok` with 0 table cells, silently."""
    copy = tmp_path / path.name
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":  # only between the letters of the page's text, not inside its tags
        text = re.sub(r">([^<]+)<", lambda m: ">" + with_zero_width(m.group(1)) + "<", text)
    else:
        text = with_zero_width(text)
    copy.write_text(text, encoding="utf-8")
    clean, hidden = Pipeline("parse").from_path(path), Pipeline("parse").from_path(copy)
    assert hidden.ok and hidden.tables == clean.tables
    assert [s.key for s in hidden.sections] == [s.key for s in clean.sections]


def test_every_invisible_format_character_is_stripped():
    import sys
    import unicodedata

    cf = "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf")
    assert strip_invisible("政" + cf + "务") == "政务"
    assert strip_invisible("plain ascii") == "plain ascii"


def test_long_numbers_are_never_changed_in_the_tables(tmp_path):
    """22-digit numbers were rounded in Parquet (float); a number is exact or not a value at all."""
    text = SEED_FILES[0].read_text(encoding="utf-8").replace(
        "主动公开", "主动公开1234567890123456789012条、另有123456789012345件，", 1)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "long.txt").write_text(text, encoding="utf-8")
    rc, _, err, _ = run_measured(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert rc == 0, err
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    assert not facts["text"].str.contains("1234567890123456789012").any()
    exact = facts[facts["text"].str.contains("123456789012345件")]
    assert len(exact) == 1 and int(exact["value"].iloc[0]) == 123456789012345


def test_same_bytes_under_two_readers_are_two_documents(tmp_path):
    """A .docx whose bytes equal a .txt was reported ok (grouped with the .txt); an HTML page saved as
    .txt got the HTML analysis. Each file is read as what its own name says."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "a.txt")
    shutil.copy(SEED_FILES[0], folder / "a.docx")
    html = next(iter(real_reports(".html")), None)
    if html is not None:
        shutil.copy(html, folder / "page.html")
        shutil.copy(html, folder / "page.txt")
    rc, _, _, _ = run_measured(["run", str(folder), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet").set_index("path")
    assert rc == 1 and docs["doc_id"].is_unique
    assert docs.loc[str(folder / "a.txt"), "ok"] and not docs.loc[str(folder / "a.docx"), "ok"]
    assert "a.docx" in docs.loc[str(folder / "a.docx"), "error"]
    assert docs.loc[str(folder / "a.txt"), "sha256"] == docs.loc[str(folder / "a.docx"), "sha256"]
    if html is not None:
        assert docs.loc[str(folder / "page.txt"), "file_format"] == "txt"
        assert docs.loc[str(folder / "page.html"), "file_format"] == "html"


@pytest.mark.parametrize("digits", [400, 5000])
def test_facts_text_with_huge_numbers_is_strict_json(digits):
    res = CliRunner().invoke(app, ["facts", "--text", "主动公开政府信息" + "9" * digits + "条，另有12条"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout.splitlines()[0], parse_constant=lambda c: pytest.fail(f"{c} in JSON"))
    assert record["ok"] and [f["value"] for f in record["facts"]] == [12]


def test_an_unreadable_file_gets_its_own_record_and_the_rest_run(tmp_path, monkeypatch):
    for seed in SEED_FILES[:2]:
        shutil.copy(seed, tmp_path / seed.name)
    locked = tmp_path / SEED_FILES[1].name
    real_open = open

    def deny(file, *args, **kwargs):  # what a non-root user meets on a file with mode 000
        if os.fspath(file) == os.fspath(locked):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    monkeypatch.setattr("io.open", deny)  # pathlib reads through io.open
    for command, n_records in (("parse", 2), ("facts", 2)):
        res = CliRunner().invoke(app, [command, str(tmp_path / SEED_FILES[0].name), str(locked)])
        records = [json.loads(line) for line in res.stdout.splitlines()]
        assert res.exit_code == 1 and len(records) == n_records
        assert records[0]["ok"] and not records[1]["ok"]
        assert "permission denied" in records[1]["error"] and locked.name in records[1]["error"]
    res = CliRunner().invoke(app, ["check", str(tmp_path / SEED_FILES[0].name), str(locked)])
    assert res.exit_code == 1  # as the other batch commands; FAILs of readable reports stay exit 0
    assert any(json.loads(line)["status"] == "ERROR" for line in res.stdout.splitlines())


def test_links_and_special_files_inside_a_folder_are_warned_and_recorded(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "good.txt")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    os.mkfifo(folder / "pipe.md")
    rc, _, err, _ = run_measured(["run", str(folder), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert rc == 0 and "warning: skipped" in err and "gone.txt" in err and "pipe.md" in err
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert {Path(s["path"]).name: s["reason"] for s in manifest["skipped_inputs"]} == {
        "gone.txt": "dangling symbolic link", "pipe.md": "not a regular file (a FIFO, device or socket)"}


def _damaged_model(tmp_path: Path, how: str) -> Path:
    target = tmp_path / how
    shutil.copytree(model_dir("themes-default"), target)
    if how == "truncated":
        data = (target / MODEL_ARRAYS).read_bytes()
        (target / MODEL_ARRAYS).write_bytes(data[: len(data) // 2])
    elif how == "missing_key":
        doc = json.loads((target / MODEL_JSON).read_text(encoding="utf-8"))
        del doc["classifier"]
        (target / MODEL_JSON).write_text(json.dumps(doc), encoding="utf-8")
    elif how == "json_list":
        (target / MODEL_JSON).write_text("[1, 2, 3]", encoding="utf-8")
    elif how == "nan_weights":
        with np.load(target / MODEL_ARRAYS) as npz:
            arrays = {k: npz[k] for k in npz.files}
        key = next(k for k, a in arrays.items() if a.dtype.kind == "f")
        arrays[key] = arrays[key].copy()
        arrays[key].flat[0] = np.nan
        np.savez(target / MODEL_ARRAYS, **arrays)
    return target


@pytest.mark.parametrize("how, file, problem", [
    ("truncated", MODEL_ARRAYS, "cannot read the model arrays"),
    ("missing_key", MODEL_JSON, "incomplete"),
    ("json_list", MODEL_JSON, "expected a JSON object"),
    ("nan_weights", MODEL_ARRAYS, "NaN or infinite"),
])
def test_a_damaged_theme_model_is_a_clear_error(tmp_path, how, file, problem):
    target = _damaged_model(tmp_path, how)
    with pytest.raises(ModelError, match=problem) as info:
        load_model(target)
    assert str(target / file) in str(info.value)
    res = CliRunner().invoke(app, ["themes", "--text", "政策解读形式单一", "--model", str(target)])
    assert res.exit_code != 0 and "Traceback" not in res.output and problem in res.output


def test_deep_html_and_huge_numbers_get_plain_messages(tmp_path):
    deep = tmp_path / "deep.html"
    body = SEED_FILES[0].read_text(encoding="utf-8")
    deep.write_text("<html><body>" + "<div>" * 10_000 + body + "</div>" * 10_000 + "</body></html>",
                    encoding="utf-8")
    with pytest.raises(ReadError, match=r"deep\.html: nested too deeply .*limit of \d+"):
        read_document(deep)
    report = Pipeline("run").from_text(SEED_FILES[0].read_text(encoding="utf-8") + "\n" + "8" * 5000 + "件")
    assert report.ok
