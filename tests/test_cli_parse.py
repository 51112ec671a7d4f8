"""`govnlp parse` / `govnlp text`: one record per input, errors that never cost other work."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

from conftest import ROOT, SEED_FILES
from typer.testing import CliRunner

from nlp.cli import app

runner = CliRunner()


def _records(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_directory_with_one_bad_and_two_good_files(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder / "a.txt")
    shutil.copy(SEED_FILES[3], folder / "b.txt")
    (folder / "c.txt").write_bytes(b"\x00\x01\x02binary\xff\xfe\x00" * 50)
    out = tmp_path / "parsed.jsonl"
    result = runner.invoke(app, ["parse", str(folder), "-o", str(out)])
    assert result.exit_code == 1  # one input failed
    recs = _records(out.read_text(encoding="utf-8"))
    assert [r["ok"] for r in recs] == [True, True, False]
    assert "c.txt" in recs[2]["error"] and "binary" in recs[2]["error"]
    good = recs[0]
    assert good["format_version"] == "2021" and good["meta"]["year"] == 2023
    assert [s["key"] for s in good["sections"]] == [
        "overall", "active_disclosure", "applications", "review_litigation", "problems", "other"]
    assert good["missing_sections"] == []
    text = SEED_FILES[0].read_text(encoding="utf-8")
    for sec in good["sections"]:
        assert text[sec["start"]:sec["end"]] == sec["text"]


def test_all_good_exit_zero_and_missing_sections_listed(tmp_path):
    text = SEED_FILES[2].read_text(encoding="utf-8")
    cut = tmp_path / "no56.txt"
    cut.write_text(text[: text.index("五、存在的主要问题")], encoding="utf-8")
    result = runner.invoke(app, ["parse", str(SEED_FILES[2]), str(cut)])
    assert result.exit_code == 0, result.output
    recs = _records(result.stdout)
    assert recs[0]["missing_sections"] == [] and recs[1]["missing_sections"] == ["problems", "other"]


def test_text_command_prints_the_reference_text():
    result = runner.invoke(app, ["text", str(SEED_FILES[1])])
    assert result.exit_code == 0
    assert result.stdout == SEED_FILES[1].read_text(encoding="utf-8")


def test_python_m_nlp_version():
    proc = subprocess.run([sys.executable, "-m", "nlp", "--version"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("govnlp ")
