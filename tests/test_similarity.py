"""Copying, boilerplate and year-over-year follow-up (MinHash LSH) on the seeds and variants of them."""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from conftest import REAL, SEED_FILES, requires_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nlp.similarity.clusters as clusters_module
from nlp.pipeline import Pipeline
from nlp.run import run_corpus
from nlp.similarity.agencies import canonical_agencies
from nlp.similarity.clusters import NearDuplicateClusters
from nlp.similarity.followup import FollowupCollector, mentions_rectification
from nlp.similarity.shingles import Signer, canonical, estimate, shingle_hashes
from nlp.similarity.statute import default_statute_index

PIPELINE = os.environ.get("GOVNLP_TEST_PIPELINE", "run")
COMPONENTS: str | list[str] = PIPELINE if "," not in PIPELINE else PIPELINE.split(",")


def _problems_span(path) -> tuple[int, int]:
    report = Pipeline(["normalize", "segment"]).from_path(path)
    sec = report.section("problems")
    return sec.start, sec.end


@pytest.fixture(scope="module")
def sim_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sim")
    # 001 one year later: the same unit repeats its problems verbatim (recurrence, boilerplate)
    text1 = SEED_FILES[1].read_text(encoding="utf-8")
    next_year = tmp / "001_next_year.txt"
    next_year.write_text(text1.replace("2023", "2024"), encoding="utf-8")
    # 002 with section 五 taken from 004 (another unit copying a peer's problems and measures)
    text2, text4 = (SEED_FILES[i].read_text(encoding="utf-8") for i in (2, 4))
    (s2, e2), (s4, e4) = _problems_span(SEED_FILES[2]), _problems_span(SEED_FILES[4])
    copied = tmp / "002_copies_004.txt"
    copied.write_text(text2[:s2] + text4[s4:e4] + text2[e2:], encoding="utf-8")
    inputs = [*SEED_FILES, next_year, copied]
    run_corpus(inputs, tmp / "out", components=COMPONENTS, jobs=2, progress=False)
    out = tmp / "out"
    docs = pd.read_parquet(out / "documents.parquet")
    ids = dict(zip([p.name for p in inputs], docs["doc_id"]))
    return out, ids


def _row(sim: pd.DataFrame, doc_id: str, section: str) -> pd.Series:
    return sim[(sim["doc_id"] == doc_id) & (sim["section"] == section)].iloc[0]


def test_statute_copy_found_in_seed_000_supervision(sim_run):
    out, ids = sim_run
    sim = pd.read_parquet(out / "similarity.parquet")
    r = _row(sim, ids[SEED_FILES[0].name], "overall.supervision")
    assert r["statute_article"] == "第四十七条" and r["statute_containment"] >= 0.8
    others = sim[sim["doc_id"].isin([ids[p.name] for p in SEED_FILES[1:]]) & (sim["section"] == "overall.supervision")]
    assert (others["statute_containment"] < 0.5).all()


def test_shared_section_six_of_seeds_000_and_004(sim_run):
    out, ids = sim_run
    sim = pd.read_parquet(out / "similarity.parquet")
    a, b = ids[SEED_FILES[0].name], ids[SEED_FILES[4].name]
    ra, rb = _row(sim, a, "other"), _row(sim, b, "other")
    assert ra["most_similar_doc"] == b and rb["most_similar_doc"] == a
    assert ra["max_sim_other"] >= 0.9 and ra["n_near_duplicates_other"] >= 1
    # unrelated sections of different units are not near-duplicates
    assert _row(sim, ids[SEED_FILES[1].name], "problems")["max_sim_other"] < 0.5


def test_previous_year_similarity_and_recurrence(sim_run):
    out, ids = sim_run
    sim = pd.read_parquet(out / "similarity.parquet")
    cur, prev = ids["001_next_year.txt"], ids[SEED_FILES[1].name]
    r = _row(sim, cur, "problems")
    assert r["prev_doc_id"] == prev and r["prev_year"] == 2023 and r["sim_prev"] >= 0.95
    assert pd.isna(_row(sim, prev, "problems")["prev_doc_id"])  # the first year has no predecessor
    fu = pd.read_parquet(out / "followup.parquet").set_index("doc_id")
    assert list(fu.index) == [cur]
    assert fu.loc[cur, "n_problems"] >= 1 and fu.loc[cur, "n_recurrent"] == fu.loc[cur, "n_problems"]
    assert fu.loc[cur, "recurrence"] == 1.0 and not fu.loc[cur, "mentions_rectification"]


