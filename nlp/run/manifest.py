"""manifest.json: what produced a run (tool, components, library and model versions), counts, errors, timings."""
from __future__ import annotations

import hashlib
import platform
import resource
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from nlp import __version__
from nlp.outputs import atomic_write_text, dumps_json
from nlp.resources import RESOURCES, model_content_hash, model_dir

_LIBRARIES = ("rjieba", "jieba", "spacy", "scikit-learn", "numpy", "pandas", "pyarrow", "pdfplumber",
              "cn2an")
_MODEL_SUFFIXES = (".skops", ".npz", ".npy", ".joblib", ".onnx", ".bin")


def _library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def model_versions(components: list[str] | None = None) -> dict[str, str]:
    """sha256 (first 16 hex) of every model file and of pipeline.yaml shipped in nlp/resources, and the
    content hash of the default theme model when the themes component ran."""
    files = sorted(p for p in RESOURCES.rglob("*") if p.is_file() and (p.suffix in _MODEL_SUFFIXES
                                                                       or p.name == "pipeline.yaml"))
    out = {str(p.relative_to(RESOURCES)): _sha256(p)[:16] for p in files}
    if components and "themes" in components:
        try:
            default = model_dir("themes-default")  # nlp.themes.store.DEFAULT_MODEL_DIR, without scikit-learn
            out[f"themes model ({default.name})"] = model_content_hash(default)[:16]
        except (ImportError, OSError, ValueError) as exc:  # recorded, never fatal for a finished run
            out["themes model"] = f"unavailable: {exc}"
    return out


def _own_peak_rss_mb() -> float:
    """This process's peak RSS. Linux keeps ru_maxrss across exec, so a `govnlp run` started from a large
    process (a notebook, a benchmark script) would report that process's size; VmHWM is this program's own."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def write_manifest(outdir: Path, summary: Any, components: list[str], signature: str,
                   process_seconds: float, n_bytes: int) -> Path:
    manifest = {
        "tool": "govnlp",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "components": components,
        "pipeline_signature": signature,
        "libraries": _library_versions(),
        "models": model_versions(components),
        "counts": {
            "inputs": summary.n_inputs,
            "ok": summary.n_ok,
            "errors": summary.n_errors,
            "processed_this_run": summary.n_processed,
            "skipped_already_done": summary.n_skipped,
            **{f"rows.{k}": v for k, v in summary.counts.items()},
        },
        "errors": summary.errors,
        "skipped_inputs": summary.skipped_inputs,
        "timings_seconds": {
            "total": round(summary.seconds, 3),
            "processing": round(process_seconds, 3),
            "bytes_processed": n_bytes,
            "by_step_cpu_sum": summary.timings,
        },
        "files": summary.files,
        # "workers" is the largest worker process (ru_maxrss, KiB on Linux)
        "peak_rss_mb": {
            "parent": _own_peak_rss_mb(),
            "workers": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        },
    }
    path = Path(outdir) / "manifest.json"
    atomic_write_text(path, dumps_json(manifest, indent=2))
    return path
