"""Word 97–2003 (.doc) and WPS (.wps) files through an installed converter (LibreOffice or antiword).

The .doc is made here by LibreOffice from a DOCX built from a real report (the text-layer reading
of the smallest real PDF in ../shared: its lines as paragraphs, its table rows as Word tables), so
no converted copy is committed. Tests that need a converter skip, saying which, when it is absent.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REAL, requires_shared

import nlp.io.doc as doc_mod
from nlp.errors import ReadError
from nlp.io import SUPPORTED_SUFFIXES, read_document
from nlp.pipeline import parse_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ANTIWORD = shutil.which("antiword")
requires_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed: "
                                      "apt-get install libreoffice-writer-nogui")
requires_antiword = pytest.mark.skipif(ANTIWORD is None, reason="antiword not installed: apt-get install antiword")


def docx_from_text(text: str, path: Path) -> Path:
    """A DOCX holding ``text``: lines as paragraphs, runs of tab-separated lines as Word tables."""
    import docx

    document = docx.Document()
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            document.add_paragraph(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and "\t" in lines[j]:
            j += 1
        rows = [line.split("\t") for line in lines[i:j]]
        table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        i = j
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def real_doc(tmp_path_factory: pytest.TempPathFactory):
    """(parsed original PDF, path of a .doc made from it by LibreOffice)."""
    if not REAL.is_dir():
        pytest.skip("../shared/corpus/real is absent")
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) not installed: cannot make a .doc to read")
    src = min(REAL.glob("*.pdf"), key=lambda p: p.stat().st_size)
    original = parse_report(src)
    d = tmp_path_factory.mktemp("doc")
    docx_path = docx_from_text(original.read.text, d / "report.docx")
    subprocess.run([SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(d / 'profile').as_uri()}",
                    "--convert-to", "doc", "--outdir", str(d), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    doc = d / "report.doc"
    assert doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real Word 97–2003 (OLE) file
    return original, doc


def _same_reading(original, report) -> None:
    assert report.ok, report.error
    assert [s.key for s in report.sections] == [s.key for s in original.sections]
    assert [s.title for s in report.sections] == [s.title for s in original.sections]
    assert len(original.sections) == 6


@requires_shared
@requires_soffice
def test_doc_through_libreoffice_reads_to_the_same_sections_and_tables(real_doc) -> None:
    original, doc = real_doc
    report = parse_report(doc)
    _same_reading(original, report)
    read = report.read
    assert read.file_format == "doc" and read.extras["converted_with"] == "soffice"
    assert read.source == str(doc)
    assert report.tables == original.tables


@requires_shared
@requires_antiword
def test_doc_through_antiword_reads_to_the_same_sections_and_tables(real_doc, monkeypatch) -> None:
    original, doc = real_doc
    monkeypatch.setattr(doc_mod, "find_converters", lambda: {"antiword": ANTIWORD})
    report = parse_report(doc)
    _same_reading(original, report)
    assert report.read.extras["converted_with"] == "antiword"
    assert report.tables == original.tables


@requires_shared
@requires_soffice
def test_wps_name_is_read_like_doc(real_doc, tmp_path: Path) -> None:
    original, doc = real_doc
    wps = tmp_path / "report.wps"
    shutil.copyfile(doc, wps)
    report = parse_report(wps)
    _same_reading(original, report)
    assert report.read.file_format == "wps"


def test_no_converter_names_the_file_and_what_to_install(monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "old-report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    monkeypatch.setattr(doc_mod, "find_converters", dict)
    with pytest.raises(ReadError) as err:
        read_document(path)
    msg = str(err.value)
    assert "old-report.doc" in msg and "libreoffice" in msg.lower() and "antiword" in msg
    assert ".doc" in SUPPORTED_SUFFIXES and ".wps" in SUPPORTED_SUFFIXES


def test_converter_is_stopped_after_the_timeout(monkeypatch, tmp_path: Path) -> None:
    """A hanging converter must not block a batch: it is killed and the file reported."""
    slow = tmp_path / "soffice"
    slow.write_text("#!/bin/sh\nsleep 30 &\nsleep 30\n")
    slow.chmod(0o755)
    path = tmp_path / "hangs.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    monkeypatch.setattr(doc_mod, "find_converters", lambda: {"soffice": str(slow)})
    monkeypatch.setattr(doc_mod, "_timeout", lambda: 0.5)
    with pytest.raises(ReadError, match=r"hangs\.doc: .*timed out"):
        read_document(path)


def test_docx_saved_under_a_doc_name_is_read_as_docx(tmp_path: Path, monkeypatch) -> None:
    path = docx_from_text("一、总体情况\n本年度主动公开信息120条。\n信息内容\t本年制发件数\n规章\t3\n",
                          tmp_path / "renamed.doc")
    monkeypatch.setattr(doc_mod, "find_converters", dict)  # no converter needed
    res = read_document(path)
    assert res.text.startswith("一、总体情况\n") and "规章\t3" in res.text
