"""Data files: taxonomy, lexicons, dictionaries, table templates, shipped models. Code reads them through here."""
from __future__ import annotations

import importlib.resources
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    path = RESOURCES / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource file {path}")
    return path


def models_root() -> Path:
    """The directory of the shipped models: the package ``nlp.models`` (top-level ``models/`` mapped
    into the package by ``pyproject.toml``, in wheels and editable installs alike).

    A source tree put on ``PYTHONPATH`` without being installed has no ``nlp.models`` package; its
    ``models/`` then sits beside ``nlp/`` and is used from there (the only case where it is looked
    up by position, and only when the package is not installed).
    """
    try:
        return Path(str(importlib.resources.files("nlp.models")))
    except ModuleNotFoundError:
        return RESOURCES.parents[1] / "models"


def model_dir(name: str) -> Path:
    """The directory of the shipped model ``name`` (e.g. ``themes-default``)."""
    return models_root() / name
