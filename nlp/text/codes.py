"""Report text as an array of code points, for the look-ups done in NumPy (break characters, n-gram keys,
canonical forms, shingle hashes).

A lone surrogate (an undecodable byte a reader kept) is one position, as it is one character of the
``str``: positions in the array are offsets into the text.
"""
from __future__ import annotations

import numpy as np


def code_points(text: str) -> np.ndarray:
    """The code point of each character of ``text`` (uint32)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
