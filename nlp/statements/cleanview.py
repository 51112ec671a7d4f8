"""A whitespace-collapsed view of a span of ``Report.text`` that remembers original offsets.

Reports wrap lines in the middle of sentences (PDF, PDF-to-markdown) and insert page footers
("- 4 -", "— 6 —"). Markers such as 一是 or 改进措施 may be split by a line break, so the splitter
works on this view and maps every span back to ``Report.text`` offsets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Page footers and markdown decoration that are not part of the prose.
_FOOTER = re.compile(r"^[ \t\u3000]*(?:[-—–]+[ \t\u3000]*\d{1,3}[ \t\u3000]*[-—–]+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?)[ \t\u3000]*$")
_MD_HEADING = re.compile(r"^[ \t\u3000]*#{1,6}[ \t]+")
_SENTENCE_END = "。：:；;！？!?"
_WS = " \t\r\n\u3000\u00a0"


@dataclass
class CleanView:
    """``text[i]`` came from ``Report.text[offsets[i]]``. Kept newlines mark paragraph breaks."""

    text: str
    offsets: list[int]

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the view back to ``Report.text``."""
        if end <= start:
            pos = self.offsets[start] if start < len(self.offsets) else (self.offsets[-1] + 1 if self.offsets else 0)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _is_ascii_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def clean_view(text: str, start: int = 0, end: int | None = None) -> CleanView:
    """Collapse whitespace in ``text[start:end]``.

    A line break survives (as a single "\\n") only after sentence-final punctuation, where it
    marks a paragraph; other whitespace is dropped, except a single space between two ASCII words.
    """
    end = len(text) if end is None else end
    chars: list[str] = []
    offs: list[int] = []
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        line_start = pos
        pos += len(line)
        if _FOOTER.match(body):
            continue
        skip = 0
        m = _MD_HEADING.match(body)
        if m:
            skip = m.end()
        for i in range(skip, len(body)):
            ch = body[i]
            if ch in _WS:
                continue
            if chars and offs[-1] < line_start + i - 1 and _is_ascii_word(chars[-1]) and _is_ascii_word(ch):
                # whitespace between two ASCII words: keep one space
                prev_gap = text[offs[-1] + 1:line_start + i]
                if prev_gap and all(c in " \t\u00a0" for c in prev_gap):
                    chars.append(" ")
                    offs.append(offs[-1] + 1)
            chars.append(ch)
            offs.append(line_start + i)
        if len(line) != len(body) and chars and chars[-1] in _SENTENCE_END:
            chars.append("\n")
            offs.append(line_start + len(body))
    return CleanView("".join(chars), offs)


def clean_text(text: str) -> str:
    """The whitespace-collapsed form of a statement's text (what ``Statement.text`` holds)."""
    return clean_view(text).text.strip("\n").replace("\n", "")
