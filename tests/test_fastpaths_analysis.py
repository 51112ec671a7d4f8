"""The speed-ups of tables, checks, normalise, segment and facts give the answers of the code they replace.

Each fast path is compared with a plain reference (the code it replaced, kept here) on the seeds,
the real reports (when ../shared is present) and their variants: whitespace removed, line breaks
removed, full-width digits and CRLF line ends.
"""
from __future__ import annotations

import random
import re

import numpy as np
from conftest import layout_variants, text_reports
from hypothesis import given, settings
from hypothesis import strategies as st
from test_run_fastpaths import reference_normalize
from test_tables_layouts import LAYOUTS, consistent_table3, consistent_table4, render

from nlp.facts import candidates
from nlp.facts.lexicon import default_lexicon
from nlp.io import read_document
from nlp.normalize import normalize
from nlp.pipeline import Pipeline
from nlp.rules.cell_records import cell_record, table_cells
from nlp.rules.engine import Context
from nlp.rules.sums import equation
from nlp.segment import _spec as sections_spec
from nlp.tables import legacy, table2, table3, table4
from nlp.tables.labels import LabelMatcher, squeeze, squeeze_span
from nlp.tables.tokens import Line, tokenize
from nlp.text.numbers import NOT_A_NUMBER, is_cell_number, parse_cell, read_cell
from nlp.text.width import nfkc


def texts_and_variants() -> list[str]:
    return [v for p in text_reports() for v in layout_variants(read_document(p).text)]


# --- tables: the tokenizer as it was (a line and each text chunk folded on their own) ------------
_WORD = re.compile(r"\S+")
_PLACEHOLDER = re.compile(r"^(?:/|／|[-—–－―]{1,3}|\\)$")
_TRAILING_DIGITS = re.compile(r"^(.*[^\d\s.,+-])(\d{2,})$")
_SEP = re.compile(r"[\t|]")
_DIGIT_STRING = re.compile(r"\d{8,}|0\d+")


def _tok(kind: str, text: str, start: int, end: int, index: int, value=None, key=None) -> tuple:
    """A token as the reference reads it: offsets into the text, and its line number."""
    return (kind, text, start, end, index, value, type(value), key)


def reference_line(raw: str, offset: int, index: int, matcher: LabelMatcher) -> list[tuple]:
    delimited = "\t" in raw or raw.lstrip().startswith("|")
    tokens: list[tuple] = []
    if delimited:
        fields, s = [], 0
        for m in _SEP.finditer(raw):
            fields.append((s, m.start()))
            s = m.end()
        fields.append((s, len(raw)))
        if raw.lstrip().startswith("|"):
            fields = fields[1:]
            if raw.rstrip().endswith("|") and fields:
                fields = fields[:-1]
    else:
        fields = [(0, len(raw))]
    norm_line = nfkc(raw)
    for fs, fe in fields:
        cell = raw[fs:fe]
        if not cell.strip():
            if delimited:
                tokens.append(_tok("empty", "", offset + fs, offset + fe, index))
            continue
        norm_cell, chunk = norm_line[fs:fe], []
        for m in list(_WORD.finditer(cell)) + [None]:
            norm = norm_cell[m.start():m.end()] if m else ""
            number = m is not None and is_cell_number(norm)
            if m is None or number or _PLACEHOLDER.match(norm):
                if chunk:
                    s, e = chunk[0].start(), chunk[-1].end()
                    tokens += reference_text(cell[s:e], offset + fs + s, index, matcher)
                    chunk = []
                if m is None:
                    break
                kind = ("digits" if _DIGIT_STRING.fullmatch(norm) else "value") if number else "value"
                value = parse_cell(m.group()) if number else None
                tokens.append(_tok(kind, m.group(), offset + fs + m.start(), offset + fs + m.end(), index, value))
            else:
                chunk.append(m)
    return tokens


