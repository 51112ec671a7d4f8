"""The component contract: declared requires/assigns, pipeline validation, typed results, extensions,
components owning their state, the spaCy factories wrapping the same component objects."""
from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SEED_FILES
from sklearn.base import clone

import nlp
import nlp.component
from nlp.component import MissingPrerequisite, analyze, component_names, get_factory, pipeline_names
from nlp.model import Report
from nlp.pipeline import Pipeline


def seed(prefix: str):
    return next(p for p in SEED_FILES if p.name.startswith(prefix))


def test_every_named_pipeline_is_valid_and_every_prerequisite_is_assigned() -> None:
    assigned = {a for n in component_names() for a in get_factory(n).assigns}
    for n in component_names():
        assert set(get_factory(n).requires) <= assigned | {"text", "source"}, n
    for name in ("parse", "check", "facts", "statements", "run"):
        result = analyze(pipeline_names(name))
        assert all(p == [] for p in result["problems"].values()), (name, result["problems"])
        assert list(result["summary"]) == pipeline_names(name)


def test_building_a_pipeline_names_what_is_missing() -> None:
    with pytest.raises(MissingPrerequisite) as err:
        Pipeline(["normalize", "segment", "metadata", "checks"])
    msg = str(err.value)
    # both missing results, each with the component that would assign it
    assert "checks: requires 'tables', assigned by 'tables'" in msg
    assert "checks: requires 'facts', assigned by 'facts'" in msg
    with pytest.raises(MissingPrerequisite, match="segment: requires 'norm', assigned by 'normalize'"):
        Pipeline(["segment"])
    # the order matters, not only the presence
    with pytest.raises(MissingPrerequisite, match="facts: requires 'norm'"):
        Pipeline(["facts", "normalize", "segment"])
    # pairing reads themes when present: themes after pairing would silently pair by order only
    problems = analyze(["normalize", "segment", "metadata", "statements", "pairing", "themes"])["problems"]
    assert problems["pairing"] and "move 'themes' before 'pairing'" in problems["pairing"][0]
    assert analyze(["normalize", "segment", "metadata", "statements", "pairing"])["problems"]["pairing"] == []


def test_analysis_reports_requires_and_assigns() -> None:
    summary = Pipeline("run").analyze()["summary"]
    assert summary["checks"]["requires"][:3] == ["tables", "table_provenance", "facts"]
    assert summary["checks"]["assigns"] == ["checks"]
    assert summary["themes"]["assigns"] == ["statement.themes", "statement.scores"]
    assert summary["pairing"]["follows"] == ["statement.themes"]


def test_a_component_never_runs_another() -> None:
    """A component called on a report lacking its prerequisite raises; nothing is computed behind its back."""
    report = Report(source="<t>", text="一、总体情况\n本年度共受理申请5件。")
    for name in ("segment", "metadata", "facts"):
        with pytest.raises(MissingPrerequisite, match=rf"'{name}' needs norm .*run 'normalize' first"):
            nlp.component.create(name)(report)  # called by hand on a bare report
    assert report.norm is None and report.sections == []
    with pytest.raises(MissingPrerequisite, match="'themes' needs statements"):
        nlp.component.create("themes")(report)
    with pytest.raises(MissingPrerequisite, match="'pairing' needs statements"):
        nlp.component.create("pairing")(report)


def test_typed_results_and_their_json_form() -> None:
    report = nlp.parse_report(seed("004"), "run")
    assert report.norm is not None and report.norm.text
    assert set(report.tables) == {"table2", "table3", "table4"} and report.table_provenance
    assert report.facts and all(set(f) >= {"start", "end", "value", "unit"} for f in report.facts)
    assert {c["rule"][:2] for c in report.checks} >= {"A1", "C1", "D1"}
    assert [s.role for s in report.statements] == ["problem", "problem", "measure", "measure"]
    assert all(s.themes for s in report.statements)
    out = report.to_dict()
    assert list(out)[-6:] == ["tables", "table_provenance", "facts", "checks", "statements", "statement_summary"]
    assert out["statements"] == [s.to_dict() for s in report.statements]
    assert "norm" not in out and "read" not in out
    json.dumps(out, ensure_ascii=False)  # JSON-able as it stands
    parsed = nlp.parse_report(seed("004"), "parse").to_dict()
    assert "facts" not in parsed and "statements" not in parsed and "tables" in parsed


