"""notebooks/comparative_study.ipynb runs headless (nbclient, python3 kernel of this environment) on the seeds."""
from __future__ import annotations

import os

import nbformat
import pytest
from conftest import ROOT, SEED_FILES

from nlp.run import run_corpus

NOTEBOOK = ROOT / "notebooks" / "comparative_study.ipynb"
PIPELINE = os.environ.get("GOVNLP_TEST_PIPELINE", "run")
COMPONENTS: str | list[str] = PIPELINE if "," not in PIPELINE else PIPELINE.split(",")


def test_comparative_study_notebook_executes(tmp_path, monkeypatch):
    from nbclient import NotebookClient

    rundir = tmp_path / "run"
    run_corpus(SEED_FILES, rundir, components=COMPONENTS, jobs=2, progress=False)
    monkeypatch.setenv("GOVNLP_RUN_DIR", str(rundir))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend renders the charts
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    assert "5 inputs, 5 processed, 0 errors" in text
    assert "第四十七条" in text  # seed 000 copies the 条例 (the copying table shows it)
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # themes, copying histograms, facts by year
    # every markdown step is explained and the notebook is stored without outputs
    assert all(c.source.strip() for c in nb.cells if c.cell_type == "markdown")
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert not any(c.get("outputs") for c in stored.cells if c.cell_type == "code")


@pytest.mark.parametrize("cell_kind", ["markdown", "code"])
def test_notebook_alternates_explanations_and_code(cell_kind):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert sum(c.cell_type == cell_kind for c in nb.cells) >= 8