def reference_text(text: str, start: int, index: int, matcher: LabelMatcher) -> list[tuple]:
    m = _TRAILING_DIGITS.match(nfkc(text))
    if m and not re.match(r"[A-Za-z]", m.group(1)[-1]):
        lab = matcher.match(m.group(1))
        if lab.key:
            cut = len(m.group(1))
            return [_tok("label", text[:cut], start, start + cut, index, key=lab.key),
                    _tok("digits", text[cut:], start + cut, start + len(text), index)]
    lab = matcher.match(text)
    if lab.key:
        return [_tok("label", text, start, start + len(text), index, key=lab.key)]
    return [_tok("header" if lab.key == "" else "text", text, start, start + len(text), index)]


def _shape(line: Line) -> list[tuple]:
    """The line's tokens with their offsets into the text (tokens hold offsets into their line)."""
    return [_tok(t.kind, t.text, line.offset + t.start, line.offset + t.end, line.index, t.value, t.key)
            for t in line.tokens]


# Hand-made table lines for the cases the reports may lack: digits run together, leading zeros,
# units, placeholders, pipes, a label with its digits run onto it, full-width and spaced numbers.
_LINE_LIST = [
    "一、本年新收政府信息公开申请数量\t00000012\t0\t３５\t1,024\t12件\t-\t／\t",
    "| （一）予以公开 | 801000081 | 0 | 05 | 3.5 | 万元 | — | |",
    "本年新收政府信息公开申请数量801000081",
    "二、上年结转政府信息公开申请数量 1 2 3 4 5 6 7",
    "\t\t3. 补正后申请内容仍不明确\t 0 \t0 0\t+3\t-2\t1.5万\t12345678901\t\\",
    "|  | 总计 | 1 | 2 |",
]
_LINES = "\n".join(_LINE_LIST)


def test_tokenize_equals_the_line_by_line_reference() -> None:
    matchers = [table2.matcher("2021"), table2.matcher("2019"), table3.matcher("2021"), table3.matcher("2019"),
                table4.matcher()]
    lines = 0
    for text in [_LINES, *texts_and_variants()]:
        for matcher in matchers:
            for line in tokenize(text, 0, len(text), matcher):
                assert line.offset == 0 or text[line.offset - 1] == "\n"
                nl = text.find("\n", line.offset)
                raw = text[line.offset: len(text) if nl < 0 else nl]
                assert _shape(line) == reference_line(raw, line.offset, line.index, matcher)
                lines += 1
    assert lines > 500


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_LINE_LIST + ["\t0", "| 0 | 0 |", "", "- 3 -", "|---|---|", "（七）总计\t1\t2"]),
                min_size=1, max_size=6), st.integers(0, 3))
def test_a_recurring_line_is_tokenised_as_where_it_was_first_seen(lines: list[str], pad: int) -> None:
    # A line's tokens are made once per line text and matcher, and shared by the lines at other offsets.
    matcher = table3.matcher("2021")
    text = "\n".join(["表三"] * pad + lines + lines[::-1])
    seen = list(tokenize(text, 0, len(text), matcher))
    expect = []
    for raw_start in [0, *(m.end() for m in re.finditer("\n", text))]:
        nl = text.find("\n", raw_start)
        raw = text[raw_start: len(text) if nl < 0 else nl]
        if raw.strip() and not re.match(r"^[\s|:\-]+$", raw) and not re.match(r"^\s*[-—–－]{1,2}\s*\d{1,4}\s*[-—–－]{1,2}\s*$", raw):
            expect.append(reference_line(raw, raw_start, len(expect), matcher))
    assert [_shape(line) for line in seen] == expect


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789０１２,.+-件元万项个 \t/—") + ["１２", "1,024", "3.5"]), max_size=8)
       .map("".join))
def test_read_cell_is_is_cell_number_and_parse_cell(word: str) -> None:
    folded = nfkc(word)
    value = read_cell(folded)
    if is_cell_number(folded):
        assert value == parse_cell(word) and type(value) is type(parse_cell(word))
    else:
        assert value is NOT_A_NUMBER


