"""`govnlp compare`: theme prevalence with Wilson intervals and tests, metrics by group, charts."""
from __future__ import annotations

import math
import os

import matplotlib.image as mpimg
import pandas as pd
import pytest
from conftest import SEED_FILES
from typer.testing import CliRunner

from nlp.cli import app
from nlp.compare.report import chart_labels, compare
from nlp.compare.stats import distribution_test, proportion_test, wilson_interval
from nlp.provinces import region_of
from nlp.run import run_corpus

PIPELINE = os.environ.get("GOVNLP_TEST_PIPELINE", "run")
COMPONENTS: str | list[str] = PIPELINE if "," not in PIPELINE else PIPELINE.split(",")


@pytest.fixture(scope="module")
def rundir(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cmp")
    later = tmp / "000_2024.txt"  # seed 000 one year on, so that "year" has two groups with the same unit
    later.write_text(SEED_FILES[0].read_text(encoding="utf-8").replace("2023", "2024"), encoding="utf-8")
    run_corpus([*SEED_FILES, later], tmp / "out", components=COMPONENTS, jobs=2, progress=False)
    return tmp / "out"


def test_wilson_interval_known_values():
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)  # no reports, no interval


def test_proportion_test_detects_differences_only_when_present():
    assert proportion_test([18, 2], [20, 20])["p_value"] < 0.001
    assert proportion_test([5, 5], [10, 10])["p_value"] == pytest.approx(1.0)
    assert proportion_test([0, 0], [10, 10])["p_value"] != proportion_test([0, 0], [10, 10])["p_value"]  # NaN
    assert distribution_test([pd.Series([1.0, 2, 3]).to_numpy(), pd.Series([10.0, 11, 12]).to_numpy()])["p_value"] < 0.1


def test_theme_prevalence_by_year(rundir, tmp_path):
    result = compare(rundir, "year", ["active_disclosure.total"], tmp_path / "cmp")
    prev = pd.read_csv(tmp_path / "cmp" / "theme_prevalence.csv")
    assert set(prev["group"].astype(str)) == {"2023", "2024"}
    n = prev.drop_duplicates("group").set_index(prev.drop_duplicates("group")["group"].astype(str))["n_reports"]
    assert n.to_dict() == {"2023": 4, "2024": 2}
    assert set(prev["role"]) == {"problem", "measure"}
    assert ((prev["share"] >= prev["ci_low"] - 1e-9) & (prev["share"] <= prev["ci_high"] + 1e-9)).all()
    # shares agree with the statements table
    st = pd.read_parquet(rundir / "statements.parquet")
    docs = pd.read_parquet(rundir / "documents.parquet")
    problems = st[st["role"] == "problem"].merge(docs[["doc_id", "year"]], on="doc_id")
    for r in prev[(prev["role"] == "problem") & (prev["n_stating"] > 0)].itertuples():
        states = problems["themes"].str.split(";").apply(lambda t, theme=r.theme: theme in t)
        has = problems[(problems["year"] == int(r.group)) & states]
        assert has["doc_id"].nunique() == r.n_stating
    tests = pd.read_csv(tmp_path / "cmp" / "theme_tests.csv")
    assert len(tests) == prev.groupby(["role", "theme"]).ngroups
    assert tests["p_value"].dropna().between(0, 1).all()
    metric = pd.read_csv(tmp_path / "cmp" / "metric_active_disclosure.total.csv").set_index("group")
    assert metric.loc[2023, "max"] >= 553  # seed 000: 主动公开各类信息 553 条
    for name in ("theme_prevalence_problem.png", "theme_prevalence_measure.png", "metric_active_disclosure.total.png"):
        img = mpimg.imread(tmp_path / "cmp" / name)
        assert img.shape[0] > 200 and img.shape[1] > 300
    assert (tmp_path / "cmp" / "copying.csv") in result.files


def test_theme_prevalence_counts_themes_when_the_pipeline_labels_them(rundir, tmp_path):
    st = pd.read_parquet(rundir / "statements.parquet")
    if not st["themes"].fillna("").str.len().any():
        pytest.skip("the pipeline used here labels no themes")
    compare(rundir, "level", [], tmp_path / "lvl")
    prev = pd.read_csv(tmp_path / "lvl" / "theme_prevalence.csv")
    assert prev.loc[prev["role"] == "problem", "n_stating"].sum() > 0
    assert prev.loc[prev["role"] == "measure", "n_stating"].sum() > 0


def test_copying_indicators_by_region(rundir, tmp_path):
    compare(rundir, "region", [], tmp_path / "reg")
    cp = pd.read_csv(tmp_path / "reg" / "copying.csv").set_index("group")
    # the 河南 seeds: 000 copies 第四十七条, 000/004 share section 六, and 000 is repeated the next year
    assert cp.loc["河南", "share_statute_copy"] > 0 and cp.loc["河南", "share_peer_copy"] > 0
    assert cp.loc["河南", "n_with_previous"] == 1 and cp.loc["河南", "mean_sim_prev_problems"] > 0.9
    labels = pd.read_csv(tmp_path / "reg" / "group_labels.csv").set_index("group")["label"]
    assert labels["河南"] == "河南"  # groups as written


def test_chart_labels_and_regions():
    assert chart_labels(["2023", "江苏", "某局"], "agency") == {"2023": "2023", "江苏": "江苏", "某局": "某局"}
    assert chart_labels(["department", "township_street", "unknown"], "level") == {
        "department": "政府部门", "township_street": "乡镇（街道）", "unknown": "未识别"}
    assert region_of("淮安市洪泽区人民政府") == "江苏"
    assert region_of("红旗区文化街街道办事处", "2023 年度, 新乡市红旗区文化街街道通过…") == "河南"
    assert region_of("某某局", "没有地名") == "unknown"


def test_cli_compare_and_bad_grouping(rundir, tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["compare", str(rundir), "--by", "agency", "-o", str(tmp_path / "ag")])
    assert res.exit_code == 0, res.output
    assert "theme_prevalence.csv" in res.output and (tmp_path / "ag" / "theme_prevalence_problem.png").exists()
    bad = runner.invoke(app, ["compare", str(rundir), "--by", "colour"])
    assert bad.exit_code != 0
    missing = runner.invoke(app, ["compare", str(tmp_path / "nowhere")])
    assert missing.exit_code == 1


def test_charts_use_the_shipped_cjk_font_and_miss_no_glyph(rundir, tmp_path):
    import warnings

    from matplotlib import font_manager

    from nlp.compare.fonts import cjk_font, cjk_rc

    family, path = cjk_font()
    # the file comes from the installed mplfonts package, not from the system
    assert "site-packages" in str(path) and path.name == "NotoSansCJKsc-Regular.otf"
    assert family == "Noto Sans CJK SC"
    assert font_manager.findfont(font_manager.FontProperties(family=cjk_rc()["font.family"]),
                                 fallback_to_default=False) == str(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare(rundir, "level", ["active_disclosure.total"], tmp_path / "font")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message) or "Glyph" in str(w.message)]
    assert missing == []
    # the Chinese labels are drawn (a chart of the same data with an ASCII-only font would warn)
    import matplotlib.pyplot as plt

    from nlp.compare.charts import theme_tick
    assert theme_tick("staff_capacity") == "队伍建设、业务能力与培训（staff_capacity）"
    with warnings.catch_warnings(record=True) as caught, plt.rc_context({"font.family": ["DejaVu Sans"]}):
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(theme_tick("staff_capacity"))
        fig.canvas.draw()
        plt.close(fig)
    assert any("missing from" in str(w.message) for w in caught)  # the check above can fail
