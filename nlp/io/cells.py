"""Joining text fragments the way Chinese typesetting expects (shared by the PDF and DOCX readers).

Inside a table cell, line breaks are layout, not content: "商业\\n企业" is 商业企业 and a vertical
label "三、\\n本\\n年\\n度…" is 三、本年度…. Chinese text has no spaces between characters, so a
space between two CJK characters is a justification artefact and is dropped.
"""
from __future__ import annotations

import re

# CJK ideographs, CJK symbols/punctuation, full-width forms.
_CJK_CLASS = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_SPACE_BETWEEN_CJK = re.compile(f"(?<=[{_CJK_CLASS}])[ \u00a0]+(?=[{_CJK_CLASS}])")
_WS = re.compile(r"[ \t\u00a0\u3000]+")


def is_cjk(ch: str) -> bool:
    return bool(ch) and bool(_CJK_RE.match(ch))


def squeeze_cjk_spaces(text: str) -> str:
    """Drop spaces between two CJK characters (justification artefacts); keep others."""
    return _SPACE_BETWEEN_CJK.sub("", text)


def join_fragments(fragments: list[str]) -> str:
    """Join the lines (or paragraphs) of one table cell into one line of text.

    No separator at a CJK boundary, one space between two Latin/digit fragments (so "12\\n34"
    does not become 1234 silently).
    """
    out = ""
    for frag in fragments:
        frag = _WS.sub(" ", frag.replace("\t", " ")).strip()
        if not frag:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(frag[0])):
            out += " "
        out += frag
    return squeeze_cjk_spaces(out)