def test_squeezed_span_equals_the_squeezed_slice() -> None:
    for text in texts_and_variants():
        n = len(text)
        for s, e in ((0, n), (n // 3, 2 * n // 3), (5, 5), (n - 9, n)):
            assert squeeze_span(text, s, e) == squeeze(text[s:e])


def test_annex_precheck_equals_the_full_label_count() -> None:
    spec = legacy.schema()
    for text in texts_and_variants():
        flat = re.sub(r"[\s|\u3000]+", "", nfkc(text))
        found = {k for alias, keys, _ in spec["_labels"] if alias.replace('"', "") in flat for k in keys}
        assert legacy._may_hold_annex(text) == (len(found) >= spec["min_indicators"])


_ALIASES = [alias for alias, _, _ in legacy.schema()["_labels"]]
_PIECES = st.one_of(
    st.sampled_from(_ALIASES),  # labels, their halves and their prefixes (which may be labels too)
    st.sampled_from(_ALIASES).flatmap(lambda a: st.sampled_from([a[: len(a) // 2], a[len(a) // 2:], a[:-1]])),
    st.sampled_from(["数", "申请", " ", "|", "\n", "12", "其中：", "政府信息"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=2, max_size=12).map("".join))
def test_annex_precheck_equals_the_label_count_on_label_soup(text: str) -> None:
    # Labels that are prefixes of each other ("从事政府信息公开工作人员" / "…人员数") or overlap
    # must all be seen by the one-search pre-check.
    spec = legacy.schema()
    flat = re.sub(r"[\s|\u3000]+", "", nfkc(text))
    found = {k for alias, keys, _ in spec["_labels"] if alias.replace('"', "") in flat for k in keys}
    assert legacy._may_hold_annex(text) == (len(found) >= spec["min_indicators"])


def _line_ends(text: str, lo: int, hi: int) -> list[int]:
    return [m.start() for m in re.finditer("\n", text[lo:hi])]


def test_a_region_extended_by_lines_no_row_takes_parses_alike() -> None:
    # _best skips the whole-text parse when its region only adds such lines to the section's.
    rng = random.Random(7)
    texts = [*texts_and_variants(), *(render(consistent_table3(rng, fmt), consistent_table4(rng), layout, fmt)
                                      for layout in LAYOUTS for fmt in ("2021", "2019"))]
    alike = differ = 0
    for text in texts:
        for table in (table2, table3, table4):
            region = table.locate(text)
            if region is None:
                continue
            s, e = region
            inside = [s + x for x in _line_ends(text, s, e)][-4:]
            for e1 in [*inside, e]:
                after = [e1 + 1 + x for x in _line_ends(text, e1 + 1, len(text))][:4]
                for e2 in sorted({*after, *(x + 1 for x in after), e, len(text)}):
                    if e2 <= e1:
                        continue
                    if not table.same_rows(text, s, e1, e2):
                        differ += 1
                        continue
                    alike += 1
                    one, two = table.parse_region(text, s, e1), table.parse_region(text, s, e2)
                    if one is not None:
                        assert two is not None and one.pop("span") == [s, e1] and two.pop("span") == [s, e2]
                    assert one == two
    assert alike > 100 and differ > 100


# --- normalise and segment ---------------------------------------------------------------------------
def test_normalize_equals_the_character_loop_on_variants() -> None:
    for text in texts_and_variants():
        n = normalize(text)
        assert (n.text, n._map) == reference_normalize(text)


def test_combined_title_pattern_names_the_first_matching_pattern() -> None:
    spec = sections_spec()
    flat = spec["_flat"]
    rests = {line.strip() for text in texts_and_variants() for line in normalize(text).text.split("\n")}
    rests |= {r[k:] for r in list(rests) for k in (1, 2, 3) if len(r) > k}  # after a heading number
    matched = 0
    for rest in rests:
        first = next((n for n, (_, pat) in enumerate(flat) if pat.match(rest)), None)
        m = spec["_any_title"].match(rest)
        assert (int(m.lastgroup[1:]) if m else None) == first
        matched += first is not None
    assert matched > 20


# --- checks -------------------------------------------------------------------------------------
def test_cells_built_in_one_pass_equal_the_lookup_one_by_one() -> None:
    pipe = Pipeline(["normalize", "segment", "metadata", "tables", "facts"])
    refs = 0
    for text in texts_and_variants()[::2]:
        report = pipe.from_text(text)
        ctx = Context(report)
        values, _, records_of = table_cells(ctx.tables, ctx.provenance)
        assert list(records_of) == list(values)
        for ref, value in values.items():
            one = ctx._cell(ref, False)
            cell = ctx.cell(ref)
            assert cell == one and list(cell) == list(one)  # same key order in the outputs
            assert value == one["value"] and ctx.values([ref]) == [one["value"]]
            record = ctx.records([ref])[0]
            assert record == records_of[ref] and list(record) == list(records_of[ref])
            assert record == cell_record(one) and list(record) == list(cell_record(one))
        refs += len(values)
        # The memoised sums (second call) are those of the cells looked up one by one.
        expected, actual = ["@outcomes.total"], ["table3.total_processed.total"]
        equation(ctx, expected, actual)
        status, e, a, records, blanks = equation(ctx, expected, actual, blank_as_zero=True)
        one_by_one = [ctx._cell(r, False) for r in ctx.expand_refs(expected + actual)]
        assert records == [cell_record(c) for c in one_by_one]
        assert blanks == [c["ref"] for c in one_by_one if c["value"] is None]
        assert e == sum(c["value"] or 0 for c in one_by_one[:-1]) and a == (one_by_one[-1]["value"] or 0)
        assert status == ("PASS" if abs(e - a) < 1e-9 else "FAIL")
    assert refs > 1000


# --- facts ----------------------------------------------------------------------------------------
def reference_number_starts(text: str, lo: int, hi: int, table: np.ndarray) -> list[int]:
    """The NumPy scan of quantity starts that the regex scans replaced."""
    codes = np.frombuffer(text[lo:hi].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    n = len(codes)
    if not n:
        return []
    flags = table[codes]
    found = []
    for kind, after in ((candidates._DIGIT, candidates._AFTER_DIGITS), (candidates._CN_NUMERAL, candidates._AFTER_CN)):
        inside = (flags & kind) > 0
        first, last = inside.copy(), inside.copy()
        first[1:] &= ~inside[:-1]
        last[:-1] &= ~inside[1:]
        starts, ends = np.flatnonzero(first), np.flatnonzero(last) + 1
        nxt = ends
        if kind == candidates._CN_NUMERAL:
            nxt = ends.copy()
            right = codes[np.minimum(ends, n - 1)]
            for i in np.flatnonzero((ends < n) & ((right == 32) | (right == 9) | (right == 10))).tolist():
                k = int(nxt[i])
                while k < n and text[lo + k] in " \t\n":
                    k += 1
                nxt[i] = k
        follows = (flags[np.minimum(nxt, n - 1)] & after) > 0
        keep = follows & (nxt < n) if kind == candidates._CN_NUMERAL else follows | (nxt == n)
        found.append(starts[keep])
    return (np.sort(np.concatenate(found)) + lo).tolist()


def test_number_starts_equal_the_numpy_scan() -> None:
    lex = default_lexicon()
    table = candidates._char_table(lex)
    extra = "一二三 件\n两 万 十 余人 123件 4,5 六 \t个 0.5% 七\n\n 八"
    for text in [extra, *texts_and_variants()]:
        work = normalize(text).text
        n = len(work)
        for lo, hi in ((0, n), (n // 3, 2 * n // 3), (1, n - 1), (n // 2, n // 2 + 7)):
            if lo <= hi:
                assert candidates._number_starts(work, lo, hi, lex) == reference_number_starts(work, lo, hi, table)


def test_rule_plan_per_format_is_each_entry_expanded_for_the_report() -> None:
    """The rule book's plan for a table 三 format lists the rules expand() gives a report of that format."""
    from nlp.model import Report
    from nlp.rules.engine import RuleBook, expand
    from nlp.tables.table3 import spec as t3spec

    book = RuleBook()
    for fmt in t3spec()["formats"]:
        ctx = Context(Report(source="", tables={"table3": {"format": fmt, "rows": {}}}), None, RuleBook())
        plan = book.plan(fmt)
        assert [spec for spec, _ in plan] == book.specs
        for spec, rules in plan:
            assert [(r.id, r.params, r.item) for r in rules] == [(r.id, r.params, r.item) for r in expand(spec, ctx)]
