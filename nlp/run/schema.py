"""Column schemas of the run tables (documents, sections, table_cells, checks, facts, statements).

Fixed Arrow schemas let the consolidator stream parts into the final Parquet tables in batches (bounded
memory) and keep the column set stable whatever the components produced.
Nested values (lists, dicts) are stored as JSON strings so that CSV and Parquet agree.
"""
from __future__ import annotations

import pyarrow as pa

from nlp.model import LEGACY_SECTION_KEYS, OVERALL_SUBKEYS, SECTION_KEYS

# section key -> documents column holding its length in characters (0 when absent)
SECTION_LENGTH_COLUMNS = {k: f"len_{k.replace('.', '_')}" for k in SECTION_KEYS + LEGACY_SECTION_KEYS + OVERALL_SUBKEYS}

_S, _I, _F, _B = pa.string(), pa.int64(), pa.float64(), pa.bool_()

SCHEMAS: dict[str, pa.Schema] = {
    "documents": pa.schema(
        [("doc_id", _S), ("path", _S), ("ok", _B), ("error", _S), ("duplicate_of", _S), ("sha256", _S),
         ("file_format", _S), ("encoding", _S), ("n_chars", _I), ("agency", _S), ("year", _I), ("level", _S),
         ("region", _S), ("format_version", _S), ("title", _S), ("published", _S), ("published_source", _S),
         ("n_sections", _I), ("missing_sections", _S)]
        + [(c, _I) for c in SECTION_LENGTH_COLUMNS.values()]
        + [("n_table_cells", _I), ("n_checks", _I), ("n_checks_failed", _I), ("n_facts", _I),
           ("n_statements", _I), ("seconds", _F), ("pipeline", _S)]
    ),
    "sections": pa.schema(
        [("doc_id", _S), ("key", _S), ("parent", _S), ("number", _S), ("title", _S), ("start", _I), ("end", _I),
         ("n_chars", _I), ("text", _S)]
    ),
    "table_cells": pa.schema(
        [("doc_id", _S), ("table", _S), ("format", _S), ("row", _S), ("column", _S), ("value", _F), ("raw", _S),
         ("start", _I), ("end", _I), ("ambiguous", _B), ("candidates", _S), ("decided_by", _S)]
    ),
    "indicators": pa.schema(
        [("doc_id", _S), ("indicator", _S), ("zh", _S), ("en", _S), ("kind", _S), ("value", _F), ("reason", _S),
         ("formula", _S), ("prev_doc_id", _S)]
    ),
    # pre-2019 statistics annex, long form: one row per indicator printed (resources/tables/legacy_stats.yaml);
    # metric / counterpart / comparable say how the quantity continues in 2019/2021 reports
    "legacy_stats": pa.schema(
        [("doc_id", _S), ("schema", _S), ("key", _S), ("name", _S), ("unit", _S), ("value", _F), ("raw", _S),
         ("start", _I), ("end", _I), ("ambiguous", _B), ("label", _S), ("metric", _S), ("counterpart", _S),
         ("comparable", _S)]
    ),
    # cell_refs: every cell a check names, ";"-joined (table cells join table_cells / legacy_stats);
    # cells: JSON records of the evidence that is not a cell of this report (nlp/rules/evidence.py)
    "checks": pa.schema(
        [("doc_id", _S), ("source", _S), ("rule", _S), ("status", _S), ("severity", _S), ("message", _S),
         ("expected", _S), ("actual", _S), ("cell_refs", _S), ("cells", _S)]
    ),
    "facts": pa.schema(
        [("doc_id", _S), ("metric", _S), ("value", _F), ("value_min", _F), ("value_max", _F), ("qualifier", _S),
         ("unit", _S), ("category", _S), ("scope", _S), ("parent", _S), ("section", _S), ("start", _I), ("end", _I),
         ("text", _S), ("record", _S)]
    ),
    "statements": pa.schema(
        [("doc_id", _S), ("index", _I), ("role", _S), ("role_confidence", _F), ("status", _S), ("themes", _S),
         ("scores", _S), ("pair", _S), ("start", _I), ("end", _I), ("text", _S)]
    ),
}

TABLE_NAMES: tuple[str, ...] = tuple(SCHEMAS)
