"""Saving and loading theme models as plain JSON + NumPy (no pickle), plus the model card."""
from __future__ import annotations

import json
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from nlp.errors import GovnlpError
from nlp.resources import MODEL_ARRAYS, MODEL_JSON, model_content_hash, model_dir
from nlp.themes.classifier import ThemeClassifier

DEFAULT_MODEL_DIR = model_dir("themes-default")
FORMAT = "govnlp-themes/1"


class ModelError(GovnlpError):
    """A theme model directory that cannot be used; the message names the file and the problem."""


content_hash = model_content_hash  # the content hash of a model directory


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
    """(classifier, model.json document). Arrays load with ``allow_pickle=False``.

    A damaged model (truncated arrays, a missing key, not a JSON object, non-finite weights) is a
    :class:`ModelError` naming the file and the problem, never a traceback or NaN scores."""
    model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
    path = model_dir / MODEL_JSON
    if not path.is_file():
        raise FileNotFoundError(f"{model_dir}: no theme model here (expected {MODEL_JSON} and {MODEL_ARRAYS}); "
                                "train one with `govnlp train --data FILE... -o DIR`")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ModelError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise ModelError(f"{path}: expected a JSON object, found {type(doc).__name__}")
    if doc.get("format") != FORMAT:
        raise ModelError(f"{path}: unknown model format {doc.get('format')!r} (expected {FORMAT})")
    arrays_path = model_dir / MODEL_ARRAYS
    try:
        with np.load(arrays_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{arrays_path}: cannot read the model arrays ({type(exc).__name__}: {exc})") from None
    for key, array in arrays.items():
        if array.dtype.kind in "fc" and not np.isfinite(array).all():
            raise ModelError(f"{arrays_path}: array {key!r} holds NaN or infinite values; refusing the model")
    try:
        return ThemeClassifier.from_state(doc["classifier"], arrays), doc
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"{path}: the model is incomplete or inconsistent with {MODEL_ARRAYS} "
                         f"({type(exc).__name__}: {exc})") from None


@lru_cache(maxsize=4)
def cached_model(model_dir: str | None = None) -> tuple[ThemeClassifier, dict[str, Any]]:
    return load_model(model_dir)
