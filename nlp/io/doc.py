"""Word 97–2003 (``.doc``) and WPS (``.wps``) reports, read through a converter installed on PATH.

* LibreOffice (``soffice``/``libreoffice``, e.g. ``apt-get install libreoffice-writer-nogui``) is
  preferred: ``soffice --headless --convert-to docx`` into a temporary folder, then the DOCX
  reader, so Word tables keep their rows and cells.
* antiword (``apt-get install antiword``) is the fallback for ``.doc``: plain text, each table cell
  on a line of its own (antiword does not mark where a table row ends).

The converter runs with a time limit (``timeout_s`` in ``resources/convert.yaml``) and its own
throw-away LibreOffice profile, so a hanging or crashing conversion cannot block a batch. When no
converter is installed the error names the file and says what to install.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import yaml

from nlp.errors import ReadError
from nlp.io.base import ReadResult
from nlp.io.limits import DEFAULT_LIMITS, ReadLimits, check_file_size
from nlp.resources import resource_path

INSTALL_HINT = ("install LibreOffice (`soffice`, e.g. `apt-get install libreoffice-writer-nogui`) "
                "or antiword (`apt-get install antiword`) so that it is on PATH")
_CELL_END = re.compile(r" ?\|")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def find_converters() -> dict[str, str]:
    """Converters found on PATH: {"soffice": path, "antiword": path} (either may be absent)."""
    out = {}
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        out["soffice"] = office
    antiword = shutil.which("antiword")
    if antiword:
        out["antiword"] = antiword
    return out


def _timeout() -> float:
    with open(resource_path("convert.yaml"), encoding="utf-8") as fh:
        return float(yaml.safe_load(fh)["timeout_s"])


def _run(cmd: list[str], path: Path, timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run a converter in its own process group; on timeout kill the whole group (LibreOffice's
    wrapper starts soffice.bin as a child, which would otherwise outlive it)."""
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError as exc:
        raise ReadError(str(path), f"converter {Path(cmd[0]).name} could not run ({exc})") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReadError(str(path), f"converter {Path(cmd[0]).name} timed out after {timeout:g} s") from exc
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert_with_soffice(path: Path, soffice: str, out_dir: Path, timeout: float) -> Path:
    """Convert ``path`` to DOCX in ``out_dir``; return the DOCX path."""
    src = out_dir / ("input" + path.suffix.lower())  # a plain name: soffice names its output after it
    shutil.copyfile(path, src)
    profile = (out_dir / "profile").as_uri()
    cmd = [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile}",
           "--convert-to", "docx", "--outdir", str(out_dir), str(src)]
    proc = _run(cmd, path, timeout)
    out = out_dir / "input.docx"
    if not out.exists() or out.stat().st_size == 0:
        tail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()[-300:]
        raise ReadError(str(path), f"LibreOffice could not convert the file (exit {proc.returncode}: {tail})")
    return out


def text_with_antiword(path: Path, antiword: str, timeout: float) -> str:
    proc = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(path)], path, timeout)
    text = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0 or not text.strip():
        tail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
        raise ReadError(str(path), f"antiword could not read the file (exit {proc.returncode}: {tail})")
    # antiword marks each table cell's end with "|" but not where a row ends, and runs the text
    # after a table onto its last row: one cell per line is the honest reading (the tables' flat
    # reader takes it), and puts the heading that follows a table back on a line of its own
    return _CELL_END.sub("\n", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_doc_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> ReadResult:
    """Read a ``.doc`` or ``.wps`` report through LibreOffice (tables kept) or antiword (text only)."""
    from nlp.io.docx import read_docx_file

    path = Path(path)
    check_file_size(path, limits)
    fmt = path.suffix.lower().lstrip(".") or "doc"
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(b"PK"):  # a DOCX saved under an old name: read it as what it is
        result = read_docx_file(path, limits=limits)
        result.extras["converted_with"] = None
        return result
    converters = find_converters()
    if not converters:
        raise ReadError(str(path), f"Word 97–2003/WPS file (.{fmt}): no converter found; {INSTALL_HINT}")
    timeout = _timeout()
    errors: list[str] = []
    if "soffice" in converters:
        with tempfile.TemporaryDirectory(prefix="govnlp-doc-") as tmp:
            try:
                docx_path = convert_with_soffice(path, converters["soffice"], Path(tmp), timeout)
                result = read_docx_file(docx_path, limits=limits)
            except ReadError as exc:
                errors.append(exc.problem)
            else:
                result.source, result.file_format = str(path), fmt
                result.extras["converted_with"] = "soffice"
                return result
    if "antiword" in converters and head.startswith(_OLE):
        try:
            text = text_with_antiword(path, converters["antiword"], timeout)
        except ReadError as exc:
            errors.append(exc.problem)
        else:
            return ReadResult(text=text, source=str(path), file_format=fmt, encoding=None,
                              extras={"converted_with": "antiword"})
    if not errors:
        errors.append("not a Word 97–2003 (OLE) file, which is all antiword reads")
    raise ReadError(str(path), "; ".join(errors))
