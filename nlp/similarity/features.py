"""Per-document similarity features (shingles → statute copying + MinHash signatures).

Computed in the `govnlp run` workers, in parallel, and stored in the internal table
``_features.parquet``; the corpus-level step then only does LSH look-ups. For a run directory
without that table (or made with other parameters) the features are computed from the
``sections`` and ``statements`` tables instead.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import pyarrow as pa

from nlp.similarity.followup import mentions_rectification
from nlp.similarity.shingles import NUM_PERM, SEED, SHINGLE_SIZE, Signer, canonical, shingle_hashes
from nlp.similarity.statute import default_statute_index

NARRATIVE_SECTIONS = ("overall", "overall.active", "overall.on_request", "overall.management", "overall.platform",
                      "overall.supervision", "problems", "other")
MIN_CHARS = 20  # shorter sections ("无") carry no copying signal
STATEMENT_PERM = 64
FEATURES_VERSION = f"shingle{SHINGLE_SIZE}-perm{NUM_PERM}-stmtperm{STATEMENT_PERM}-seed{SEED}-v1"

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
FEATURES_SCHEMA = pa.schema(
    [("doc_id", _S), ("kind", _S), ("key", _S), ("index", _I), ("n_chars", _I), ("role", _S), ("themes", _S),
     ("statute_containment", _F), ("statute_article", _S), ("statute_article_containment", _F),
     ("rectification", _B), ("signature", pa.binary())],
    metadata={"govnlp_features": FEATURES_VERSION},
)


@lru_cache(maxsize=1)
def _signers() -> tuple[Signer, Signer]:
    return Signer(NUM_PERM), Signer(STATEMENT_PERM)


def section_feature(doc_id: str, key: str, text: str) -> dict[str, Any]:
    row: dict[str, Any] = {"doc_id": doc_id, "kind": "section", "key": key, "index": None, "n_chars": len(text),
                           "role": None, "themes": None, "statute_containment": None, "statute_article": None,
                           "statute_article_containment": None, "signature": None,
                           "rectification": mentions_rectification(text) if key == "problems" else None}
    if len(canonical(text)) >= MIN_CHARS:
        hashes = shingle_hashes(text)
        match = default_statute_index().match(hashes)
        row.update(statute_containment=round(match.containment, 4), statute_article=match.article,
                   statute_article_containment=round(match.article_containment, 4),
                   signature=_signers()[0].signature(hashes).tobytes())
    return row


def statement_feature(doc_id: str, index: int, role: str | None, themes: str | None, text: str) -> dict[str, Any]:
    sig = None
    if len(canonical(text)) >= MIN_CHARS // 2:
        sig = _signers()[1].signature(shingle_hashes(text)).tobytes()
    return {"doc_id": doc_id, "kind": "statement", "key": None, "index": index, "n_chars": len(text), "role": role,
            "themes": themes, "statute_containment": None, "statute_article": None,
            "statute_article_containment": None, "rectification": None, "signature": sig}


def document_features(doc_id: str, sections: list[dict[str, Any]], statements: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """Feature rows of one document from its ``sections`` and ``statements`` table rows."""
    out = [section_feature(doc_id, s["key"], s["text"] or "") for s in sections if s["key"] in NARRATIVE_SECTIONS]
    out += [statement_feature(doc_id, s["index"], s["role"], s["themes"], s["text"] or "") for s in statements]
    return out
