"""Data files: taxonomy, lexicons, dictionaries, table templates. Code reads them through here."""
from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    path = RESOURCES / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource file {path}")
    return path