def test_extension_registration() -> None:
    assert not Report.has_extension("reviewer")
    report = Report(source="<t>", text="x")
    with pytest.raises(AttributeError, match="register it first"):
        report._.reviewer = "A"
    Report.set_extension("reviewer", default=None)
    Report.set_extension("n_chars_twice", getter=lambda r: 2 * len(r.text))
    try:
        assert report._.reviewer is None and "reviewer" not in report.to_dict()
        report._.reviewer = "A"
        assert report._.reviewer == "A" and report.to_dict()["reviewer"] == "A"
        assert Report(source="<u>")._.reviewer is None  # values belong to one report
        assert report._.n_chars_twice == 2
        with pytest.raises(AttributeError, match="getter"):
            report._.n_chars_twice = 3
        with pytest.raises(ValueError, match="already registered"):
            Report.set_extension("reviewer")
        Report.set_extension("reviewer", default="nobody", force=True)
        assert Report(source="<v>")._.reviewer == "nobody"
        with pytest.raises(ValueError, match="shadow"):
            Report.set_extension("facts")
    finally:
        Report.remove_extension("reviewer")
        Report.remove_extension("n_chars_twice")


def test_components_own_their_state() -> None:
    a, b = Pipeline("run"), Pipeline("run")
    assert a.get("facts") is not b.get("facts")  # built per pipeline by its factory
    assert a.get("facts").extractor.lexicon is b.get("facts").extractor.lexicon  # the data loads once
    assert a.get("checks").book is not b.get("checks").book
    import nlp.facts.candidates as cand
    import nlp.facts.negatives as neg
    from nlp.rules import engine

    for module in (cand, neg, engine, nlp.facts):
        # no module-level memo keyed by id() and no default component singleton
        assert not [k for k, v in vars(module).items() if k.isupper() and k.startswith("_") and isinstance(v, dict)
                    and any(isinstance(x, int | tuple) for x in v)], module.__name__
        assert not hasattr(module, "_EXTRACTOR") and not hasattr(module, "_DEFAULT")


def test_spacy_factories_wrap_the_pipeline_components() -> None:
    pytest.importorskip("spacy")
    from nlp.facts import FactsComponent
    from nlp.statements import PairingComponent
    from nlp.themes import ThemesComponent
    from nlp.tokenize import blank_zh

    zh = blank_zh()
    facts_pipe = zh.add_pipe("govnlp_facts", config={"narrative_only": True})
    themes_pipe = zh.add_pipe("govnlp_themes")
    assert isinstance(facts_pipe.component, FactsComponent)
    assert isinstance(themes_pipe.themes, ThemesComponent) and isinstance(themes_pipe.pairing, PairingComponent)
    path = seed("001")
    doc = zh(path.read_text(encoding="utf-8"))
    report = nlp.parse_report(path, "run")
    # same text, same component code: the two routes agree (the report route uses its sections)
    assert [(f["start"], f["value"]) for f in doc._.facts] == \
        [(f["start"], f["value"]) for f in facts_pipe.component.extract(doc.text)]
    assert {f["value"] for f in doc._.facts} >= {f["value"] for f in report.facts if f["metric"]}
    assert [s["themes"] for s in doc._.statements] == [s.themes for s in report.statements]


def test_theme_classifier_is_a_scikit_learn_estimator() -> None:
    from nlp.themes import ThemeClassifier

    texts = ["政策解读形式单一，图解较少", "依申请公开答复不够规范", "政务新媒体更新不及时",
             "加强政策解读，丰富解读形式", "规范依申请公开答复流程", "加强政务新媒体管理", "解读材料质量不高",
             "答复文书格式不统一"]
    labels = [["policy_interpretation"], ["request_handling"], ["platforms"], ["policy_interpretation"],
              ["request_handling"], ["platforms"], ["policy_interpretation"], ["request_handling"]]
    classes = ["policy_interpretation", "request_handling", "platforms"]
    clf = ThemeClassifier(C=2.0, inner_folds=2, word_tokens=None)
    params = clf.get_params()
    assert params["C"] == 2.0 and params["word_tokens"] is None and "random_state" in params
    assert clf.set_params(C=3.0) is clf and clf.C == 3.0
    twin = clone(clf)
    assert twin is not clf and twin.get_params() == clf.get_params() and not hasattr(twin, "classes_")
    clf.fit(texts, labels, classes)
    twin.fit(texts, labels, classes)
    probe = ["政策解读不够深入", "答复不规范", "新媒体更新慢"]
    assert clf.predict(probe) == twin.predict(probe)
    np.testing.assert_array_equal(clf.predict_proba(probe), twin.predict_proba(probe))
    assert not hasattr(clone(clf), "classes_")  # clone copies hyper-parameters, never the fitted state


def test_run_refuses_a_pipeline_with_a_missing_prerequisite(tmp_path) -> None:
    from typer.testing import CliRunner

    from nlp.cli import app

    res = CliRunner().invoke(app, ["run", str(seed("000")), "-o", str(tmp_path / "out"), "--pipeline",
                                   "normalize,segment,checks", "-q"])
    assert res.exit_code == 2
    assert "checks: requires 'tables', assigned by 'tables'" in res.output
    assert not (tmp_path / "out" / "documents.parquet").exists()
