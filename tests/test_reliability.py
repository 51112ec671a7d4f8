"""Hostile input and faults (issue 21): bounded time and memory, no tracebacks, one record per input,
good reports beside bad ones unaffected, one writer per output directory, no orphaned workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from _hostile import (
    ROOT,
    docx_with_many_members,
    flate_bomb_pdf,
    odd_file_names,
    run_measured,
    seed_text,
    special_entries,
    with_digit_run_after_row_label,
    with_digits_in_prose,
    with_long_line,
)
from conftest import SEED_FILES, real_reports

from nlp.errors import ReadError
from nlp.io import read_document
from nlp.io.limits import DEFAULT_LIMITS, ReadLimits, check_pdf_streams
from nlp.pipeline import Pipeline

MAX_SECONDS, MAX_RSS_MB = 90, 1500


def _seconds(pipeline: Pipeline, text: str) -> float:
    t = time.perf_counter()
    report = pipeline.from_text(text)
    assert report.ok
    return time.perf_counter() - t


@pytest.mark.parametrize("make, small, large", [
    (with_digit_run_after_row_label, 100_000, 400_000),
    (with_long_line, 200_000, 800_000),
    (with_digits_in_prose, 2_000, 8_000),
])
def test_pathological_text_stays_linear(make, small, large):
    """Four times the input may cost about four times the time, never sixteen (super-linear)."""
    pipeline = Pipeline("run")
    _seconds(pipeline, make(1_000))  # load models and caches
    t_small, t_large = _seconds(pipeline, make(small)), _seconds(pipeline, make(large))
    assert t_large < 7 * t_small + 1.0, (t_small, t_large)


def test_long_numbers_are_not_values_and_never_crash():
    """400 digits made `run` print a traceback (float overflow); a number over the limit is no fact."""
    report = Pipeline("run").from_text(with_digits_in_prose(400))
    assert report.ok
    facts = report.facts
    assert not any(len(f["text"]) > 100 for f in facts)
    assert all(f["value"] is None or abs(f["value"]) < 10 ** DEFAULT_LIMITS.max_number_digits for f in facts)


def test_a_text_file_over_the_limit_is_refused_up_front(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(DEFAULT_LIMITS.max_text_file_bytes + 1)
    t = time.perf_counter()
    with pytest.raises(ReadError, match=r"huge\.txt: text file too large .*limit"):
        read_document(big)
    assert time.perf_counter() - t < 1


def test_pdf_compression_bomb_is_refused_while_inflating(tmp_path):
    bomb = flate_bomb_pdf(tmp_path / "bomb.pdf", 48 << 20)
    small = ReadLimits(pdf_max_stream_inflated=16 << 20)
    with pytest.raises(ReadError, match=r"bomb\.pdf: a compressed stream .* inflates to more than 16777216"):
        check_pdf_streams(bomb, small)
    check_pdf_streams(bomb, DEFAULT_LIMITS)  # under the default limit: accepted by this check
    for real in real_reports(".pdf"):
        check_pdf_streams(real, DEFAULT_LIMITS)  # real reports pass


def test_docx_of_many_large_xml_members_is_refused(tmp_path):
    """190 members just under 1 MB passed the ratio and total caps and cost 3.9 GB; the XML cap stops it."""
    n = DEFAULT_LIMITS.zip_max_xml // (1 << 20) + 2
    docx = docx_with_many_members(tmp_path / "many.docx", n, (1 << 20) - 1024)
    with pytest.raises(ReadError, match=r"many\.docx: archive's XML parts expand to more than"):
        read_document(docx)


@pytest.mark.slow
def test_hostile_batch_beside_good_reports(tmp_path):
    """Every case of issue 21 in one `govnlp run` beside good reports: bounded time and memory, one row
    per input, errors naming their file, good reports read exactly as when alone."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in SEED_FILES[:2]:
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "digits400.txt").write_text(with_digits_in_prose(400), encoding="utf-8")
    (inputs / "digitrun.txt").write_text(with_digit_run_after_row_label(2_000_000), encoding="utf-8")
    (inputs / "longline.txt").write_text(with_long_line(1_700_000), encoding="utf-8")  # ~5 MB of UTF-8
    (inputs / "headings.txt").write_text(seed_text() + "\n五、存在的主要问题及改进情况" * 200_000,
                                         encoding="utf-8")
    flate_bomb_pdf(inputs / "bomb.pdf", 2 << 30)
    docx_with_many_members(inputs / "many.docx", 190, (1 << 20) - 1024)
    odd = odd_file_names(inputs)
    special_entries(inputs)
    n_expected = 2 + 6 + len(odd)
    rc, _, err, rss = run_measured(["run", str(inputs), "-o", str(tmp_path / "out"), "--jobs", "2", "-q"],
                                     timeout=MAX_SECONDS * 3)
    assert "Traceback" not in err
    assert rss < MAX_RSS_MB, rss
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert len(docs) == n_expected
    by_name = {Path(p).name: row for p, row in zip(docs["path"], docs.to_dict("records"), strict=True)}
    assert not by_name["bomb.pdf"]["ok"] and "bomb.pdf" in by_name["bomb.pdf"]["error"]
    assert not by_name["many.docx"]["ok"] and "zip bomb" in by_name["many.docx"]["error"]
    for seed in SEED_FILES[:2]:
        alone = Pipeline("parse").from_path(seed)
        assert by_name[seed.name]["ok"]
        n_cells = sum(len(t.get("cells") or t.get("rows") or {}) for t in alone.tables.values())
        assert n_cells > 0 and by_name[seed.name]["n_table_cells"] > 0
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    skipped = {Path(s["path"]).name: s["reason"] for s in manifest["skipped_inputs"]}
    assert {"loop.txt", "dangling.txt", "fifo.txt", "zero.txt"} <= set(skipped)
    assert rc == 1  # some inputs failed, and the run finished


