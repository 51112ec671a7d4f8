"""The publication date of one report, with where it was found (report layer; used by "metadata").

Sources, most reliable first (``resources/published.yaml``): the web page's ``<meta>`` publication date,
a 发布日期/公开日期 label on the page, a 成文日期 label, the 落款 date (a line holding only a date among
the last lines), a date line just under the title, and last the file's own metadata (PDF info dict,
DOCX core properties). Dates that belong to a period or a deadline ("统计期限自2024年1月1日至2024年
12月31日止", "截至12月31日") and a page's clock ("2025年12月30日 星期二") are never taken.
"""
from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from typing import Any

import yaml

from nlp.resources import resource_path
from nlp.text.numerals import DIGIT_VALUES, parse_chinese

# 〇 is sometimes typed as the circle ○ or the letter O in 落款 dates (二○二四年)
_CN = "".join(DIGIT_VALUES) + "十○OＯ"
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[二][{_CN}]{{3}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN}]{{1,2}})\s*月\s*"
    rf"(?P<d>\d{{1,2}}|[{_CN}]{{1,3}})\s*日"
    r"|(?P<y2>(?:19|20)\d{2})\s*[-/.]\s*(?P<m2>\d{1,2})\s*[-/.]\s*(?P<d2>\d{1,2})(?!\d)")


def _cn_number(s: str) -> int | None:
    """Arabic digits or a Chinese numeral (二〇二四, 十七, 二十三; nlp.text.numerals)."""
    if s.isdigit():
        return int(s)
    value = parse_chinese(re.sub("[○OＯ]", "〇", s))
    return int(value) if isinstance(value, (int, float)) and value == int(value) else None


def parse_date(m: re.Match) -> date | None:
    """A match of the date pattern as a date (None when it is not a real calendar date)."""
    y, mo, d = (m.group("y"), m.group("m"), m.group("d")) if m.group("y") else (m.group("y2"), m.group("m2"), m.group("d2"))
    parts = [_cn_number(x) for x in (y, mo, d)]
    if any(p is None for p in parts):
        return None
    try:
        return date(*parts)  # type: ignore[arg-type]
    except ValueError:
        return None


def find_date(text: str) -> date | None:
    m = _DATE.search(text)
    return parse_date(m) if m else None


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    with open(resource_path("published.yaml"), encoding="utf-8") as fh:
        cfg = yaml.safe_load(fh)
    cfg["_labels"] = [(re.compile(rf"{pat}\s*[:：]?\s*"), src) for pat, src in cfg["page_labels"]]
    cfg["_before"] = re.compile("(?:" + "|".join(map(re.escape, cfg["not_before"])) + r")\s*$")
    cfg["_after"] = re.compile(r"\s*(?:" + "|".join(map(re.escape, cfg["not_after"])) + ")")
    return cfg


def _free_standing(text: str, m: re.Match, cfg: dict[str, Any]) -> bool:
    """The date is not part of a period, a deadline or a page clock."""
    before = text[max(0, m.start() - 8):m.start()]
    after = text[m.end():m.end() + 6]
    return not cfg["_before"].search(before) and not cfg["_after"].match(after)


def _line_date(text: str, start: int, line: str, cfg: dict[str, Any]) -> date | None:
    """The date when the line (at ``start`` in ``text``) holds only a date, optionally in brackets, and
    the lines around it do not make it part of a period ("…至" / "止。")."""
    m = _DATE.fullmatch(line.strip().strip("()（）[]【】 \t\u3000"))
    if not m:
        return None
    before = text[max(0, start - 8):start].rstrip()
    after = text[start + len(line):start + len(line) + 6].lstrip()
    if cfg["_before"].search(before) or cfg["_after"].match(after):
        return None
    return parse_date(m)


def publication_date(text: str, extras: dict[str, Any] | None = None) -> tuple[str | None, str | None, str | None]:
    """``(iso date, source, evidence)`` of the report's publication, or ``(None, None, None)``.

    ``extras`` are the reader's extras (``html_meta``, ``file_dates``). ``evidence`` is the text the date
    was read from (the label and the date, the 落款 line, or the metadata field and its value)."""
    cfg = _config()
    extras = extras or {}
    meta = extras.get("html_meta") or {}
    for name in cfg["html_meta"]:
        if name in meta:
            d = find_date(meta[name])
            if d:
                return d.isoformat(), f"html_meta:{name}", f'<meta name="{name}" content="{meta[name]}">'
    for label, source in cfg["_labels"]:
        for lm in label.finditer(text):
            m = _DATE.match(text, lm.end())
            if m and (d := parse_date(m)):
                return d.isoformat(), source, text[lm.start():m.end()]
    # the 落款 comes after the body: never among the title block's lines (a short text's tail reaches them)
    title_block_end = sum(len(ln) for ln in text.splitlines(keepends=True)[:3])
    tail_start = max(title_block_end, len(text) - cfg["signature_tail_chars"])
    found = None
    pos = tail_start
    for line in text[tail_start:].splitlines(keepends=True):
        if d := _line_date(text, pos, line, cfg):
            found = (d.isoformat(), "signature", line.strip())  # the last date line is the 落款
        pos += len(line)
    if found:
        return found
    pos = 0
    for line in text[:cfg["title_head_chars"]].splitlines(keepends=True)[:8]:
        if d := _line_date(text, pos, line, cfg):
            return d.isoformat(), "title_date", line.strip()
        pos += len(line)
    files = extras.get("file_dates") or {}
    for key in cfg["file_dates"]:
        if files.get(key):
            return files[key], f"file:{key}", f"{key}={files[key]}"
    return None, None, None


def dates_in_text(text: str) -> list[tuple[int, int, str]]:
    """Every free-standing date of the text as ``(start, end, iso)`` (for reports and tests)."""
    cfg = _config()
    out = []
    for m in _DATE.finditer(text):
        d = parse_date(m)
        if d and _free_standing(text, m, cfg):
            out.append((m.start(), m.end(), d.isoformat()))
    return out
