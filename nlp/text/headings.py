"""Heading numbers: how a report numbers its sections (一、 / 第一部分 / 1.) and sub-items ((一)).

Built from the enumerator pieces of :mod:`nlp.text.enumerators`. The variants differ in the text
they run on (normalised, where （ is already ( and ．is ., or raw) and in what they must capture.
"""
from __future__ import annotations

import re

from nlp.text.enumerators import (
    CLOSE,
    CLOSE_OR_SEP,
    OPEN,
    ORD,
    ORDINAL_DIGITS,
    PART_WORDS,
    SEP,
    ordinal_class,
)

# The number opening a top-level heading line of normalised text, with its separator:
# "五、", "第五部分，", "5、", "5." (not "5.3"), "五：".
TOP_NUMBER = re.compile(rf"^(?:第)?(?P<num>{ORD}{{1,3}}|\d{{1,2}})(?:部分)?\s*(?:[、，,]|\.(?!\d)|：|:)\s*")

# Pre-2019 reports also number "第一部分 概述" (no separator once the space next to CJK is gone) and
# glue the numeral to the title ("一概述"); the glued form is only ever accepted before a known title.
PART_NUMBER = re.compile(rf"^第(?P<num>{ORD}{{1,3}}|\d{{1,2}})部分\s*(?:[、，,：:.]\s*)?")
BARE_TOP_NUMBER = re.compile(rf"^(?P<num>{ORD}{{1,2}})(?=[\u4e00-\u9fff])")

# The number of a sub-item line of normalised text: "(一)".
SUB_NUMBER = re.compile(rf"^[(](?P<num>{ORD}{{1,2}})[)]\s*")

# Numbers of headings standing inside running text (scraped pages without line breaks).
INLINE_TOP_NUMBER = re.compile(rf"(?P<num>{ORD}{{1,2}})、")
INLINE_SUB_NUMBER = re.compile(rf"[(](?P<num>{ordinal_class(1, 5)})[)]")  # 一 has five sub-items

# A whole top-level heading line of raw text: number, separator and a short title (group 2). For the
# fact extractor's fallback when nothing was segmented: tolerant (第, ，as separator, a title that
# PDF text puts on the next line: \s* crosses it) but short (≤ 41 characters), so prose never counts.
TOP_HEADING_LINE = re.compile(
    rf"^[ \t#*]*(?:第)?({ORD}{{1,2}}|\d{{1,2}})\s*[、.．,，]\s*(\S[^\n]{{0,40}})$", re.MULTILINE)

# A top-level heading line of raw text with named number and title: "五、存在的主要问题…", "## 5、…".
# For finding section 五 in unsegmented text: long titles (≤ 60) but on the heading's own line.
SECTION_HEADING_LINE = re.compile(
    rf"^[ \t\u3000#]*(?P<num>{ORD}{{1,2}}|\d{{1,2}})[ \t]*{SEP}[ \t]*(?P<title>[^\n]{{0,60}})$", re.MULTILINE)

# A numbered paragraph of a Word file: 一、 / （一） / (一) / 1. / 1、 / 第一部分 (a heading, even
# when it ends like a sentence).
NUMBERED_PARAGRAPH = re.compile(
    rf"^\s*(?:{ORD}+、|{OPEN}{ORD}+{CLOSE}|\d{{1,2}}{SEP}|第{ORD}+[{PART_WORDS}])")

# A table cell that starts with a row mark of its own: "（五）", "1.", "三、".
CELL_ROW_MARK = re.compile(rf"^{OPEN}?[{ORDINAL_DIGITS}\d]+{CLOSE_OR_SEP}")
