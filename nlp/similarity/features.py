"""Per-document similarity features (shingles → statute copying + MinHash signatures).

Computed in the `govnlp run` workers, in parallel, and stored in the internal table
``_features.parquet``; the corpus-level step then only does LSH look-ups. For a run directory
without that table (or made with other parameters) the features are computed from the
``sections`` and ``statements`` tables instead.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa

from nlp.similarity.followup import mentions_rectification
from nlp.similarity.shingles import (
    NUM_PERM,
    SEED,
    SHINGLE_SIZE,
    Signer,
    canonical,
    canonical_many,
    position_hashes,
    shingle_hashes,
    sorted_unique,
)
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


def section_feature(doc_id: str, key: str, text: str, hashed: bool = True) -> dict[str, Any]:
    """The feature row of a narrative section (``hashed=False``: without the hash-based values,
    which :func:`document_features` adds from shared hashes)."""
    row: dict[str, Any] = {"doc_id": doc_id, "kind": "section", "key": key, "index": None, "n_chars": len(text),
                           "role": None, "themes": None, "statute_containment": None, "statute_article": None,
                           "statute_article_containment": None, "signature": None,
                           "rectification": mentions_rectification(text) if key == "problems" else None}
    if hashed and len(canonical(text)) >= MIN_CHARS:
        _add_section_hashes(row, shingle_hashes(text))
    return row


def _add_section_hashes(row: dict[str, Any], hashes: np.ndarray) -> None:
    """Statute match and signature from the sorted unique shingle ``hashes``."""
    match = default_statute_index().match(hashes)
    row.update(statute_containment=round(match.containment, 4), statute_article=match.article,
               statute_article_containment=round(match.article_containment, 4),
               signature=_signers()[0].signature(hashes).tobytes())


def statement_feature(doc_id: str, index: int, role: str | None, themes: str | None, text: str,
                      hashed: bool = True) -> dict[str, Any]:
    sig = None
    if hashed and len(canonical(text)) >= MIN_CHARS // 2:
        sig = _signers()[1].signature(shingle_hashes(text)).tobytes()
    return {"doc_id": doc_id, "kind": "statement", "key": None, "index": index, "n_chars": len(text), "role": role,
            "themes": themes, "statute_containment": None, "statute_article": None,
            "statute_article_containment": None, "rectification": None, "signature": sig}


def document_features(doc_id: str, sections: list[dict[str, Any]], statements: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """Feature rows of one document from its ``sections`` and ``statements`` table rows: the rows
    :func:`section_feature` and :func:`statement_feature` give, with each text hashed once.

    Section 一 holds its sub-items and section 五 its statements, so a text whose canonical form
    occurs in an already hashed one is a slice of that one: a shingle's hash depends only on its
    characters, the statute match only on the set of hashes, and a MinHash signature is a minimum
    per permutation, so the minimum over the slice of the host's permuted hashes."""
    sections = [s for s in sections if s["key"] in NARRATIVE_SECTIONS]
    canon = iter(canonical_many([s["text"] or "" for s in sections] + [st["text"] or "" for st in statements]))
    hosts: list[_Host] = []
    out = []
    passages: list[tuple[dict[str, Any], _Host, int, int]] = []  # rows to sign, signed together below
    for s, c in zip(sections, canon):
        row = section_feature(doc_id, s["key"], s["text"] or "", hashed=False)
        if len(c) >= MIN_CHARS:
            host, start, stop = _host(hosts, c)
            match = default_statute_index().match(sorted_unique(host.positions[start:stop]))
            row.update(statute_containment=round(match.containment, 4), statute_article=match.article,
                       statute_article_containment=round(match.article_containment, 4))
            passages.append((row, host, start, stop))
        out.append(row)
    _sign(_signers()[0], passages)
    passages = []
    for st, c in zip(statements, canon):
        row = statement_feature(doc_id, st["index"], st["role"], st["themes"], st["text"] or "", hashed=False)
        if len(c) >= MIN_CHARS // 2:
            passages.append((row, *_host(hosts, c, keep=False)))
        out.append(row)
    _sign(_signers()[1], passages)
    return out


# Permuted values are kept per position (8 bytes × permutations each): 20,000 positions are 20 MB, more
# than all the narrative text of any real report; a longer text (a hostile 5 MB line) is signed slice by
# slice instead, and hosts are permuted together only up to that many positions.
_MAX_PERMUTED = 20_000


def _sign(signer: Signer, passages: list[tuple[dict[str, Any], _Host, int, int]]) -> None:
    """Set the ``signature`` of each (row, host, start, stop): the signature of the host's shingles at
    positions start..stop−1. The hosts' position hashes are permuted together in one array operation
    (per batch of at most ``_MAX_PERMUTED`` positions), each host once however many passages it holds."""
    batch: list[tuple[dict[str, Any], int, int]] = []  # (row, start, stop) in the batch's positions
    parts: list[np.ndarray] = []
    offset_of: dict[int, int] = {}  # id(host) → offset of its positions in the batch
    size = 0
    for row, host, start, stop in passages:
        n = len(host.positions)
        if n > _MAX_PERMUTED:  # a huge text: permute the slice's distinct shingles only
            row["signature"] = signer.signature(sorted_unique(host.positions[start:stop])).tobytes()
            continue
        at = offset_of.get(id(host))
        if at is None:
            if size + n > _MAX_PERMUTED:
                _sign_batch(signer, batch, parts)
                batch, parts, offset_of, size = [], [], {}, 0
            at = offset_of[id(host)] = size
            parts.append(host.positions)
            size += n
        batch.append((row, at + start, at + stop))
    _sign_batch(signer, batch, parts)


def _sign_batch(signer: Signer, batch: list[tuple[dict[str, Any], int, int]], parts: list[np.ndarray]) -> None:
    if not batch:
        return
    hashes = np.concatenate(parts) if len(parts) > 1 else parts[0]
    signatures = signer.signatures(hashes, [i for _, start, stop in batch for i in (start, stop)])
    for (row, _, _), signature in zip(batch, signatures):
        row["signature"] = signature.tobytes()


class _Host:
    """A canonical text hashed once: its position hashes, whose slices are the hashes of the passages
    inside it."""

    def __init__(self, c: str, k: int = SHINGLE_SIZE):
        self.text = c  # at least k characters: no padding case
        self.positions = position_hashes(c, k)


def _host(hosts: list[_Host], c: str, k: int = SHINGLE_SIZE, keep: bool = True) -> tuple[_Host, int, int]:
    """(host, start, stop): a hashed text containing ``c`` (≥ k characters) and the positions of
    ``c``'s shingles in it; a new host for ``c`` when none does (remembered with ``keep``)."""
    for host in hosts:
        at = host.text.find(c)
        if at >= 0:
            return host, at, at + len(c) - k + 1
    host = _Host(c, k)
    if keep:
        hosts.append(host)
    return host, 0, len(host.positions)
