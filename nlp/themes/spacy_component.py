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

from nlp.component import create
from nlp.statements import statements_from_text

SPANS_KEY = "statements"


class ThemesPipe:
    """Sets ``doc._.statements``, ``doc._.statement_summary``, ``doc._.themes`` and ``doc.spans``.

    Wraps the report pipeline's "themes" and "pairing" component objects (``self.themes``,
    ``self.pairing``), so the two routes cannot disagree."""

    def __init__(self, nlp: Language, name: str = "govnlp_themes", model: str | None = None,
                 spans_key: str = SPANS_KEY):
        self.name = name
        self.spans_key = spans_key
        self.themes = create("themes", model=model)  # the model loads once, when the pipe is added
        self.pairing = create("pairing")
        for attr in ("statements", "statement_summary", "themes"):
            if not Doc.has_extension(attr):
                Doc.set_extension(attr, default=None)

    def __call__(self, doc: Doc) -> Doc:
        statements = statements_from_text(doc.text)
        self.themes.assign(statements)
        summary = self.pairing.pair(statements)
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
def make_themes_component(nlp: Language, name: str, model: str | None, spans_key: str) -> ThemesPipe:
    return ThemesPipe(nlp, name, model=model, spans_key=spans_key)
