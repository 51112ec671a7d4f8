"""Theme taxonomy, classifier, baseline, evaluation protocol, persistence, CLI and spaCy component.

Training in these tests uses a small subset (seed statements + a slice of the synthetic file) so
that each fit takes a few seconds; the saved default model is used for everything else.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT, SEED_FILES, requires_shared

from nlp.themes import ThemeClassifier, classify_texts, load_model, load_taxonomy
from nlp.themes.baseline import KeywordBaseline
from nlp.themes.data import LabelledStatement, load_statements
from nlp.themes.evaluate import cross_validate, taxonomy_signals
from nlp.themes.store import DEFAULT_MODEL_DIR, content_hash, save_model
from nlp.themes.train import default_training_files, train

ANN = ROOT / "corpus" / "annotations"
CODES = ["awareness_leadership", "staff_capacity", "content_coverage", "key_domain_disclosure", "timeliness_update",
         "interpretation_response", "presentation_accessibility", "platform_channel", "application_handling",
         "review_security_privacy", "institution_mechanism", "supervision_assessment", "public_participation",
         "grassroots_extension", "other"]


def _small_data(tmp_path: Path, n_synthetic: int = 150) -> Path:
    """Seed records + the first n synthetic records, in one file."""
    lines = [ln for ln in (ANN / "statements.jsonl").read_text(encoding="utf-8").splitlines()
             if json.loads(ln)["source"] == "seed"]
    syn = [f for f in default_training_files() if "synthetic" in f.name]
    for f in syn:
        lines += f.read_text(encoding="utf-8").splitlines()[: n_synthetic // len(syn)]
    out = tmp_path / "small.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def test_taxonomy_has_the_fixed_codes_names_and_signals() -> None:
    tax = load_taxonomy()
    assert tax.codes == CODES  # domain.md §7: the output contract
    assert tax.version and tax.fallback == "other"
    assert all(t.name and t.definition for t in tax.themes)
    assert all(t.signals for t in tax.themes)
    assert "三审三校" in tax.theme("review_security_privacy").signals


def test_taxonomy_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "tax.yaml"
    bad.write_text("themes:\n  - code: a\n  - code: a\nfallback: a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tax.yaml"):
        load_taxonomy(bad)


def test_keyword_baseline_uses_signals_and_falls_back_to_other() -> None:
    base = KeywordBaseline(load_taxonomy()).fit()
    out = base.predict(["在部分稿件中存在错别字", "经常下雨"])
    assert out[0] == ["review_security_privacy"]
    assert out[1] == ["other"]


def test_default_model_loads_without_pickle_and_labels_seed_statements() -> None:
    files = sorted(p.name for p in DEFAULT_MODEL_DIR.iterdir())
    assert "model.json" in files and "arrays.npz" in files and "MODEL_CARD.md" in files
    assert not any(f.endswith((".pkl", ".pickle", ".joblib")) for f in files)
    with np.load(DEFAULT_MODEL_DIR / "arrays.npz", allow_pickle=False) as npz:
        assert "coef" in npz.files
    clf, doc = load_model()
    assert doc["taxonomy"]["version"] == load_taxonomy().version
    assert clf.classes_ == CODES
    seeds = [s for s in load_statements([ANN / "statements.jsonl"]).statements if s.source == "seed"]
    pred = clf.predict([s.text for s in seeds])
    assert all(p for p in pred)
    tp = sum(len(set(p) & set(s.themes)) for p, s in zip(pred, seeds))
    fp = sum(len(set(p) - set(s.themes)) for p, s in zip(pred, seeds))
    fn = sum(len(set(s.themes) - set(p)) for p, s in zip(pred, seeds))
    assert 2 * tp / (2 * tp + fp + fn) >= 0.8  # training data: a regression check, not an evaluation


def test_model_card_reports_cv_on_real_statements_and_matches_artifacts() -> None:
    card = json.loads((DEFAULT_MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    assert card["content_sha256"] == content_hash(DEFAULT_MODEL_DIR)
    ev = card["evaluation"]
    assert "leave-one-document-out" in ev["split"] and ev["n_real"] == card["data"]["counts"]["seed"] + \
        card["data"]["counts"]["real"]
    assert ev["model"]["macro_f1"] is not None and ev["baseline"]["macro_f1"] is not None
    assert "other" in ev["model"]["too_few_real_examples"]


def test_other_is_never_predicted_beside_a_real_theme() -> None:
    texts = [s.text for s in load_statements([ANN / "statements.jsonl"]).statements]
    for labels in classify_texts(texts + ["经费保障不足，硬件设施老化"]):
        assert labels["themes"]
        assert not ("other" in labels["themes"] and len(labels["themes"]) > 1)


def test_training_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    data = _small_data(tmp_path)
    c1 = train([data], tmp_path / "m1", seed=7, evaluate=False, today="2000-01-01")
    c2 = train([data], tmp_path / "m2", seed=7, evaluate=False, today="2000-01-01")
    assert c1["content_sha256"] == c2["content_sha256"]
    assert (tmp_path / "m1" / "model.json").read_bytes() == (tmp_path / "m2" / "model.json").read_bytes()
    assert (tmp_path / "m1" / "arrays.npz").read_bytes() == (tmp_path / "m2" / "arrays.npz").read_bytes()
    texts = ["政策解读形式单一", "加强业务培训，提升业务能力", "栏目长期未更新"]
    a, _ = load_model(tmp_path / "m1")
    b, _ = load_model(tmp_path / "m2")
    assert np.array_equal(a.predict_proba(texts), b.predict_proba(texts))


@requires_shared  # the real statements are labelled by offsets into ../shared/corpus/real
def test_shipped_model_is_what_the_code_trains(tmp_path: Path) -> None:
    """Retraining with the shipped card's data and seed reproduces models/themes-default exactly, so a change
    in featurisation or fitting that moves the model (even by rounding) shows up here."""
    card = json.loads((DEFAULT_MODEL_DIR / "card.json").read_text(encoding="utf-8"))
    data = [ROOT / "corpus" / "annotations" / d["file"] for d in card["data"]["data"]]
    got = train(data, tmp_path / "m", seed=card["data"]["seed"], evaluate=False)
    assert got["content_sha256"] == card["content_sha256"]


def test_save_load_gives_identical_probabilities(tmp_path: Path) -> None:
    stm = load_statements([_small_data(tmp_path, 90)]).statements
    tax = load_taxonomy()
    clf = ThemeClassifier(inner_folds=2).fit([s.text for s in stm], [s.themes for s in stm], tax.codes,
                                             groups=[s.group for s in stm], signals=taxonomy_signals(tax),
                                             fallback=tax.fallback)
    save_model(clf, tmp_path / "m", {"version": tax.version})
    loaded, _ = load_model(tmp_path / "m")
    texts = [s.text for s in stm[:20]]
    assert np.allclose(clf.predict_proba(texts), loaded.predict_proba(texts), atol=1e-6)
    assert clf.predict(texts) == loaded.predict(texts)


def test_thresholds_are_tuned_on_training_folds_only() -> None:
    # identical training data → identical thresholds, whatever the test data
    texts = ["栏目更新不及时", "政策解读单一", "业务培训不足", "审核不严有错别字"] * 3
    labels = [["timeliness_update"], ["interpretation_response"], ["staff_capacity"],
              ["review_security_privacy"]] * 3
    groups = [f"d{i // 2}" for i in range(len(texts))]
    a = ThemeClassifier(inner_folds=3).fit(texts, labels, CODES, groups=groups)
    b = ThemeClassifier(inner_folds=3).fit(texts, labels, CODES, groups=groups)
    assert np.array_equal(a.thresholds_, b.thresholds_)
    assert a.predict(["栏目更新不及时"]) == [["timeliness_update"]]


def test_cross_validation_scores_real_only_and_never_splits_a_document() -> None:
    def ls(i: int, doc: str, source: str, theme: str) -> LabelledStatement:
        text = {"staff_capacity": "加强业务培训", "timeliness_update": "栏目更新不及时"}[theme] + str(i)
        return LabelledStatement(f"{doc}#{i}", text, [theme], "problem", None, source, doc)

    real = [ls(i, f"doc{i % 3}", "real", ["staff_capacity", "timeliness_update"][i % 2]) for i in range(12)]
    syn = [ls(100 + i, f"s{i}", "synthetic", ["staff_capacity", "timeliness_update"][i % 2]) for i in range(10)]
    seen_train: list[set[str]] = []

    class Spy(ThemeClassifier):
        def fit(self, texts, labels, classes, groups=None, signals=None, fallback=None,  # type: ignore[override]
                score_mask=None):
            seen_train.append(set(groups or []))
            return super().fit(texts, labels, classes, groups, signals, fallback, score_mask)

    res = cross_validate(real + syn, load_taxonomy(), lambda: Spy(inner_folds=2))
    assert res["n_real"] == 12 and res["model"]["n_statements"] == 12
    assert len(seen_train) == 3
    for groups in seen_train:
        held = {f"doc{i}" for i in range(3)} - groups
        assert len(held) == 1  # exactly one document left out, none split
        assert {f"s{i}" for i in range(10)} <= groups  # every synthetic statement in every training fold


def test_custom_taxonomy_trains_and_predicts_other_themes(tmp_path: Path) -> None:
    tax = tmp_path / "mini.yaml"
    tax.write_text(
        "name: mini\nversion: '0.1'\nfallback: misc\nthemes:\n"
        "  - {code: people, name: 人员, signals: [培训]}\n"
        "  - {code: speed, name: 时效, signals: [及时]}\n"
        "  - {code: misc, name: 其他, signals: []}\n", encoding="utf-8")
    data = tmp_path / "d.jsonl"
    rows = [{"id": f"x{i}", "source": "synthetic", "text": t, "themes": [c]} for i, (t, c) in enumerate(
        [("加强业务培训", "people"), ("人员不足", "people"), ("兼职人员多", "people"),
         ("更新不及时", "speed"), ("发布滞后", "speed"), ("栏目长期未更新", "speed"),
         ("经费紧张", "misc"), ("设备老旧", "misc")] * 2)]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    card = train([data], tmp_path / "m", taxonomy_path=tax, evaluate=False)
    assert card["taxonomy"]["codes"] == ["people", "speed", "misc"]
    out = classify_texts(["组织业务培训"], tmp_path / "m")
    assert out[0]["themes"] == ["people"] and set(out[0]["scores"]) == {"people", "speed", "misc"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "b", "source": "synthetic", "text": "x", "themes": ["nope"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="nope"):
        train([bad], tmp_path / "m2", taxonomy_path=tax, evaluate=False)


def test_pipeline_adds_themes_and_pairs_on_a_seed() -> None:
    from nlp.pipeline import Pipeline

    report = Pipeline("statements").from_path(SEED_FILES[4])  # seed 004: 2 problems, 2 measures
    sts = report.statement_records()
    assert [s["role"] for s in sts] == ["problem", "problem", "measure", "measure"]
    assert all(s["themes"] and set(s["scores"]) == set(CODES) for s in sts)
    assert "staff_capacity" in sts[0]["themes"] and "review_security_privacy" in sts[1]["themes"]
    assert 3 in sts[1]["pair"]  # the review problem is answered by the review measure
    assert report.statement_summary["uncovered_problems"] == []


def test_themes_and_evaluate_cli(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from nlp.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["themes", "--text", "政策解读形式单一"])
    assert res.exit_code == 0, res.output
    rec = json.loads(res.output.splitlines()[0])
    assert rec["text"] == "政策解读形式单一" and "interpretation_response" in rec["themes"]
    res = runner.invoke(app, ["themes", "-"], input="加强业务培训\n\n栏目更新不及时\n")
    assert [json.loads(x)["text"] for x in res.output.splitlines()] == ["加强业务培训", "栏目更新不及时"]
    res = runner.invoke(app, ["themes", "--model", str(tmp_path / "nothing")], input="x\n")
    assert res.exit_code == 2 and "nothing" in res.output
    res = runner.invoke(app, ["evaluate", "themes", "--data", str(ANN / "statements.jsonl"), "--fixed"])
    assert res.exit_code == 0, res.output
    brief = json.loads(res.output[res.output.index("{"):])
    assert brief["split"].startswith("fixed") and brief["model"]["macro_f1"] is not None


def test_spacy_component_sets_statements_and_themes() -> None:
    import spacy

    nlp = spacy.blank("zh")
    nlp.add_pipe("govnlp_themes")
    doc = nlp(SEED_FILES[1].read_text(encoding="utf-8"))
    assert len(doc._.statements) == 4
    assert {s["role"] for s in doc._.statements} == {"problem", "measure"}
    assert "staff_capacity" in doc._.themes
    assert [s.label_ for s in doc.spans["statements"]] == [s["role"] for s in doc._.statements]
    assert doc._.statement_summary["n_problems"] == 2
