"""The speed-ups of nlp/facts give the same answers as the plain scans they replace (seeds + hand-made text)."""
from __future__ import annotations

import re

import pytest
from conftest import SAMPLES

from nlp.facts import candidates
from nlp.facts.attach import CLAUSE_BREAK, SENTENCE_BREAK, breaks, sentence_and_clause_breaks
from nlp.facts.lexicon import default_lexicon
from nlp.facts.negatives import NegativeMask, match_alphabet
from nlp.normalize import normalize

HAND_MADE = ("电话：0517-12345678，邮编223001。2023年12月31日，依据第三条、〔2021〕30号文件，\n"
             "网址www.example.gov.cn，20个工作日内答复；版本V1.2；2019-2023年共收到申请1,024件（其中\n"
             "依申请公开12件）。全年发布信息3.2万条，较上年增长5%。一、主动公开情况\n- 3 -\n")


def texts() -> list[str]:
    return [normalize(p.read_text(encoding="utf-8")).text for p in sorted(SAMPLES.glob("*.txt"))] + [HAND_MADE]


@pytest.mark.parametrize("text", texts())
def test_break_table_matches_the_break_regexes(text):
    assert sentence_and_clause_breaks(text, 0, len(text)) == (
        breaks(text, 0, len(text), SENTENCE_BREAK), breaks(text, 0, len(text), CLAUSE_BREAK))
    lo, hi = len(text) // 3, 2 * len(text) // 3  # a span inside the text
    assert sentence_and_clause_breaks(text, lo, hi) == (
        breaks(text, lo, hi, SENTENCE_BREAK), breaks(text, lo, hi, CLAUSE_BREAK))


def test_negative_pattern_shortcuts_hold():
    """A window in which a negative pattern matches holds one of its ``requires`` strings (a lookahead may
    put it right after the match: 2019-2023), and every match holds only characters of the pattern's
    alphabet, so skipping a pattern on either ground never changes an answer."""
    lex = default_lexicon()
    matched = set()
    for text in texts():
        for key, pattern in lex.negative_patterns.items():
            alphabet = match_alphabet(pattern)
            required = lex.negative_requires.get(key)
            for m in pattern.finditer(text):
                if not m.group():
                    continue
                matched.add(key)
                assert alphabet is None or all(alphabet(ch) for ch in m.group()), (key, m.group())
                for lo, hi in ((m.start(), m.end()), (max(0, m.start() - 60), m.end() + 60)):
                    window = text[lo:hi]
                    if required and pattern.search(text, lo, hi):
                        assert any(r in window for r in required), (key, window)
    assert {"year", "month_day", "ordinal", "document_number", "phone", "postcode", "url", "duration",
            "version", "year_range", "page_number"} <= matched


def test_alphabet_of_a_pattern():
    alphabet = match_alphabet(default_lexicon().negative_patterns["year"])
    assert alphabet is not None and alphabet("2") and alphabet("年") and not alphabet("未")
    assert match_alphabet(re.compile(r"[^a]+")) is None  # a negated class: unknown, the pattern always runs


@pytest.mark.parametrize("text", texts())
def test_number_starts_as_the_plain_scans(text, monkeypatch):
    """Chinese-numeral runs as the regex scan finds them; every digit run that is dropped (2023年, 12月)
    would have given no candidate: find_candidates is the same without the digit pre-filter."""
    lex = default_lexicon()
    follow = {u[0] for u in lex.unit_family} | set("成万亿千百十余多-—–~～至到")
    for lo, hi in ((0, len(text)), (len(text) // 3, 2 * len(text) // 3)):
        starts = candidates._number_starts(text, lo, hi, lex)
        cn = []
        for run in re.finditer(candidates._CN, text[lo:hi]):
            k = run.end()
            while k < hi - lo and text[lo + k] in " \t\n":
                k += 1
            if k < hi - lo and text[lo + k] in follow:
                cn.append(lo + run.start())
        digits = [lo + m.start() for m in re.finditer(r"[0-9]+", text[lo:hi])]
        assert [i for i in starts if not text[i].isdigit()] == cn
        assert set(starts) - set(cn) <= set(digits) and starts == sorted(starts)
    fast = candidates.find_candidates(text, 0, len(text), lex, NegativeMask(text, lex))
    table = candidates._char_table(lex)
    monkeypatch.setattr(candidates, "_char_table", lambda lex: table | candidates._AFTER_DIGITS)
    plain = candidates.find_candidates(text, 0, len(text), lex, NegativeMask(text, lex))
    assert fast == plain and any(c.value for c in fast)


def test_breakdown_trigger_as_written_with_a_lookbehind_first():
    from nlp.facts.breakdown import TRIGGER
    plain = re.compile(r"其中(?:包括|包含|含)?|(?<![包])含(?!义|量|金|有害)|包括")
    for text in texts() + ["包含含义含有害其中含10件，含结转3件，包括2件；其中包含1件"]:
        assert [m.span() for m in TRIGGER.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_prose_lines_skip_the_table_test_only_where_it_says_prose() -> None:
    """narrative_lines calls is_table_line only for lines that are not plainly prose: the early answer
    it uses (a 。 or ， and no | or tab) is is_table_line's own."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from nlp.facts.spans import is_table_line

    @settings(max_examples=500, deadline=None)
    @given(st.text(st.sampled_from(list("。，|\t 　12 345.%:数量件")), max_size=20))
    def check(line):
        if line and "|" not in line and "\t" not in line and ("。" in line or "，" in line):
            assert not is_table_line(line)

    check()


# Spans (between table rows) with no quantity: negations, zeros in words, and neither.
_ZEROS_IN_WORDS = ("本年度未收到政府信息公开申请，也没有发生收费情况。\n| 项目 | 1 | 2 |\n行政复议、行政诉讼均为0。\n"
                   "| 项目 | 3 |\n申请数为零；无法提供的为 0。\n| 项目 | 4 |\n我单位持续推进政务公开工作。\n"
                   "| 项目 | 5 |\n全年主动公开信息12条。")


@pytest.mark.parametrize("text", [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
                         + [HAND_MADE, _ZEROS_IN_WORDS])
def test_spans_without_quantity_or_zero_hint_skip_as_the_full_reading(text, monkeypatch):
    """A span with no candidate returns early when it holds no negation word and no zero hint; read in full
    (negations, zeros in words) it gives the same facts."""
    from nlp.facts import FactExtractor

    fast = [FactExtractor(narrative_only=mode).extract(text) for mode in (False, True)]
    monkeypatch.setattr(FactExtractor, "_may_state_zero", lambda self, work, lo, hi: True)
    assert [FactExtractor(narrative_only=mode).extract(text) for mode in (False, True)] == fast
