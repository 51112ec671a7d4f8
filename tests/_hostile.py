"""Generators of hostile and unlucky inputs for the reliability tests (small, made on the fly).

Each generator writes into a folder and returns the path. Sizes are parameters so that a test can
show super-linear behaviour as a ratio between two sizes instead of waiting minutes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from conftest import SEED_FILES

ROOT = Path(__file__).resolve().parents[1]
TABLE3_LABEL = "本年新收政府信息公开申请数量"


def seed_text(i: int = 0) -> str:
    return SEED_FILES[i].read_text(encoding="utf-8")


def with_digits_in_prose(n_digits: int) -> str:
    """A real report whose active-disclosure sentence states a number of ``n_digits`` digits."""
    return seed_text().replace("主动公开", "主动公开" + "9" * n_digits + "条，", 1)


def with_digit_run_after_row_label(n_digits: int) -> str:
    text = seed_text()
    i = text.index(TABLE3_LABEL)
    return text[:i] + TABLE3_LABEL + "7" * n_digits + text[i:]


def with_long_line(n_chars: int) -> str:
    """A report followed by one line of ``n_chars`` characters without punctuation."""
    unit = "政府信息公开工作年度报告"
    return seed_text() + "\n" + (unit * (n_chars // len(unit) + 1))[:n_chars]


def with_headings(n: int) -> str:
    return seed_text() + "\n" + "五、存在的主要问题及改进情况\n" * n


def with_zero_width(text: str) -> str:
    """U+200B between every two characters (what some scraped pages carry)."""
    return "\u200b".join(text)


def flate_bomb_pdf(path: Path, inflated_bytes: int) -> Path:
    """A one-page PDF whose content stream is ``inflated_bytes`` of spaces compressed with Flate."""
    deflater = zlib.compressobj(9)
    chunk = b" " * (16 << 20)
    parts = []
    left = inflated_bytes
    while left > 0:
        parts.append(deflater.compress(chunk[:min(left, len(chunk))]))
        left -= len(chunk)
    stream = b"".join(parts) + deflater.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def docx_with_many_members(path: Path, n_members: int, member_bytes: int) -> Path:
    """A DOCX (made from a real report by the test helper) plus ``n_members`` XML parts just under the
    per-member ratio check, each ``member_bytes`` once inflated."""
    from _docgen import make_report_docx

    make_report_docx(path)
    filler = (b"<w:t>" + "政务公开".encode() * 8 + b"</w:t>\n") * (member_bytes // 70)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(n_members):
            zf.writestr(f"word/padding/part{i}.xml", filler[:member_bytes])
    return path


def odd_file_names(folder: Path) -> list[Path]:
    """Copies of a seed under names holding a newline, a tab, a backslash, quotes, latin-1 bytes and emoji."""
    names = [b"new\nline.txt", b"tab\there.txt", b"back\\slash.txt", b"quo\"te's.txt",
             b"caf\xe9-latin1.txt", "emoji-😀.txt".encode()]
    data = SEED_FILES[1].read_bytes()
    out = []
    for raw in names:
        target = os.path.join(os.fsencode(folder), raw)
        with open(target, "wb") as fh:
            fh.write(data)
        out.append(Path(os.fsdecode(target)))
    return out


def special_entries(folder: Path) -> dict[str, Path]:
    """A link to itself, a dangling link, a FIFO and a link to /dev/zero, all with report suffixes."""
    entries = {"loop": folder / "loop.txt", "dangling": folder / "dangling.txt",
               "fifo": folder / "fifo.txt", "zero": folder / "zero.txt"}
    entries["loop"].symlink_to(entries["loop"].name)
    entries["dangling"].symlink_to(folder / "does-not-exist.txt")
    os.mkfifo(entries["fifo"])
    entries["zero"].symlink_to("/dev/zero")
    return entries


def run_measured(args: list[str], timeout: float = 90, cwd: Path | None = None) -> tuple[int, str, str, float]:
    """Run ``python -m nlp ARGS`` in a child and return (exit code, stdout, stderr, peak RSS in MB of
    the child and its workers), measured by a wrapper process that has no other children."""
    wrapper = ("import resource, subprocess, sys, json\n"
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors='replace')\n"
               "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
               "print(json.dumps([p.returncode, p.stdout, p.stderr, rss]))\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", wrapper, sys.executable, "-m", "nlp", *args],
                          check=False, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd or ROOT)

    rc, out, err, rss = json.loads(done.stdout)
    return rc, out, err, rss