def test_near_duplicate_statements_across_units_are_listed(sim_run):
    out, ids = sim_run
    nd = pd.read_parquet(out / "near_duplicates.parquet")
    copier, source = ids["002_copies_004.txt"], ids[SEED_FILES[4].name]
    clusters = nd.groupby("cluster")["doc_id"].apply(set)
    assert any({copier, source} <= members for members in clusters)
    assert (nd["n_agencies"] >= 2).all()
    # repeating one's own statements (same unit, next year) is recurrence, not cross-unit copying
    same_unit = {ids["001_next_year.txt"], ids[SEED_FILES[1].name]}
    assert not any(members <= same_unit for members in clusters)


def test_canonical_text_ignores_numbers_years_and_punctuation():
    a = "2023年，本街道主动公开信息553条，未收到申请。"
    b = "2024 年, 本街道主动公开信息 1200 条; 未收到申请"
    assert canonical(a) == canonical(b)
    signer = Signer()
    assert estimate(signer.signature(shingle_hashes(a)), signer.signature(shingle_hashes(b))) == 1.0
    assert estimate(signer.signature(shingle_hashes(a)), signer.signature(shingle_hashes("加强队伍建设与业务培训工作"))) < 0.2


def test_signatures_are_deterministic_across_instances():
    h = shingle_hashes(SEED_FILES[0].read_text(encoding="utf-8"))
    assert np.array_equal(Signer().signature(h), Signer().signature(h))


def test_clusters_keep_one_representative_per_template():
    """Thousands of copies of one template cost one LSH entry: the index grows with distinct texts."""
    signer = Signer()
    base = SEED_FILES[0].read_text(encoding="utf-8")
    texts = [base.replace("553", str(i)) + f"第{i}批" for i in range(300)]
    texts += [SEED_FILES[k].read_text(encoding="utf-8") for k in (1, 2, 3)]
    sigs = np.stack([signer.signature(shingle_hashes(t)) for t in texts])
    clusters = NearDuplicateClusters(signer, sigs, duplicate_threshold=0.9)
    for i in range(len(sigs)):
        clusters.add(i, f"unit{i}")
    assert len(clusters.rep_rows) == 4
    assert len(clusters.members(0)) == 300 and clusters.n_other_groups(0, "unit0") == 299
    assert clusters.multi_member() == [0] and clusters.members(1) == [300]


def test_statute_index_prefers_the_copied_article():
    m = default_statute_index().match(shingle_hashes(
        "各级人民政府应当建立健全政府信息公开工作考核制度、社会评议制度和责任追究制度"))
    assert m.article == "第四十六条" and m.containment > 0.9
    assert default_statute_index().match(shingle_hashes("街道办事处公众号由专人负责，发布信息及时准确")).containment < 0.2


def test_agency_names_with_and_without_city_are_one_unit():
    units = canonical_agencies(["淮安市洪泽区人民政府", "洪泽区人民政府", "淮安市人民政府", None])
    assert units["淮安市洪泽区人民政府"] == units["洪泽区人民政府"] != units["淮安市人民政府"]


def test_rectification_mentions():
    assert mentions_rectification("针对2022年度报告中提出的问题，已全部整改到位。")
    assert mentions_rectification("（一）上年度问题整改情况：针对上一年度存在的不足，已逐项整改。")
    assert not mentions_rectification("一是信息公开主动性不强；下一步将加强培训。")


def test_followup_coverage_counts_answered_problem_themes():
    docs = {d: type("D", (), {"agency": "u", "year": y})() for d, y in (("a", 2022), ("b", 2023))}
    fc = FollowupCollector(docs, {"b": "a"}, {"b": True})
    sig = Signer(64).signature(shingle_hashes("信息公开主动性不强，栏目更新不及时"))
    fc.add_statement("a", 0, "problem", "timeliness_update;awareness_leadership", sig)
    fc.add_statement("a", 1, "problem", "staff_capacity", None)
    fc.add_statement("b", 0, "measure", "timeliness_update;platform_channel", None)
    fc.add_statement("b", 1, "problem", "content_coverage", Signer(64).signature(shingle_hashes("公开内容不全面")))
    row = fc.rows({})[0]
    assert row["covered_themes"] == "timeliness_update"
    assert row["uncovered_themes"] == "awareness_leadership;staff_capacity"
    assert row["coverage"] == pytest.approx(1 / 3, abs=1e-3) and row["n_recurrent"] == 0


