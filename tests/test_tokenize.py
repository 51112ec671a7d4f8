"""Tokenisation layer: rjieba vs jieba (the oracle) on real reports, the domain dictionary, user dictionaries."""
from __future__ import annotations

import difflib
import importlib.util
import itertools
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import real_reports, requires_shared

from nlp import tokenize
from nlp.io import read_document
from nlp.tokenize import (
    FrozenSegmenterError,
    domain_entries,
    domain_words,
    get_segmenter,
    new_segmenter,
    stopwords,
)

_PDF_READER = importlib.util.find_spec("nlp.io.pdf") is not None and importlib.util.find_spec("pdfplumber")
REAL_FILES = real_reports(".txt", ".md", ".html", *((".pdf",) if _PDF_READER else ()))

# The one documented divergence (see nlp/tokenize/README.md): with HMM on, a run of ASCII letters/digits
# joined by . _ - that is not a dictionary word (URLs, e-mail domains, phone numbers, dates, file ids) is
# one token in jieba-rs (its HMM skip splitter joins such "connectors") but split by jieba 0.42.1's
# finalseg regex [a-zA-Z0-9]+(?:\.\d+)?%? .
_CONNECTED = re.compile(r"[A-Za-z0-9]+(?:[._\-][A-Za-z0-9]+)+%?")
_JIEBA_FINALSEG_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")


@cache
def _text(path: Path) -> str:
    return read_document(path).text


