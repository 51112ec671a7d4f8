"""Find the body of section 五 when the segmenter gives no ``problems`` section.

Old-format and misnumbered reports (e.g. PDF-to-markdown copies where the 五 heading is lost or
numbered 三/四) still carry the content under "（一）主要问题 / （二）改进情况" sub-headings.
"""
from __future__ import annotations

import re

from nlp.text.enumerators import CLOSE, OPEN, ORDINAL_DIGITS, SEP, ordinal_class, ordinal_value
from nlp.text.headings import SECTION_HEADING_LINE

_PROBLEM_TITLE = re.compile(r"(?:困难和问题|困难与问题|问题和困难|存在的?主要问题|存在问题|存在的问题|存在的不足|问题[和及与]|主要问题|不足[和及与])")
_SUBHEAD = re.compile(  # "（一）存在的主要问题" or "(1)…": only the sub-heading survives
    rf"^[ \t\u3000#]*{OPEN}[{ORDINAL_DIGITS[0]}1]{CLOSE}[ \t]*(?:(?:19|20)\d\d[ \t]*年[度]?(?:工作中)?)?"
    r"[^\n]{0,6}(?:存在的?主要问题|存在问题|主要问题|存在的问题|存在不足)", re.MULTILINE)
_OTHER_HEAD = re.compile(  # 六、其他需要报告的事项 (numbered 六 or later, or not at all)
    rf"^[ \t\u3000#]*(?:{ordinal_class(6, 10)}|\d{{1,2}})?[ \t]*{SEP}?[ \t]*其他需要(?:报告|汇报)的?事项", re.MULTILINE)


def _num(token: str) -> int:
    return ordinal_value(token) or 0


def extend_over_measures(text: str, end: int) -> int:
    """Legacy reports number the measures as a section of their own ("五、存在问题" then "六、改进措施"):
    the section 五 body then runs on to the heading after the measures heading."""
    from nlp.statements.split import heading_marker

    measure_title = re.compile(heading_marker("measure"))
    # a match is one whole line (^…$, no newline inside): scanning from ``end`` finds the same lines
    heads = list(SECTION_HEADING_LINE.finditer(text, end))
    if not heads or text[end:heads[0].start()].strip():
        return end
    first = heads[0]
    title = first.group("title")
    if not measure_title.match(re.sub(r"^[ \t\u3000]*(?:存在的?问题)?(?:的|及|和)?", "", title)) \
            or _OTHER_HEAD.match(text, first.start()):
        return end
    nxt = heads[1].start() if len(heads) > 1 else len(text)
    other = _OTHER_HEAD.search(text, first.end())
    return min(nxt, other.start()) if other else nxt


def find_problems_span(text: str) -> tuple[int, int, str] | None:
    """(body_start, body_end, how) of the problems section, or None.

    ``how`` is "heading" (a numbered 存在的主要问题… heading) or "subheading" (only the
    （一）主要问题 sub-heading survives).
    """
    heads = list(SECTION_HEADING_LINE.finditer(text))
    for i, m in enumerate(heads):
        title = m.group("title")
        if not _PROBLEM_TITLE.search(title) or re.search(r"[|]", title):
            continue
        n = _num(m.group("num"))
        digit = m.group("num").isdigit()
        end = len(text)
        for later in heads[i + 1:]:
            if later.group("num").isdigit() == digit and _num(later.group("num")) == n + 1:
                end = later.start()
                break
        else:
            other = _OTHER_HEAD.search(text, m.end())
            if other:
                end = other.start()
        return m.end(), end, "heading"
    sub = _SUBHEAD.search(text)
    if sub:
        other = _OTHER_HEAD.search(text, sub.end())
        nxt = [h for h in heads if h.start() > sub.end() and not _PROBLEM_TITLE.search(h.group("title"))]
        end = min([other.start()] if other else [len(text)]
                  + [h.start() for h in nxt])
        return sub.start(), end, "subheading"
    return None
