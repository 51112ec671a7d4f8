"""A CJK font for the charts: Noto Sans CJK SC as shipped in the ``mplfonts`` wheel.

It is registered with matplotlib from the installed package files at run time: no system font and no
download. :func:`cjk_rc` gives the rcParams every chart is drawn with.
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

FONT_PACKAGE = "mplfonts"
FONT_FILE = "fonts/NotoSansCJKsc-Regular.otf"


def font_file() -> Path:
    """The shipped CJK font file (also embedded, subset, in the HTML pages of ``govnlp report``)."""
    path = Path(str(files(FONT_PACKAGE).joinpath(FONT_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the CJK font is missing (pip install mplfonts)")
    return path


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, Path]:
    """(family name, file) of the shipped CJK font, registered with matplotlib's font manager."""
    from matplotlib import font_manager

    path = font_file()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    return family, path


def cjk_rc() -> dict[str, Any]:
    family, _ = cjk_font()
    # the CJK font also covers Latin letters and digits; ASCII hyphen for minus signs
    return {"font.family": [family], "axes.unicode_minus": False}
