"""Saving and loading theme models as plain JSON + NumPy (no pickle), plus the model card."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from nlp.resources import model_dir
from nlp.themes.classifier import ThemeClassifier

DEFAULT_MODEL_DIR = model_dir("themes-default")
MODEL_JSON = "model.json"
MODEL_ARRAYS = "arrays.npz"
FORMAT = "govnlp-themes/1"


def content_hash(model_dir: str | Path) -> str:
    """sha256 over model.json and the arrays' raw bytes (stable, independent of zip metadata)."""
    model_dir = Path(model_dir)
    h = hashlib.sha256((model_dir / MODEL_JSON).read_bytes())
    with np.load(model_dir / MODEL_ARRAYS, allow_pickle=False) as arrays:
        for key in sorted(arrays.files):
            a = arrays[key]
            h.update(key.encode())
            h.update(str(a.dtype).encode())
            h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def save_model(clf: ThemeClassifier, model_dir: str | Path, taxonomy: dict[str, Any],
               extra: dict[str, Any] | None = None) -> str:
    """Write model.json + arrays.npz; returns the content hash."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    meta, arrays = clf.state()
    doc = {"format": FORMAT, "taxonomy": taxonomy, "classifier": meta}
    if extra:
        doc.update(extra)
    (model_dir / MODEL_JSON).write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n",
                                        encoding="utf-8")
    # np.savez (uncompressed) writes fixed zip timestamps, so identical arrays give identical bytes
    np.savez(model_dir / MODEL_ARRAYS, **arrays)
    return content_hash(model_dir)


def load_model(model_dir: str | Path | None = None) -> tuple[ThemeClassifier, dict[str, Any]]:
    """(classifier, model.json document). Arrays load with ``allow_pickle=False``."""
    model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    path = model_dir / MODEL_JSON
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: no theme model here (expected {MODEL_JSON} and {MODEL_ARRAYS}); "
                                "train one with `govnlp train --data FILE... -o DIR`")
    doc = json.loads(path.read_text(encoding="utf-8"))
    if doc.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown model format {doc.get('format')!r} (expected {FORMAT})")
    with np.load(model_dir / MODEL_ARRAYS, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return ThemeClassifier.from_state(doc["classifier"], arrays), doc


@lru_cache(maxsize=4)
def cached_model(model_dir: str | None = None) -> tuple[ThemeClassifier, dict[str, Any]]:
    return load_model(model_dir)
