"""`govnlp run --scheduler local:2` (a 2-worker Dask LocalCluster) gives the local run's tables."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import SEED_FILES, real_reports

from nlp.run import run_corpus

pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'govnlp[dask]'")

TIMING_COLUMNS = ["seconds"]  # wall-clock time per document differs between any two runs


def _tables(outdir):
    out = {}
    for path in sorted(outdir.glob("*.parquet")):
        df = pd.read_parquet(path).drop(columns=TIMING_COLUMNS, errors="ignore")
        out[path.name] = df.reset_index(drop=True)
    return out


def test_dask_local_cluster_gives_the_local_tables(tmp_path):
    inputs = [*SEED_FILES, *real_reports(".txt", ".md", ".html", ".pdf")]
    local = run_corpus(inputs, tmp_path / "local", jobs=1, progress=False)
    dask = run_corpus(inputs, tmp_path / "dask", progress=False, scheduler="local:2")
    assert (dask.n_inputs, dask.n_ok, dask.n_errors) == (local.n_inputs, local.n_ok, local.n_errors)
    a, b = _tables(tmp_path / "local"), _tables(tmp_path / "dask")
    assert a.keys() == b.keys() and len(a) >= 10
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    # resumable as a local run: nothing left to do on a second pass
    again = run_corpus(inputs, tmp_path / "dask", progress=False, scheduler="local:2")
    assert again.n_processed == 0 and again.n_skipped == len(set(map(str, inputs)))