def test_odd_file_names_are_reported_faithfully(tmp_path):
    names = odd_file_names(tmp_path)
    for command in ("parse", "facts", "check"):
        rc, out, err, _ = run_measured([command, str(tmp_path)])
        assert "Traceback" not in err, err
        sources = {json.loads(line)["source"] for line in out.splitlines() if line.strip()}
        assert sources == {str(p) for p in names}, command  # surrogate escapes survive JSON exactly
    rc, out, err, _ = run_measured(["run", str(tmp_path), "-o", str(tmp_path / "out"), "-q", "--jobs", "1"])
    assert rc == 0 and "Traceback" not in err
    paths = pd.read_parquet(tmp_path / "out" / "documents.parquet")["path"].tolist()
    assert len(paths) == len(names)
    assert any("caf\\xe9-latin1.txt" in p for p in paths) and any("new\nline.txt" in p for p in paths)


def test_special_entries_are_skipped_inside_folders_and_errors_when_named(tmp_path):
    (tmp_path / "good.txt").write_bytes(SEED_FILES[0].read_bytes())
    entries = special_entries(tmp_path)
    rc, out, err, _ = run_measured(["parse", str(tmp_path)], timeout=60)
    records = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["source"]).name for r in records] == ["good.txt"] and records[0]["ok"]
    for name in ("loop.txt", "dangling.txt", "fifo.txt", "zero.txt"):
        assert f"warning: skipped {tmp_path / name}" in err
    rc, out, err, _ = run_measured(["parse", *map(str, entries.values())], timeout=60)
    records = {Path(r["source"]).name: r for r in map(json.loads, out.splitlines())}
    assert rc == 1 and len(records) == 4 and not any(r["ok"] for r in records.values())
    assert "symbolic link loop" in records["loop.txt"]["error"]
    assert "dangling" in records["dangling.txt"]["error"]
    assert "not a regular file" in records["fifo.txt"]["error"]
    assert "not a regular file" in records["zero.txt"]["error"]


