"""HTML for the per-unit pages and the index: one self-contained file each (inline CSS, no script).

The CJK font is embedded as a subset of Noto Sans CJK SC holding only the characters of the page, so a
page renders the same on a machine without Chinese fonts.
"""
from __future__ import annotations

import base64
import io
import json
from html import escape
from typing import Any

from nlp.compare.labels import labels_zh, theme_names

CSS = """
body{font-family:'GovnlpCJK','Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif;
 margin:24px auto;max-width:1100px;color:#222;line-height:1.5;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #c33;padding-bottom:2px;margin-top:28px}
h3{font-size:15px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}th,td{border:1px solid #bbb;padding:3px 6px;vertical-align:top}
th{background:#f2f2f2;font-weight:normal;text-align:left}td.num{text-align:right;white-space:nowrap}
td.FAIL{background:#f8c9c4}td.UNCERTAIN{background:#fbe8a6}sup{color:#a00;font-size:10px;margin-left:2px}
.score{font-size:30px;color:#c33}.muted{color:#777;font-size:12px}.tag{display:inline-block;padding:0 6px;white-space:nowrap;
 border-radius:3px;font-size:12px;margin:1px}.PASS{background:#d5efd5}.FAIL-t{background:#f8c9c4}
.UNCERTAIN-t{background:#fbe8a6}.NOT_ASSESSABLE{background:#e6e6e6}.theme{background:#e4ecf7}
.legend span{margin-right:12px}a{color:#1a56a8}
"""


def font_face(text: str) -> str:
    """An @font-face rule with the shipped CJK font subset to the characters of ``text`` (base64)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from nlp.compare.fonts import font_file

    opts = subset.Options()
    opts.layout_features = []
    opts.name_IDs = []
    opts.notdef_outline = True
    font = TTFont(str(font_file()), lazy=True)
    sub = subset.Subsetter(opts)
    sub.populate(text="".join(sorted(set(text))) + "0123456789.%-")
    sub.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f"@font-face{{font-family:'GovnlpCJK';src:url(data:font/otf;base64,{data}) format('opentype');}}"


def e(value: Any) -> str:
    return "" if value is None else escape(str(value))


def status_tag(status: str | None) -> str:
    if not status:
        return ""
    name = labels_zh()["statuses"].get(status, status)
    cls = f"{status}-t" if status in ("FAIL", "UNCERTAIN") else status
    return f'<span class="tag {cls}">{e(name)}</span>'


def theme_tags(codes: str | None) -> str:
    names = theme_names()
    return "".join(f'<span class="tag theme" title="{e(c)}">{e(names.get(c, c))}</span>'
                   for c in (codes or "").split(";") if c)


def table_html(headers: list[str], rows: list[list[str]], raw: bool = True) -> str:
    """A table; cells are already-escaped HTML when ``raw`` (each may be a (html, attrs) pair)."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for r in rows:
        cells = []
        for c in r:
            if isinstance(c, tuple):
                cells.append(f"<td {c[1]}>{c[0]}</td>")
            else:
                cells.append(f"<td>{c if raw else e(c)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"


def page(title: str, body: str, embed_font: bool) -> str:
    css = CSS + (font_face(title + body) if embed_font else "")
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{css}</style></head><body>{body}</body></html>\n")


def evidence_html(evidence: list[dict[str, Any]]) -> str:
    parts = []
    for ev in evidence:
        bits = [e(ev.get("message"))]
        if ev.get("cells"):
            bits.append("单元格：" + "、".join(f"{e(c.get('ref'))}={e(c.get('raw') if c.get('raw') is not None else c.get('value'))}"
                                          for c in ev["cells"]))
        if ev.get("text"):
            bits.append(f"原文：“{e(ev['text'])}”（{e(ev.get('start'))}–{e(ev.get('end'))}）")
        if ev.get("compared_agency") or ev.get("compared_year"):
            bits.append(f"对比：{e(ev.get('compared_agency') or '')} {e(ev.get('compared_year') or '')}")
        if ev.get("article"):
            bits.append(f"条例条文：{e(ev['article'])}")
        parts.append("<br>".join(b for b in bits if b))
    return "<hr>".join(parts)


def json_script_free(data: Any) -> str:
    """Data shown as preformatted JSON (no script element: the page runs no code)."""
    return f"<pre>{e(json.dumps(data, ensure_ascii=False, indent=1, default=str))}</pre>"