def _diff(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal"]


def _assert_same_or_documented(jieba_tokens: list[str], rjieba_tokens: list[str], hmm: bool, where: str) -> int:
    """Identical tokens, except (HMM only) the documented ASCII-connector case. Returns #divergences."""
    assert "".join(jieba_tokens) == "".join(rjieba_tokens), where
    diffs = _diff(jieba_tokens, rjieba_tokens)
    if not hmm:
        assert diffs == [], f"{where}: rjieba and jieba differ without HMM: {diffs[:5]}"
    for j_side, r_side in diffs:
        assert len(r_side) == 1 and _CONNECTED.fullmatch(r_side[0]), f"{where}: undocumented difference {j_side} vs {r_side}"
        expected = [x for x in _JIEBA_FINALSEG_SKIP.split(r_side[0]) if x]
        assert j_side == expected, f"{where}: jieba split {r_side[0]!r} as {j_side}, expected {expected}"
    return len(diffs)


@pytest.mark.parametrize("domain", [False, True], ids=["default-dict", "domain-dict"])
@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no-hmm"])
def test_rjieba_matches_jieba_on_seeds(seed_paths, hmm, domain):
    r = get_segmenter("rjieba", hmm=hmm, domain=domain)
    j = get_segmenter("jieba", hmm=hmm, domain=domain)
    for path in seed_paths:
        text = _text(path)
        jt = j.cut(text)
        assert "".join(jt) == text  # jieba's cut tiles the text; ours must too
        assert r.cut(text) == jt, f"{path.name}: {_diff(jt, r.cut(text))[:5]}"


@requires_shared
@pytest.mark.parametrize("domain", [False, True], ids=["default-dict", "domain-dict"])
@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no-hmm"])
def test_rjieba_matches_jieba_on_real_reports(hmm, domain):
    assert REAL_FILES, "no text/markdown/html reports in ../shared/corpus/real"
    r = get_segmenter("rjieba", hmm=hmm, domain=domain)
    j = get_segmenter("jieba", hmm=hmm, domain=domain)
    divergences = 0
    for path in REAL_FILES:
        divergences += _assert_same_or_documented(j.cut(_text(path)), r.cut(_text(path)), hmm, path.name)
    if not hmm:
        assert divergences == 0


def test_documented_hmm_divergence_is_exactly_the_connector_case():
    # Pins the divergence down so that a change in either library shows up here.
    r, j = get_segmenter("rjieba"), get_segmenter("jieba")
    for sample in ["访问www.shuyang.gov.cn网站", "日期2024-01-17发布", "索引号2024-00002号", "文件a_b", "增长3.5%"]:
        _assert_same_or_documented(j.cut(sample), r.cut(sample), True, sample)
    assert r.cut("日期2024-01-17发布") == ["日期", "2024-01-17", "发布"]
    assert j.cut("日期2024-01-17发布") == ["日期", "2024", "-", "01", "-", "17", "发布"]
    no_hmm = [get_segmenter(n, hmm=False).cut("日期2024-01-17发布") for n in ("rjieba", "jieba")]
    assert no_hmm[0] == no_hmm[1]


def test_domain_dictionary_file():
    entries = domain_entries()
    words = [w for w, _ in entries]
    assert len(set(words)) == len(words) >= 200, "domain dictionary needs >= 200 distinct terms"
    for term in ["政府信息公开", "依申请公开", "政务新媒体", "政务公开专区", "三审三校", "勾稽关系", "12345热线",
                 "行政规范性文件", "政策解读", "回应关切"]:
        assert term in domain_words()
    assert all(isinstance(f, int) and f >= 1 for _, f in entries), "every domain term carries a frequency"


@pytest.mark.parametrize("name", ["rjieba", "jieba", "ngram:1", "ngram:2"])
@pytest.mark.parametrize("hmm", [True, False], ids=["hmm", "no-hmm"])
def test_every_domain_term_alone_is_one_token(name, hmm):
    seg = get_segmenter(name, hmm=hmm)
    split = [w for w in domain_words() if seg.cut(w) != [w]]
    assert split == []


def _split_occurrences(text: str, tokens: list[str], terms: frozenset[str]) -> list[str]:
    """Occurrences of domain terms with a token boundary inside them, except where the term overlaps
    another domain-term occurrence that did come out whole (two terms competing for the same characters)."""
    bounds = set(itertools.accumulate(map(len, tokens)))
    occurrences = [(m.start(), m.start() + len(t), t) for t in terms
                   for m in re.finditer(f"(?={re.escape(t)})", text)]
    whole = {(s, e) for s, e, _ in occurrences if not any(b in bounds for b in range(s + 1, e))}
    bad = []
    for s, e, term in occurrences:
        if (s, e) in whole or any(ws < e and s < we for ws, we in whole):
            continue
        pieces, pos = [], 0
        for tok in tokens:
            if pos + len(tok) > s - 4 and pos < e + 4:
                pieces.append(tok)
            pos += len(tok)
        bad.append(f"{term}: {'|'.join(pieces)}")
    return bad


@pytest.mark.parametrize("name", ["rjieba", "jieba", "ngram:1"])
def test_domain_terms_come_out_whole_in_seed_sentences(seed_paths, name):
    seg = get_segmenter(name)
    terms = domain_words()
    found = 0
    for path in seed_paths:
        for sentence in re.split(r"(?<=[。；！？\n])", _text(path)):
            if not any(t in sentence for t in terms):
                continue
            found += 1
            bad = _split_occurrences(sentence, seg.cut(sentence), terms)
            assert bad == [], f"{path.name}: domain terms split by {name}: {bad}"
    assert found >= 50, "the seeds should contain many sentences with domain terms"


@requires_shared
def test_domain_terms_come_out_whole_in_real_reports():
    seg, terms = get_segmenter("rjieba"), domain_words()
    for path in REAL_FILES:
        for sentence in re.split(r"(?<=[。；！？\n])", _text(path)):
            bad = _split_occurrences(sentence, seg.cut(sentence), terms)
            assert bad == [], f"{path.name}: domain terms split: {bad}"


def test_domain_dictionary_changes_segmentation_of_seeds(seed_paths):
    plain, ours = get_segmenter("rjieba", domain=False), get_segmenter("rjieba")
    text = "\n".join(_text(p) for p in seed_paths)
    assert "政务新媒体" not in plain.cut(text) and "政务新媒体" in ours.cut(text)
    assert "依申请公开" not in plain.cut(text) and "依申请公开" in ours.cut(text)


def _unit_name(text: str, seg) -> str:
    """The reporting unit's name (e.g. 某某区某某街道), which the segmenter cuts into several tokens:
    the typical entry of a user dictionary."""
    for m in re.finditer(r"[\u4e00-\u9fd5]{2,3}?[区县市][\u4e00-\u9fd5]{2,3}?(?:街道|镇|乡)", text):
        if len(seg.cut(m.group())) >= 2 and m.group() not in domain_words():
            return m.group()
    raise AssertionError("no unit name found")


@pytest.mark.parametrize("with_freq", [True, False], ids=["with-freq", "suggested-freq"])
def test_user_dictionary_file_is_honoured_by_both_back_ends(tmp_path, seed_paths, with_freq):
    text = _text(seed_paths[1])
    phrase = _unit_name(text, get_segmenter("rjieba"))
    userdict = tmp_path / "user.txt"
    line = f"{phrase} 5000 n" if with_freq else phrase
    userdict.write_text(f"# my words\n{line}\n", encoding="utf-8")
    results = {}
    for name in ("rjieba", "jieba"):
        seg = new_segmenter(name)
        seg.load_userdict(userdict)
        assert seg.entries[-1] == (phrase, 5000 if with_freq else None)
        results[name] = seg.cut(text)
        assert phrase in results[name], f"{name} ignored the user dictionary word {phrase!r}"
    assert results["rjieba"] == results["jieba"]
    shared = get_segmenter("rjieba", userdicts=[userdict])
    assert shared.cut(text) == results["rjieba"]


def test_user_dictionary_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("政务服务站 0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt:1"):
        new_segmenter("rjieba").load_userdict(bad)
    with pytest.raises(ValueError, match="missing.txt"):
        new_segmenter("rjieba").load_userdict(tmp_path / "missing.txt")
    with pytest.warns(UserWarning, match="could never come out"):
        seg = new_segmenter("ngram:1", words=["《条例》"])
    assert seg.entries[-1][0] != "《条例》"


def test_jieba_total_follows_jieba_rs_so_close_paths_agree():
    # Two new words whose frequencies make "龘靐" vs "龘|靐" differ by ~1e-8 in log score: which side wins
    # depends on the dictionary total. jieba itself counts dict.txt's duplicated "B超" line twice and, on
    # re-adding a word, keeps the replaced frequency in its total; jieba-rs does neither.
    f1, f2, f12 = 20_000_000, 46_901_058, 7_000_000
    words = [("龘", f1), ("靐", f2), ("龘靐", f12)]
    r, j = new_segmenter("rjieba", domain=False, words=words), new_segmenter("jieba", domain=False, words=words)
    assert j._engine.total == sum(j._engine.FREQ.values())
    assert r.cut("龘靐") == j.cut("龘靐") == ["龘", "靐"]
    # re-weighting an existing word: totals must stay in step
    for seg in (r, j):
        seg.add_words([("靐", 5), ("靐", f2)])
    assert j._engine.total == sum(j._engine.FREQ.values())
    assert r.cut("龘靐") == j.cut("龘靐") == ["龘", "靐"]


def test_backend_selection_by_name_and_environment(monkeypatch):
    monkeypatch.setenv("GOVNLP_SEGMENTER", "jieba")
    tokenize.set_default_segmenter(None)
    try:
        assert tokenize.get_segmenter().name == "jieba"
        assert tokenize.default_segmenter() is tokenize.get_segmenter()
        assert tokenize.cut("政务新媒体") == ["政务新媒体"]
        monkeypatch.setenv("GOVNLP_SEGMENTER", "pkuseg")
        with pytest.raises(ValueError, match="GOVNLP_SEGMENTER='pkuseg'"):
            tokenize.backend_name()
    finally:
        monkeypatch.delenv("GOVNLP_SEGMENTER")
        tokenize.set_default_segmenter(None)
    assert tokenize.get_segmenter().name == "rjieba"
    assert tokenize.backend_name("ngram") == "ngram:2"
    with pytest.raises(ValueError):
        tokenize.backend_name("ngram:x")


def test_shared_segmenters_are_cached_and_frozen():
    a = get_segmenter("jieba", hmm=False)
    assert get_segmenter("jieba", hmm=False) is a
    assert get_segmenter("jieba") is not a
    with pytest.raises(FrozenSegmenterError):
        a.add_words(["某某街道"])
    b = get_segmenter("jieba", hmm=False, words=["某某街道"])
    assert b is not a and b.cut("某某街道") == ["某某街道"]
    own = new_segmenter("jieba", hmm=False)
    own.add_words("某某街道")
    assert own.cut("某某街道") == ["某某街道"] and a.cut("某某街道") != ["某某街道"]


def test_default_segmenter_is_the_one_mutable_global(monkeypatch):
    tokenize.set_default_segmenter("rjieba")
    try:
        tokenize.add_words([("某某街道办", 3000)])
        assert tokenize.cut("某某街道办") == ["某某街道办"]
        assert get_segmenter("rjieba").cut("某某街道办") != ["某某街道办"]
    finally:
        tokenize.set_default_segmenter(None)
    assert tokenize.cut("某某街道办") != ["某某街道办"]


def test_ngram_back_end(seed_paths):
    text = _text(seed_paths[0])
    uni = get_segmenter("ngram:1")
    assert "".join(uni.cut(text)) == text
    bi = get_segmenter("ngram:2")
    toks = bi.tokenize("加强政务新媒体管理")
    assert [t for t, _, _ in toks] == ["加强", "政务新媒体", "管理"]
    toks = bi.tokenize("认识不到位")
    assert [t for t, _, _ in toks] == ["认识", "识不", "不到", "到位"]
    assert all("认识不到位"[s:e] == t for t, s, e in toks)
    assert not bi.tiles and uni.tiles


def test_words_drop_whitespace_punctuation_and_stopwords(seed_paths):
    text = _text(seed_paths[2])
    content = tokenize.words(text)
    assert content and not any(w.isspace() or w in {"，", "。", "、"} for w in content)
    assert not set(content) & stopwords()
    assert "的" in tokenize.cut(text) and "的" not in content
    assert {"未", "无", "不", "将", "已"}.isdisjoint(stopwords()), "negations and status cues must survive"
