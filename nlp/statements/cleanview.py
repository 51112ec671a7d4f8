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
_RUN = re.compile(r"[^ \t\r\n\u3000\u00a0]+")  # characters kept (not in _WS)


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
    pieces: list[str] = []
    offs: list[int] = []
    last = ""  # the last character kept
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        body = line.rstrip("\r\n")
        line_start = pos
        pos += len(line)
        if _FOOTER.match(body):
            continue
        m = _MD_HEADING.match(body)
        # runs of kept characters are copied whole (a Python step per character was most of the
        # time); only where a run starts can a space between two ASCII words be due
        for run in _RUN.finditer(body, m.end() if m else 0):
            i, j = run.span()
            if offs and offs[-1] < line_start + i - 1 and _is_ascii_word(last) and _is_ascii_word(body[i]):
                # whitespace between two ASCII words: keep one space
                prev_gap = text[offs[-1] + 1:line_start + i]
                if prev_gap and all(c in " \t\u00a0" for c in prev_gap):
                    pieces.append(" ")
                    offs.append(offs[-1] + 1)
            pieces.append(run.group())
            offs.extend(range(line_start + i, line_start + j))
            last = body[j - 1]
        if len(line) != len(body) and offs and last in _SENTENCE_END:
            pieces.append("\n")
            offs.append(line_start + len(body))
            last = "\n"
    return CleanView("".join(pieces), offs)


def clean_text(text: str) -> str:
    """The whitespace-collapsed form of a statement's text (what ``Statement.text`` holds)."""
    return clean_view(text).text.strip("\n").replace("\n", "")
