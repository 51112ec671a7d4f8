"""Load the tables of a run directory and attach the grouping column."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

GROUPINGS = ("year", "level", "region", "agency")


def read_table(outdir: str | Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    path = Path(outdir) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: missing (run `govnlp run ... -o {outdir}` first)")
    return pd.read_parquet(path, columns=columns, dtype_backend="numpy_nullable")


def documents(outdir: str | Path, by: str) -> pd.DataFrame:
    """One row per distinct successfully processed report, with a string ``group`` column."""
    if by not in GROUPINGS:
        raise ValueError(f"--by must be one of {', '.join(GROUPINGS)}, not {by!r}")
    docs = read_table(outdir, "documents")
    docs = docs[docs["ok"].fillna(False) & docs["duplicate_of"].isna()].drop_duplicates("doc_id")
    group = docs[by].astype("string").fillna("unknown")
    return docs.assign(group=group.str.strip().replace("", "unknown"))
