"""document_features hashes each text once (sub-items and statements as slices of their section):
the rows equal the per-row section_feature / statement_feature ones on the seeds, the real reports
and their whitespace, line-break, full-width and CRLF variants, and on hand-made texts."""
from __future__ import annotations

import numpy as np
from conftest import layout_variants, text_reports
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nlp.io import read_document
from nlp.pipeline import Pipeline
from nlp.run.rows import report_rows
from nlp.similarity.features import (
    NARRATIVE_SECTIONS,
    _Host,
    _signers,
    document_features,
    section_feature,
    statement_feature,
)
from nlp.similarity.shingles import canonical, canonical_many, shingle_hashes


def reference_features(doc_id: str, sections: list[dict], statements: list[dict]) -> list[dict]:
    """Every text shingled on its own (the rows the corpus step computes from the tables)."""
    return ([section_feature(doc_id, s["key"], s["text"] or "") for s in sections if s["key"] in NARRATIVE_SECTIONS]
            + [statement_feature(doc_id, s["index"], s["role"], s["themes"], s["text"] or "") for s in statements])


def test_document_features_equal_per_row_features_on_reports_and_variants() -> None:
    pipeline = Pipeline("run")
    n_sub = 0
    for p in text_reports():
        for variant in layout_variants(read_document(p).text):
            report = pipeline.from_text(variant, source=p.name)
            rows = report_rows(report, p.name, p.name, None, 0.0, "test")
            n_sub += sum(1 for s in rows["sections"] if s["parent"] == "overall")
            assert document_features(p.name, rows["sections"], rows["statements"]) == reference_features(
                p.name, rows["sections"], rows["statements"])
    assert n_sub >= 5  # sub-items of section 一 were sliced


def test_texts_outside_any_section_and_repeated_shingles() -> None:
    overall = "一、总体情况。本机关坚持以公开为常态、不公开为例外，2024年主动公开信息120条，公开为常态。"
    sections = [{"key": "overall", "text": overall},
                {"key": "overall.active", "text": overall[6:40]},
                {"key": "problems", "text": "问题：政策解读形式单一，解读材料不够丰富；回应关切不及时。"},
                {"key": "overall.platform", "text": "短"},
                {"key": "applications", "text": overall}]
    statements = [{"index": 0, "role": "problem", "themes": "x", "text": "政策解读形式单一，解读材料不够丰富"},
                  {"index": 1, "role": "measure", "themes": "y", "text": "下一步将加强政策解读，丰富解读形式，及时回应关切"},
                  {"index": 2, "role": None, "themes": None, "text": "无"},
                  {"index": 3, "role": None, "themes": None, "text": None}]
    assert document_features("d", sections, statements) == reference_features("d", sections, statements)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="公开政务信息年报１２3 ，。\n", min_size=0, max_size=80), st.integers(0, 40), st.integers(0, 40))
@example("3。3信3信", 0, 5)  # canonical is not idempotent across punctuation between digits
def test_host_slices_equal_shingling_the_part(text: str, a: int, b: int) -> None:
    c = canonical(text)
    part = c[min(a, b):max(a, b)]
    # the host is only sliced where a passage's own canonical text was found in it; a slice that is
    # not canonical by itself ("0。0" → "00" → "0" again) is never looked up that way
    if len(c) < 5 or len(part) < 5 or canonical(part) != part:
        return
    host = _Host(c)
    start = c.find(part)
    stop = start + len(part) - 4
    assert np.array_equal(np.unique(host.positions), shingle_hashes(text))
    assert np.array_equal(np.unique(host.positions[start:stop]), shingle_hashes(part))
    for signer in _signers():
        # the whole host and the part signed together, as document_features signs a report's passages
        whole, sliced = signer.signatures(host.positions, [0, len(host.positions), start, stop])
        assert np.array_equal(whole, signer.signature(shingle_hashes(text)))
        assert np.array_equal(sliced, signer.signature(shingle_hashes(part)))


def test_passages_signed_in_batches_and_huge_hosts_slice_by_slice(monkeypatch) -> None:
    """Hosts beyond the permutation budget are signed per slice, and the budget splits the others into
    batches: the rows stay those of the per-row features."""
    from nlp.similarity import features

    overall = "一、总体情况。本机关坚持以公开为常态、不公开为例外，2024年主动公开信息120条，依申请公开办结35件。"
    sections = [{"key": "overall", "text": overall},
                {"key": "overall.active", "text": overall[6:40]},
                {"key": "problems", "text": "问题：政策解读形式单一，解读材料不够丰富；回应关切不及时，平台建设有待加强。"},
                {"key": "other", "text": "其他需要报告的事项：本年度收取信息处理费0元，无其他需要报告的事项。"}]
    statements = [{"index": 0, "role": "problem", "themes": "x", "text": "政策解读形式单一，解读材料不够丰富"},
                  {"index": 1, "role": "measure", "themes": "y", "text": "下一步将加强政策解读，丰富解读形式，及时回应关切"}]
    expected = reference_features("d", sections, statements)
    for budget in (10, 30, 45, 60, 100):
        monkeypatch.setattr(features, "_MAX_PERMUTED", budget)
        assert document_features("d", sections, statements) == expected


def test_canonical_many_equals_canonical_on_every_bmp_character() -> None:
    """The table read off the patterns agrees with them on each character, alone and in digit runs."""
    chars = [chr(i) for i in range(0x10000)]
    assert canonical_many(chars) == [canonical(ch) for ch in chars]
    runs = [ch * 3 + "。" + ch for ch in chars[::7]]
    assert canonical_many(runs) == [canonical(t) for t in runs]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="公开信息年报１２3٣_ ，。\n\t-.a\U00020000", max_size=30), max_size=6))
@example(["3", "3"])  # digits at the end of one text and the start of the next stay two runs
@example([])
def test_canonical_many_equals_canonical(texts: list[str]) -> None:
    assert canonical_many(texts) == [canonical(t) for t in texts]
