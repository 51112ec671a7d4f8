"""`govnlp run`: every input gets one documents row, outputs are consistent, runs resume and survive crashes."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import REAL, SEED_FILES, requires_shared

from nlp.io import read_document
from nlp.run import discover_inputs, run_corpus
from nlp.run.identity import content_hash
from nlp.run.parts import PartStore
from nlp.run.worker import DocumentProcessor

# The full "run" pipeline; GOVNLP_TEST_PIPELINE=a,b,c narrows it while a component is being built.
PIPELINE = os.environ.get("GOVNLP_TEST_PIPELINE", "run")
COMPONENTS: str | list[str] = PIPELINE if "," not in PIPELINE else PIPELINE.split(",")
TABLES = ("documents", "sections", "table_cells", "checks", "facts", "statements")


def _bad_inputs(tmp: Path) -> list[Path]:
    empty = tmp / "empty.txt"
    empty.write_text("")
    unsupported = tmp / "report.xyz"
    unsupported.write_text("二〇二三年 政府信息公开工作年度报告")
    return [empty, unsupported, tmp / "does_not_exist.txt"]


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    inputs = [*SEED_FILES[:3], *_bad_inputs(tmp), *SEED_FILES[3:]]
    summary = run_corpus(inputs, tmp / "out", components=COMPONENTS, jobs=2, progress=False,
                          formats=("parquet", "csv"))  # CSV is on request; this run asks for it
    return inputs, summary, tmp / "out"


def test_every_input_yields_one_documents_row_in_order(seed_run):
    inputs, summary, out = seed_run
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs["path"]) == [str(p) for p in inputs]
    assert summary.n_inputs == len(inputs) == len(docs)
    bad = docs[~docs["ok"]]
    assert sorted(Path(p).name for p in bad["path"]) == ["does_not_exist.txt", "empty.txt", "report.xyz"]
    # the message names the file and the problem
    for path, error in zip(bad["path"], bad["error"]):
        assert path in error
    assert "empty" in bad.set_index("path").loc[str(inputs[3]), "error"]
    assert "unsupported" in bad.set_index("path").loc[str(inputs[4]), "error"]
    assert summary.n_errors == 3 and summary.n_ok == 5


def test_seed_documents_carry_metadata_and_sections(seed_run):
    _, _, out = seed_run
    docs = pd.read_parquet(out / "documents.parquet").set_index("path")
    seeds = docs.loc[[str(p) for p in SEED_FILES]]
    assert seeds["ok"].all()
    assert set(seeds["year"]) == {2023, 2024}
    assert seeds["agency"].notna().all() and seeds["format_version"].notna().all()
    assert (seeds["n_sections"] == 6).all()
    assert (seeds["len_problems"] > 50).all()  # every seed has a substantive 五
    assert seeds.loc[str(SEED_FILES[0]), "region"] == "河南"  # 新乡市 in the first paragraph


def test_section_spans_point_into_the_reference_text(seed_run):
    _, _, out = seed_run
    docs = pd.read_parquet(out / "documents.parquet")
    sections = pd.read_parquet(out / "sections.parquet")
    for path in SEED_FILES:
        doc_id = docs.loc[docs["path"] == str(path), "doc_id"].item()
        text = read_document(path).text
        rows = sections[sections["doc_id"] == doc_id]
        assert {"overall", "problems", "other"} <= set(rows["key"])
        for r in rows.itertuples():
            assert text[r.start:r.end] == r.text


def test_table_cells_long_form_matches_seed_004(seed_run):
    _, _, out = seed_run
    docs = pd.read_parquet(out / "documents.parquet")
    cells = pd.read_parquet(out / "table_cells.parquet")
    doc_id = docs.loc[docs["path"] == str(SEED_FILES[4]), "doc_id"].item()
    c = cells[(cells["doc_id"] == doc_id)].set_index(["table", "row", "column"])
    assert c.loc[("table3", "new_received", "total"), "value"] == 2  # seed 004: two applications
    assert c.loc[("table4", "litigation_direct", "total"), "value"] == 2
    # every seed has all 25 × 7 table-三 cells
    per_doc = cells[cells["table"] == "table3"].groupby("doc_id").size()
    assert (per_doc == 175).sum() == 5


def test_statements_checks_and_facts_are_tabulated(seed_run):
    _, _, out = seed_run
    st = pd.read_parquet(out / "statements.parquet")
    assert set(st["role"]) >= {"problem", "measure"}
    assert st.groupby("doc_id").size().min() >= 2
    checks = pd.read_parquet(out / "checks.parquet")
    assert {"rule", "status"} <= set(checks.columns) and len(checks) > 0
    facts = pd.read_parquet(out / "facts.parquet")
    docs = pd.read_parquet(out / "documents.parquet")
    seed0 = docs.loc[docs["path"] == str(SEED_FILES[0]), "doc_id"].item()
    assert 553 in set(facts.loc[facts["doc_id"] == seed0, "value"])  # "主动公开各类信息 553 条"


def test_csv_and_parquet_agree_and_manifest_counts(seed_run):
    _, summary, out = seed_run
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name in TABLES:
        pq_df = pd.read_parquet(out / f"{name}.parquet")
        csv_df = pd.read_csv(out / f"{name}.csv")
        assert len(pq_df) == len(csv_df) == manifest["counts"][f"rows.{name}"]
        assert list(pq_df.columns) == list(csv_df.columns)
    assert manifest["counts"]["inputs"] == 8 and manifest["counts"]["errors"] == 3
    inputs = seed_run[0]
    assert {e["path"] for e in manifest["errors"]} == {str(p) for p in inputs[3:6]}
    assert manifest["errors"] == summary.errors
    assert manifest["version"] and manifest["libraries"]["rjieba"]
    assert not list(out.glob(".*.tmp")) and not list((out / "parts").glob(".*.tmp"))


def test_rerun_skips_done_documents_and_force_redoes_them(tmp_path):
    out = tmp_path / "out"
    first = run_corpus(SEED_FILES[:2], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    store = PartStore(out)
    mtimes = {p: p.stat().st_mtime_ns for p in store.root.rglob("*.parquet")}
    assert first.n_processed == 2 and len(store.index()) == 2 and mtimes
    again = run_corpus(SEED_FILES[:2], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    assert again.n_processed == 0 and again.n_skipped == 2
    assert {p: p.stat().st_mtime_ns for p in store.root.rglob("*.parquet")} == mtimes
    forced = run_corpus(SEED_FILES[:2], out, components=COMPONENTS, jobs=1, progress=False, similarity=False,
                        force=True)
    assert forced.n_processed == 2
    assert len(pd.read_parquet(out / "documents.parquet")) == 2


def test_resume_from_a_subset_neither_loses_nor_duplicates(tmp_path):
    out = tmp_path / "out"
    run_corpus(SEED_FILES[:2], out, components=COMPONENTS, jobs=2, progress=False, similarity=False)
    full = run_corpus(SEED_FILES, out, components=COMPONENTS, jobs=2, progress=False, similarity=False)
    assert (full.n_processed, full.n_skipped) == (3, 2)
    docs = pd.read_parquet(out / "documents.parquet")
    assert list(docs["path"]) == [str(p) for p in SEED_FILES] and docs["doc_id"].is_unique
    sections = pd.read_parquet(out / "sections.parquet")
    assert sections.groupby("doc_id")["key"].apply(lambda k: k.is_unique).all()  # no duplicated document


def test_identical_files_share_a_doc_id_but_each_gets_a_row(tmp_path):
    copy = tmp_path / "copy_of_seed0.txt"
    shutil.copy(SEED_FILES[0], copy)
    summary = run_corpus([SEED_FILES[0], copy], tmp_path / "out", components=COMPONENTS, jobs=1,
                         progress=False, similarity=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert len(docs) == 2 and docs["doc_id"].nunique() == 1 and summary.n_processed == 1
    assert docs["duplicate_of"].isna().tolist() == [True, False]
    assert docs["duplicate_of"].iloc[1] == str(SEED_FILES[0])
    sections = pd.read_parquet(tmp_path / "out" / "sections.parquet")
    assert sections["key"].is_unique  # analysis rows appear once


def test_worker_crash_is_isolated_and_recorded(tmp_path, monkeypatch):
    victim = str(SEED_FILES[2])
    original = DocumentProcessor.analyse

    def crashing(self, path, doc_id, adjust=None):
        if path == victim:
            os._exit(3)  # a segfault-like death of the worker process
        return original(self, path, doc_id, adjust)

    monkeypatch.setattr(DocumentProcessor, "analyse", crashing)  # inherited by forked workers
    out = tmp_path / "out"
    summary = run_corpus(SEED_FILES, out, components=COMPONENTS, jobs=2, progress=False, similarity=False)
    docs = pd.read_parquet(out / "documents.parquet").set_index("path")
    assert summary.n_inputs == 5 and summary.n_errors == 1
    assert not docs.loc[victim, "ok"] and "worker process crashed" in docs.loc[victim, "error"]
    assert docs.drop(index=victim)["ok"].all()
    # once the cause is gone, a re-run retries only the failed document
    monkeypatch.setattr(DocumentProcessor, "analyse", original)
    again = run_corpus(SEED_FILES, out, components=COMPONENTS, jobs=2, progress=False, similarity=False)
    assert (again.n_processed, again.n_errors) == (1, 0)


def test_discover_inputs_recurses_and_skips_corpus_documentation(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.txt", "a/b/y.html", "a/README.md", "a/notes.tsv", "a/.hidden.txt"):
        (tmp_path / name).write_text("x")
    found = [Path(p).relative_to(tmp_path).as_posix() for p in discover_inputs([tmp_path / "a"])]
    assert found == ["a/b/y.html", "a/x.txt"]
    assert discover_inputs([tmp_path / "missing.pdf"]) == [str(tmp_path / "missing.pdf")]


def test_content_hash_names_unreadable_paths(tmp_path):
    assert content_hash(tmp_path / "nope.txt").startswith("unreadable-")
    (tmp_path / "a.txt").write_text("同一内容")
    (tmp_path / "b.txt").write_text("同一内容")
    assert content_hash(tmp_path / "a.txt") == content_hash(tmp_path / "b.txt")


@requires_shared
def test_real_text_and_html_reports_run(tmp_path):
    inputs = [p for p in sorted(REAL.iterdir()) if p.suffix in (".txt", ".md", ".html")]
    summary = run_corpus(inputs, tmp_path / "out", components=COMPONENTS, jobs=2, progress=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert summary.n_errors == 0 and len(docs) == len(inputs)
    assert (docs["n_sections"] >= 3).all()
    assert docs["year"].notna().all()


def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    """SIGKILL the whole `govnlp run` process group mid-way, then run again."""
    import signal
    import subprocess
    import sys
    import time

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    n = 40
    for i in range(n):  # distinct content per file (content hashes differ)
        (corpus / f"r{i:03d}.txt").write_text(texts[i % 5] + f"\n附：第{i}号副本\n", encoding="utf-8")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "nlp", "run", str(corpus), "-o", str(out), "--jobs", "2", "-q", "--no-similarity",
           "--pipeline", PIPELINE]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = PartStore(out)
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if len(store.names()) >= 2:  # parts are the resume points: 40 documents are cut into 8 batches
            break
        time.sleep(0.01)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(PartStore(out).index())
    assert 2 <= done_before < n  # killed mid-way
    summary = run_corpus([corpus], out, components=COMPONENTS, jobs=2, progress=False, similarity=False)
    assert summary.n_processed == n - done_before and summary.n_skipped == done_before
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == n and docs["doc_id"].is_unique and docs["ok"].all()
    sections = pd.read_parquet(out / "sections.parquet")
    assert sections["doc_id"].nunique() == n
    assert not list(store.root.rglob(".*.tmp"))


def test_cli_run_prints_counts_and_outputs(tmp_path):
    from typer.testing import CliRunner

    from nlp.cli import app

    out = tmp_path / "out"
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    res = CliRunner().invoke(app, ["run", *map(str, SEED_FILES[:2]), str(bad), "-o", str(out), "-j", "1", "-q",
                                   "--pipeline", PIPELINE, "--no-similarity", "--no-csv"])
    assert res.exit_code == 1  # one input failed (its row says why); the others were processed
    assert "3 documents: 2 ok, 1 errors" in res.output and str(out) in res.output
    assert "bad.txt: empty file" in res.output
    assert (out / "documents.parquet").exists() and not (out / "documents.csv").exists()
    unknown = CliRunner().invoke(app, ["run", str(SEED_FILES[0]), "-o", str(out), "--pipeline", "normalize,nosuch"])
    assert unknown.exit_code == 2 and "nosuch" in unknown.output


def test_a_changed_model_invalidates_done_documents(tmp_path, monkeypatch):
    from nlp.run import worker

    out = tmp_path / "out"
    run_corpus(SEED_FILES[:1], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    monkeypatch.setattr(worker, "_models_digest", lambda components: "retrained-model")
    again = run_corpus(SEED_FILES[:1], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    assert again.n_processed == 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "retrained-model" in manifest["pipeline_signature"]


def test_cli_run_summarises_copying(tmp_path):
    from typer.testing import CliRunner

    from nlp.cli import app

    res = CliRunner().invoke(app, ["run", str(SEED_FILES[0]), str(SEED_FILES[4]), "-o", str(tmp_path / "o"), "-q",
                                   "--pipeline", PIPELINE, "--no-csv"])
    assert res.exit_code == 0, res.output
    # seed 000 copies 第四十七条; seeds 000 and 004 (both 红旗区) share section 六
    assert "copying: 1 reports copy statute text into a section, 2 share a near-identical section" in res.output


def test_a_component_that_cannot_be_built_stops_the_run_with_its_reason(tmp_path):
    """Workers build the components (the parent never loads models): a missing model stops the run with
    the first batch, naming the component's error, and writes no tables."""
    from nlp.run.worker import PipelineBuildError

    out = tmp_path / "out"
    with pytest.raises(PipelineBuildError, match=r"cannot build the pipeline .*no-such-model"):
        run_corpus(SEED_FILES[:2], out, components=["normalize", "segment", "metadata", "statements", "themes"],
                   jobs=1, progress=False, similarity=False, config={"themes": {"model": str(tmp_path / "no-such-model")}})
    assert not (out / "documents.parquet").exists()


def test_a_document_written_again_is_read_from_its_newest_part_and_the_old_part_removed(tmp_path, monkeypatch):
    """A failed document is retried by the next run into a new part; the tables take the new rows and the
    part nothing is read from any more is removed (disk stays proportional to the corpus)."""
    original = DocumentProcessor.analyse
    victim = str(SEED_FILES[0])

    def failing(self, path, doc_id, adjust=None):
        result, doc = original(self, path, doc_id, adjust)
        if path == victim:
            result.ok, doc.ok = False, False
        return result, doc

    out = tmp_path / "out"
    monkeypatch.setattr(DocumentProcessor, "analyse", failing)  # inherited by forked workers
    run_corpus([victim], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    store = PartStore(out)
    (first,) = store.names()
    assert not store.index()[next(iter(store.index()))].ok
    monkeypatch.setattr(DocumentProcessor, "analyse", original)
    again = run_corpus([victim], out, components=COMPONENTS, jobs=1, progress=False, similarity=False)
    assert again.n_processed == 1
    names = PartStore(out).names()
    assert len(names) == 1 and names != [first]
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs["ok"].all() and len(pd.read_parquet(out / "sections.parquet")) > 0
