"""spaCy factory ``govnlp_facts``: numeric facts on a Doc.

    nlp = nlp.tokenize.blank_zh()          # or spacy.blank("zh")
    nlp.add_pipe("govnlp_facts")
    doc = nlp("受理12345便民服务热线441件(其中救助类250件)")
    doc._.facts        # fact records (offsets are character offsets into doc.text)
    doc.spans["facts"] # one Span per fact (expanded to token boundaries), label = metric or "quantity"

Facts are found on characters, not tokens: half of the cue occurrences in the annotated reports start
or end inside an rjieba token (依申请 ⊃ 申请), so a token Matcher would miss them.
"""
from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from nlp.component import create

SPANS_KEY = "facts"


class FactsPipe:
    """Sets ``doc._.facts`` and ``doc.spans["facts"]``. ``narrative_only``: treat the Doc as a whole report
    and skip its table sections (default False: a Doc is usually a sentence or a paragraph).

    Wraps the report pipeline's "facts" component object (``self.component``), so the two routes
    cannot disagree."""

    def __init__(self, nlp: Language, name: str = "govnlp_facts", narrative_only: bool = False,
                 spans_key: str = SPANS_KEY):
        self.name = name
        self.spans_key = spans_key
        self.component = create("facts", narrative_only=narrative_only)
        if not Doc.has_extension("facts"):
            Doc.set_extension("facts", default=None)

    def __call__(self, doc: Doc) -> Doc:
        facts: list[dict[str, Any]] = self.component.extract(doc.text)
        doc._.facts = facts
        spans = []
        for f in facts:
            span = doc.char_span(f["start"], f["end"], label=f["metric"] or "quantity", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("govnlp_facts", default_config={"narrative_only": False, "spans_key": SPANS_KEY})
def make_facts_component(nlp: Language, name: str, narrative_only: bool, spans_key: str) -> FactsPipe:
    return FactsPipe(nlp, name, narrative_only=narrative_only, spans_key=spans_key)
