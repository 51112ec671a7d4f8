"""A deliberately small number finder for the text ↔ table rules, used ONLY when the real fact
extractor (``nlp.facts``, pipeline component "facts") has not run on the report.

It produces the same record shape (metric, value, qualifier, unit, section, start, end, parent,
text) for the handful of metrics the C rules need, from regular expressions over sections
一 and 六 (or the whole text outside the tables when there are no sections).
"""

from __future__ import annotations

import re
from typing import Any

from nlp.model import Report
from nlp.tables.labels import nfkc

_CLAUSE = r"[^，。；,;\n]"
PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    # (metric, pattern with the number in group "n", qualifier); negations carry no group.
    (
        "applications.received",
        re.compile(r"(?:未|没有)(?:收到|接到|受理)" + _CLAUSE + r"{0,30}?申请"),
        "negation",
    ),
    (
        "applications.received",
        re.compile(
            r"(?:收到|接到|受理)"
            + _CLAUSE
            + r"{0,20}?申请"
            + _CLAUSE
            + r"{0,4}?(?:共)?(?P<n>\d+)\s*(?P<q>余|多)?\s*(?P<u>件|条)"
        ),
        "exact",
    ),
    (
        "applications.processed",
        re.compile(r"(?:答复|办结|办理)" + _CLAUSE + r"{0,6}?(?P<n>\d+)\s*(?P<q>余|多)?\s*(?P<u>件)"),
        "exact",
    ),
    (
        "applications.carried_forward",
        re.compile(r"结转" + _CLAUSE + r"{0,8}?(?P<n>\d+)\s*(?P<u>件)"),
        "exact",
    ),
    (
        "review.total",
        re.compile(r"行政复议(?:、行政诉讼)?" + _CLAUSE + r"{0,4}?(?P<n>\d+)\s*(?P<u>件|起)"),
        "exact",
    ),
    ("litigation.total", re.compile(r"行政诉讼" + _CLAUSE + r"{0,4}?(?P<n>\d+)\s*(?P<u>件|起)"), "exact"),
    ("normative_docs.made", re.compile(r"制发(?:并公开)?(?:行政)?规范性文件(?P<n>\d+)\s*(?P<u>件)"), "exact"),
    ("info_fee.notices", re.compile(r"未(?:发出|发放|出具)" + _CLAUSE + r"{0,12}?收费通知"), "negation"),
    (
        "info_fee.notices",
        re.compile(
            r"(?:发出|发放|出具)"
            + _CLAUSE
            + r"{0,10}?收费通知"
            + _CLAUSE
            + r"{0,4}?(?P<n>\d+)\s*(?P<u>件|份)"
        ),
        "exact",
    ),
]
_COORDINATED = re.compile(r"行政复议、行政诉讼" + _CLAUSE + r"{0,4}?(?P<n>\d+)\s*(?P<u>件|起)")
_BREAKDOWN = re.compile(r"(?P<n>\d+)\s*(?P<u>件|条)[^。；\n]{0,6}?其中(?P<rest>[^。；\n]{0,120})")
_PART = re.compile(r"(?P<n>\d+)\s*(?P<u>件|条)")


def _spans(report: Report) -> list[tuple[str, int, int]]:
    keys = [s.key for s in report.sections]
    if keys:
        spans = []
        for sec in report.sections:
            if sec.key in ("overall", "other"):
                subs = sec.subsections or [sec]
                spans += [(s.key, s.start, s.end) for s in subs]
        return spans
    # No sections: the whole text minus the table spans.
    cut = sorted(tuple(t["span"]) for t in (report._cache.get("tables") or {}).values() if t)
    spans, pos = [], 0
    for s, e in cut:
        if s > pos:
            spans.append(("", pos, s))
        pos = max(pos, e)
    spans.append(("", pos, len(report.text)))
    return spans


def find_facts(report: Report) -> list[dict[str, Any]]:
    """Fact records for the C rules, in text order."""
    facts: list[dict[str, Any]] = []
    text = nfkc(report.text)  # one-to-one with report.text, so offsets need no mapping
    for section, s, e in _spans(report):
        chunk = text[s:e]
        found: list[dict[str, Any]] = []
        for metric, pat, qualifier in PATTERNS:
            for m in pat.finditer(chunk):
                found.append(_record(metric, m, qualifier, section, s))
        for m in _COORDINATED.finditer(chunk):  # "行政复议、行政诉讼0件": the value covers both
            found.append(_record("litigation.total", m, "exact", section, s))
        for m in _BREAKDOWN.finditer(chunk):
            parent = _record(None, m, "exact", section, s)
            found.append(parent)
            parent["_children"] = [
                _record(None, p, "exact", section, s + m.start("rest"))
                for p in _PART.finditer(m.group("rest"))
            ]
        found.sort(key=lambda f: (f["start"], f["metric"] or ""))
        for f in found:
            children = f.pop("_children", None)
            facts.append(f)
            if children:
                idx = len(facts) - 1
                for c in children:
                    c["parent"] = idx
                    facts.append(c)
    return facts


def _record(
    metric: str | None, m: re.Match[str], qualifier: str, section: str, offset: int
) -> dict[str, Any]:
    groups = m.groupdict()
    n = groups.get("n")
    q = groups.get("q")
    return {
        "metric": metric,
        "value": int(n) if n is not None else 0,
        "qualifier": "lower_bound" if q else qualifier,
        "unit": groups.get("u"),
        "section": section or None,
        "start": offset + m.start(),
        "end": offset + m.end(),
        "parent": None,
        "text": m.group(0),
    }