@requires_shared
def test_real_same_unit_two_years_are_linked(tmp_path):
    pdfs = [REAL / "kiro-2023-hongze-qu.pdf", REAL / "kiro-2024-hongze-qu.pdf"]
    if not all(p.exists() for p in pdfs):
        pytest.skip("Hongze reports absent")
    run_corpus(pdfs, tmp_path / "out", components=["normalize", "segment", "metadata"], jobs=2, progress=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    sim = pd.read_parquet(tmp_path / "out" / "similarity.parquet")
    later = docs.loc[docs["year"] == 2024, "doc_id"].item()
    earlier = docs.loc[docs["year"] == 2023, "doc_id"].item()
    rows = sim[sim["doc_id"] == later]
    assert (rows["prev_doc_id"] == earlier).all() and rows["sim_prev"].notna().any()
    assert ((rows["sim_prev"] > 0) & (rows["sim_prev"] < 1)).any()  # rewritten, not copied wholesale


def test_worker_features_give_the_same_result_as_recomputing_from_tables(sim_run, tmp_path):
    """`govnlp run` computes features in the workers; `govnlp similarity` on tables alone must agree."""
    import shutil

    out, _ = sim_run
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("parts", "_features.parquet"))
    from nlp.similarity import run_similarity

    run_similarity(copy, formats=("parquet",))
    for name in ("similarity", "near_duplicates", "followup"):
        a = pd.read_parquet(out / f"{name}.parquet")
        b = pd.read_parquet(copy / f"{name}.parquet")
        pd.testing.assert_frame_equal(a, b)


def test_cluster_rows_outside_a_group_for_single_and_shared_clusters():
    signer = Signer()
    texts = [SEED_FILES[0].read_text(encoding="utf-8")] * 3 + [SEED_FILES[1].read_text(encoding="utf-8")]
    sigs = np.stack([signer.signature(shingle_hashes(t)) for t in texts])
    clusters = NearDuplicateClusters(signer, sigs, duplicate_threshold=0.9)
    for i, unit in enumerate(["a", "a", "b", "c"]):
        clusters.add(i, unit)
    assert clusters.multi_member() == [0] and clusters.members(0) == [0, 1, 2]
    assert clusters.other_group_rows(0, "a", 20) == [2] and clusters.other_group_rows(0, "b", 1) == [0]
    assert clusters.n_other_groups(0, "a") == 1 and clusters.n_other_groups(1, "c") == 0
    assert clusters.other_group_rows(1, "c", 20) == [] and clusters.other_group_rows(1, "a", 20) == [3]
    assert clusters.other_group_rows(1, "a", 0) == [] and list(clusters.sim_to_rep) == [1.0, 1.0, 1.0, 1.0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), n_rows=st.integers(1, 60), n_bases=st.integers(1, 4),
       n_groups=st.integers(1, 5), limit=st.sampled_from([0, 1, 2, 5, 20]))
def test_other_rows_equal_each_cluster_s_other_group_rows_in_order(monkeypatch, seed, n_rows, n_bases, n_groups, limit):
    """other_rows gathers by array operations (single-member clusters, then a prefix of each larger one, with
    the one-by-one path when a group fills that prefix): the same rows in the same order as other_group_rows."""
    rng = np.random.default_rng(seed)
    bases = rng.integers(0, 2**32, size=(n_bases, 64), dtype=np.uint64).astype(np.uint32)
    # a row copies one of a few texts (it joins that cluster) or is a distinct text (a cluster of its own)
    sigs = np.where(rng.random((n_rows, 1)) < 0.7, bases[rng.integers(0, n_bases, n_rows)],
                    rng.integers(0, 2**32, size=(n_rows, 64), dtype=np.uint64).astype(np.uint32))
    clusters = NearDuplicateClusters(Signer(num_perm=64), sigs, duplicate_threshold=0.9, query_threshold=0.5)
    monkeypatch.setattr(clusters_module, "VECTOR_FROM", 0)  # the array path, however few the clusters
    groups = [f"g{k}" for k in rng.integers(0, n_groups, n_rows)]  # few groups: many rows of one in a cluster
    for row, group in enumerate(groups):
        clusters.add(row, group)
    n_clusters = len(clusters.rep_rows)
    for group in [*sorted(set(groups)), "unseen"]:
        cids = sorted(rng.choice(n_clusters, size=int(rng.integers(0, n_clusters + 1)), replace=False).tolist())
        expected = [r for cid in cids for r in clusters.other_group_rows(cid, group, limit)]
        assert clusters.other_rows(cids, group, limit).tolist() == expected
