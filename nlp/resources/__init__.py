"""Data files: taxonomy, lexicons, dictionaries, table templates, shipped models. Code reads them through here."""
from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    path = RESOURCES / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource file {path}")
    return path


def models_root() -> Path:
    """The directory of the shipped models: the package ``nlp.models`` (top-level ``models/`` mapped
    into the package by ``pyproject.toml``), as installed from a wheel.

    Code running from a source checkout (``pyproject.toml`` beside ``nlp/``: an editable install, or
    a tree put on ``PYTHONPATH``) uses that checkout's own ``models/``, so that a second checkout
    never reads the models of the one installed in the environment.
    """
    checkout = RESOURCES.parents[1]
    if (checkout / "pyproject.toml").is_file() and (checkout / "models").is_dir():
        return checkout / "models"
    return Path(str(importlib.resources.files("nlp.models")))


def model_dir(name: str) -> Path:
    """The directory of the shipped model ``name`` (e.g. ``themes-default``)."""
    return models_root() / name


MODEL_JSON = "model.json"  # a shipped model: its parameters and metadata ...
MODEL_ARRAYS = "arrays.npz"  # ... and its arrays (NumPy, no pickle)


def model_content_hash(directory: str | Path) -> str:
    """sha256 over model.json and the arrays' raw bytes (stable, independent of zip metadata). Here, not
    with the model classes, so that a run's parent can sign its results without importing scikit-learn."""
    import hashlib

    import numpy as np

    directory = Path(directory)
    h = hashlib.sha256((directory / MODEL_JSON).read_bytes())
    with np.load(directory / MODEL_ARRAYS, allow_pickle=False) as arrays:
        for key in sorted(arrays.files):
            a = arrays[key]
            h.update(key.encode())
            h.update(str(a.dtype).encode())
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


@lru_cache(maxsize=1)
def thresholds() -> dict[str, dict[str, Any]]:
    """The research thresholds of ``thresholds.yaml`` (similarity, follow-up, copying)."""
    import yaml

    with open(resource_path("thresholds.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)
