"""spaCy factory ``govnlp_themes``: section-五 statements and their themes on a Doc.

    nlp = nlp.tokenize.blank_zh()          # or spacy.blank("zh")
    nlp.add_pipe("govnlp_themes")
    doc = nlp(report_text)                 # a whole report, or just the body of section 五
    doc._.statements   # [{start, end, text, role, status, themes, scores, pair}] (char offsets into doc.text)
    doc._.themes       # sorted union of the statements' themes
    doc.spans["statements"]  # one Span per statement, label = role
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from nlp.statements import pair_statements, statements_from_text
from nlp.themes import classify_texts, get_model

SPANS_KEY = "statements"


class ThemesComponent:
    """Sets ``doc._.statements``, ``doc._.statement_summary``, ``doc._.themes`` and ``doc.spans``."""

    def __init__(self, nlp: Language, name: str = "govnlp_themes", model: str | None = None,
                 spans_key: str = SPANS_KEY):
        self.name = name
        self.spans_key = spans_key
        self.model = get_model(model)  # load once, when the pipe is added
        for attr in ("statements", "statement_summary", "themes"):
            if not Doc.has_extension(attr):
                Doc.set_extension(attr, default=None)

    def __call__(self, doc: Doc) -> Doc:
        statements = statements_from_text(doc.text)
        for st, res in zip(statements, classify_texts([s.text for s in statements], self.model)):
            st.themes, st.scores = res["themes"], res["scores"]
        summary = pair_statements(statements)
        doc._.statements = [s.to_dict() for s in statements]
        doc._.statement_summary = summary
        doc._.themes = sorted({t for s in statements for t in s.themes})
        spans = []
        for s in statements:
            span = doc.char_span(s.start, s.end, label=s.role, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("govnlp_themes", default_config={"model": None, "spans_key": SPANS_KEY})
def make_themes_component(nlp: Language, name: str, model: str | None, spans_key: str) -> ThemesComponent:
    return ThemesComponent(nlp, name, model=model, spans_key=spans_key)
