"""What one unit's page shows, read from a run directory (and the score sheets, computed when absent)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from nlp.compare.data import read_table
from nlp.resources import resource_path
from nlp.rules.engine import load_rules

TABLES = ("table2", "table3", "table4")


def _optional(rundir: Path, name: str) -> pd.DataFrame:
    return read_table(rundir, name) if (rundir / f"{name}.parquet").exists() else pd.DataFrame(columns=["doc_id"])


def _clean(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return value
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


@lru_cache(maxsize=1)
def row_labels() -> dict[str, dict[str, str]]:
    """table → row key → Chinese label, from the table templates."""
    out: dict[str, dict[str, str]] = {}
    for table in TABLES:
        with open(resource_path(f"tables/{table}.yaml"), encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        labels: dict[str, str] = dict(data.get("block_labels") or {})

        def walk(node: Any, labels: dict[str, str] = labels) -> None:
            if isinstance(node, dict):
                if "key" in node and "label" in node:
                    labels.setdefault(str(node["key"]), str(node["label"]))
                for v in node.values():
                    walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)
        walk(data)
        out[table] = labels
    return out


@lru_cache(maxsize=1)
def rule_descriptions() -> dict[str, str]:
    """rules.yaml id (the part before any {placeholder}) → its Chinese description."""
    return {spec["id"].split("{")[0].rstrip("."): spec["description"]["zh"] for spec in load_rules()}


def rule_description(rule_id: str) -> str:
    best = ""
    for prefix in rule_descriptions():
        if rule_id.startswith(prefix) and len(prefix) > len(best):
            best = prefix
    return rule_descriptions().get(best, "")


class RunData:
    """The tables of one run directory, split by document."""

    def __init__(self, rundir: str | Path, sheets: dict[str, dict[str, Any]]):
        self.rundir = Path(rundir)
        docs = read_table(self.rundir, "documents")
        self.documents = docs[docs["ok"].fillna(False) & docs["duplicate_of"].isna()].drop_duplicates("doc_id")
        self.sheets = sheets
        self._tables = {name: _optional(self.rundir, name) for name in
                        ("sections", "table_cells", "checks", "facts", "statements", "similarity")}
        self._by_doc = {name: dict(tuple(df.groupby("doc_id", sort=False))) if len(df) else {}
                        for name, df in self._tables.items()}

    def part(self, name: str, doc_id: str) -> pd.DataFrame:
        return self._by_doc[name].get(doc_id, self._tables[name].iloc[0:0])

    def document(self, doc_id: str) -> dict[str, Any]:
        row = self.documents[self.documents["doc_id"] == doc_id]
        if not len(row):
            raise KeyError(f"no processed document {doc_id!r} in {self.rundir}")
        doc = records(row)[0]
        doc["missing_sections"] = json.loads(doc.get("missing_sections") or "[]")
        return doc

    def doc_ids(self) -> list[str]:
        return list(self.documents["doc_id"])
