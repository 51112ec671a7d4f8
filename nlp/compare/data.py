"""Load the tables of a run directory and attach the grouping column."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from nlp.rules.evidence import cell_lookup, join_cells

GROUPINGS = ("year", "level", "region", "agency")


def read_table(outdir: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    path = Path(outdir) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing (run `govnlp run ... -o {outdir}` first)")
    df = pd.read_parquet(path, columns=columns, dtype_backend="numpy_nullable")
    if name == "checks" and "cell_refs" in df.columns and (columns is None or "cells" in columns):
        df["cells"] = check_cells(outdir, df)
    return df


def check_cells(outdir: str | Path, checks: pd.DataFrame) -> list[str | None]:
    """The ``cells`` of each check with the table cells it references filled in from ``table_cells`` and
    ``legacy_stats`` (the run stores references only: :mod:`nlp.rules.evidence`), as JSON."""
    outdir = Path(outdir)
    needed = set(checks.loc[checks["cell_refs"].notna(), "doc_id"])
    lookups: dict[str, dict[str, dict[str, Any]]] = {d: {} for d in needed}
    for name in ("table_cells", "legacy_stats"):
        path = outdir / f"{name}.parquet"
        if needed and path.exists():
            cols = ["doc_id", "table", "row", "column"] if name == "table_cells" else ["doc_id", "key"]
            df = pd.read_parquet(path, columns=[*cols, "value", "raw", "start", "end", "ambiguous"]
                                 + (["candidates"] if name == "table_cells" else []))
            df = df[df["doc_id"].isin(needed)].astype(object).where(lambda x: x.notna(), None)
            for doc_id, rows in df.groupby("doc_id", sort=False):
                records = rows.to_dict("records")
                lookups[doc_id].update(cell_lookup(records) if name == "table_cells" else cell_lookup((), records))
    out: list[str | None] = []
    for doc_id, refs, cells in zip(checks["doc_id"], checks["cell_refs"], checks["cells"]):
        refs = None if pd.isna(refs) else refs
        cells = None if pd.isna(cells) else cells
        if refs is None:
            out.append(cells)
        else:
            out.append(json.dumps(join_cells(refs, cells, lookups.get(doc_id, {})), ensure_ascii=False, sort_keys=True))
    return out


def documents(outdir: str | Path, by: str) -> pd.DataFrame:
    """One row per distinct successfully processed report, with a string ``group`` column."""
    if by not in GROUPINGS:
        raise ValueError(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    docs = read_table(outdir, "documents")
    docs = docs[docs["ok"].fillna(False) & docs["duplicate_of"].isna()].drop_duplicates("doc_id")
    group = docs[by].astype("string").fillna("unknown")
    return docs.assign(group=group.str.strip().replace("", "unknown"))
