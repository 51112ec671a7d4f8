"""Shipped models (JSON + NumPy, never pickle), installed as the package ``nlp.models``.

This directory is the repository's top-level ``models/``; ``pyproject.toml`` maps it into the
package (``package-dir``), so every model directory under it is installed with the wheel and
read through :func:`nlp.resources.model_dir`, never through a path to the repository root.
"""
