"""`govnlp report`: one self-contained Chinese HTML page per report and an index, checked in Chromium."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import SEED_FILES, real_reports, requires_shared
from typer.testing import CliRunner

from nlp.cli import app
from nlp.report import unit_file, write_reports
from nlp.run import run_corpus

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(apt-get install -y chromium) — browser rendering not tested")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    inputs = [*SEED_FILES, *real_reports(".pdf", ".md", ".txt", ".html")]
    run_corpus(inputs, tmp / "out", jobs=2, progress=False)
    result = write_reports(tmp / "out", tmp / "site")
    return tmp, result


def _page(result, agency: str) -> str:
    for path in result.pages.values():
        text = path.read_text(encoding="utf-8")
        if f"<h1>{agency} " in text:
            return text
    raise AssertionError(f"no page for {agency}")


def test_index_links_every_report_with_its_score(site):
    _, result = site
    index = result.index.read_text(encoding="utf-8")
    assert len(result.pages) == len(SEED_FILES) + len(real_reports(".pdf", ".md", ".txt", ".html"))
    for doc_id, path in result.pages.items():
        assert f'href="{unit_file(doc_id)}"' in index and path.exists()
    assert "年度报告检查总览" in index and "得分" in index
    assert "<script" not in index and "http" not in index.split("</style>")[1]  # self-contained, no code


@requires_shared
def test_failing_cells_are_highlighted_with_their_rule(site):
    _, result = site
    html = _page(result, "洪泽区人民政府")
    cells = re.findall(r'<td class="num FAIL" title="([^"]*)">', html)
    assert len(cells) == 10  # two blocks of table 四, five cells each
    assert all("A4.block_total" in t for t in cells)
    assert "表四 政府信息公开行政复议、行政诉讼情况" in html and "行政复议" in html
    assert "文件元数据" in html and "2024-02-26" in html  # timeliness with its source
    assert "与其他单位报告雷同" in html or "不雷同" in html


def test_seed_page_shows_sections_statements_themes_and_copying(site):
    _, result = site
    html = _page(result, "红旗区文化街街道办事处")
    for text in ("一、总体情况", "五、存在的主要问题及改进情况", "问题", "措施", "照抄条例原文", "第四十七条",
                 "未找到"):
        assert text in html, text
    assert re.search(r'class="tag theme" title="timeliness_update">时效性与栏目更新<', html)


@needs_chromium
def test_pages_render_in_chromium_without_console_errors(site):
    tmp, result = site

    def run(url: str, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               "--enable-logging=stderr", "--v=0", *args, url],
                              check=False, capture_output=True, text=True, timeout=120, cwd=tmp)

    # the console check can fail: a page that logs an error is caught
    bad = tmp / "bad.html"
    bad.write_text('<html><body><script>console.error("boom")</script></body></html>', encoding="utf-8")
    assert "CONSOLE" in run(bad.as_uri(), "--dump-dom").stderr
    page = next(p for p in result.pages.values() if "洪泽区人民政府" in p.read_text(encoding="utf-8"))
    for path in (result.index, page):
        proc = run(path.as_uri(), "--dump-dom")
        assert proc.returncode == 0
        assert "CONSOLE" not in proc.stderr, proc.stderr[-2000:]
        assert "年度报告检查" in proc.stdout  # the rendered DOM holds the Chinese text
    shot = tmp / "shot.png"
    proc = run(page.as_uri(), f"--screenshot={shot}", "--window-size=1200,1600")
    assert shot.exists() and "CONSOLE" not in proc.stderr
    from PIL import Image

    img = Image.open(shot).convert("L")
    assert img.size == (1200, 1600)
    assert len(img.getcolors(maxcolors=256) or range(256)) > 20  # text was drawn, not a blank page


def test_cli_report_one_document_and_unknown_id(site):
    tmp, result = site
    doc_id = next(iter(result.pages))
    out = tmp / "one"
    res = CliRunner().invoke(app, ["report", str(tmp / "out"), "--doc", doc_id[:10], "-o", str(out), "--no-embed-font"])
    assert res.exit_code == 0, res.output
    assert [p.name for p in (out / "units").iterdir()] == [f"{doc_id[:16]}.html"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "@font-face" not in index
    assert index.count('href="units/') == 1  # every report listed, only the written page linked
    assert index.count("<tr>") == len(result.pages) + 1
    bad = CliRunner().invoke(app, ["report", str(tmp / "out"), "--doc", "zzzz", "-o", str(out)])
    assert bad.exit_code == 1