def _corpus(folder: Path, n: int) -> Path:
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEED_FILES]
    for i in range(n):
        (folder / f"r{i:03d}.txt").write_text(texts[i % 5] + f"\n附：第{i}号副本\n", encoding="utf-8")
    return folder


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find worker processes")
def test_kill_9_of_the_parent_leaves_no_worker_behind(tmp_path):
    corpus, out = _corpus(tmp_path / "c", 60), tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "nlp", "run", str(corpus), "-o", str(out), "--jobs", "2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline, workers = time.time() + 60, set()
    while time.time() < deadline and len(workers) < 2 and proc.poll() is None:
        workers = {p for p in _children(proc.pid) if Path(f"/proc/{p}/cmdline").read_bytes().count(b"nlp")}
        time.sleep(0.05)
    assert workers, "no worker started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        time.sleep(0.1)
    alive = [w for w in workers if Path(f"/proc/{w}").exists()
             and "Z" not in Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0]]
    assert alive == []
    # the next run takes the dead run's lock over, cleans its temporary files and completes
    (out / ".documents.parquet.x.tmp").write_bytes(b"half")
    rc, _, err, _ = run_measured(["run", str(corpus), "-o", str(out), "--jobs", "2", "-q", "--no-similarity"])
    assert rc == 0 and "taking over the lock" in err
    assert not list(out.glob(".*.tmp"))


def test_a_second_run_on_the_same_outdir_is_refused(tmp_path):
    """A run holds the OUTDIR lock for its whole duration; another run exits at once naming it. The
    holder here is a process inside `outdir_lock` (what `govnlp run` does around all its work), so
    the test does not depend on how long a real run lasts on a loaded machine."""
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    script = ("import time\nfrom nlp.run.lock import outdir_lock\n"
              f"with outdir_lock({str(out)!r}):\n    print('locked', flush=True)\n    time.sleep(120)\n")
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert holder.stdout.readline().strip() == "locked"
        rc, _, err, _ = run_measured(["run", str(SEED_FILES[0]), "-o", str(out), "-q"])
        assert rc == 2 and f"pid {holder.pid}" in err and "another govnlp run" in err
        assert not (out / "documents.parquet").exists()  # the refused run wrote nothing
    finally:
        holder.kill()
        holder.wait()
    # the holder died without releasing: the next run takes the stale lock over and completes
    rc, _, err, _ = run_measured(["run", str(SEED_FILES[0]), "-o", str(out), "-q", "--no-similarity"])
    assert rc == 0 and f"pid {holder.pid}" in err and "taking over the lock" in err
    assert len(pd.read_parquet(out / "documents.parquet")) == 1



def test_xml_entity_expansion_in_a_docx_is_not_expanded(tmp_path):
    """A "billion laughs" DTD in word/document.xml: refused or read without expanding, quickly."""
    import zipfile

    from _docgen import make_report_docx

    source = make_report_docx(tmp_path / "plain.docx")
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "哈"}">' for i in range(10))
    with zipfile.ZipFile(source) as zin:
        parts = {name: zin.read(name) for name in zin.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    head, body = xml.split("?>", 1) if xml.startswith("<?xml") else ("", xml)
    parts["word/document.xml"] = (head + ("?>" if head else "") + f"<!DOCTYPE w:document [{laughs}]>"
                                  + body.replace("<w:t>", "<w:t>&l9;", 1)).encode("utf-8")
    bomb = tmp_path / "laughs.docx"
    with zipfile.ZipFile(bomb, "w") as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    t = time.perf_counter()
    try:
        text = read_document(bomb).text
        assert len(text) < 10 * len(read_document(source).text)
    except ReadError as exc:
        assert "laughs.docx" in str(exc)
    assert time.perf_counter() - t < 10
