"""Build corpus/annotations/facts_passages.jsonl from the marked-up source facts_passages.txt.

Markup (one passage per block, opened by a line ``## id | format | level | note``):

* ``[[span|metric|opts]]``: a gold fact; ``metric`` ``-`` = null (the text does not say what is counted);
  ``opts`` (``;``-separated): ``a`` this fact opens a breakdown (later ``p`` facts are its children),
  ``p`` child of the last ``a``, ``c=label`` breakdown category as written, ``v=``/``u=``/``q=``/``s=``
  override value/unit/qualifier/scope, ``neg`` a negated statement (value 0, no unit, qualifier negation),
  ``z`` a spelled zero (为零/均为0 with no unit: value 0, no unit, exact).
* ``[[span|m1,m2|opts]]``: one span stating two facts (coordination: "复议、诉讼均为0" → both metrics).
* ``{{span|kind}}``: a must-not span (structure count, slogan, date …): no fact may overlap it.

Value and unit are read here by a small parser of its own (not the extractor's), so the gold does not
inherit the extractor's reading of numbers.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNITS = ["人次", "件次", "条次", "篇次", "个百分点", "万元", "亿元", "条", "件", "次", "篇", "个", "场", "期", "份", "处",
         "项", "家", "起", "册", "部", "封", "轮", "户", "宗", "例", "只", "位", "人", "名", "元", "%", "通", "批"]
CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
QUAL = [("超过", "lower_bound"), ("逾", "lower_bound"), ("近", "upper_bound"), ("约", "approx"), ("左右", "approx"),
        ("余", "lower_bound"), ("多", "lower_bound"), ("以上", "lower_bound")]


def cn_number(s: str) -> int:
    total, section, cur = 0, 0, 0
    for ch in s:
        if ch in CN:
            cur = CN[ch]
        elif ch == "十":
            section += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            section += cur * 100
            cur = 0
        elif ch == "千":
            section += cur * 1000
            cur = 0
        elif ch == "万":
            total += (section + cur) * 10000
            section, cur = 0, 0
    return total + section + cur


def read_value(span: str):
    m = re.search(r"(\d+(?:\.\d+)?)\s*(万|亿)?", span)
    if m:
        v = float(m.group(1)) * {None: 1, "万": 1e4, "亿": 1e8}[m.group(2)]
    else:
        m = re.search(r"[零〇一二两三四五六七八九十百千万]+", span)
        v = cn_number(m.group()) if m else None
    if v is not None and float(v).is_integer():
        v = int(v)
    unit = next((u for u in UNITS if re.search(re.escape(u) + r"\s*$", span.rstrip("左右以上"))), None)
    if unit == "元" and span.rstrip("左右以上").endswith("万元"):
        unit = "万元"
    qual = next((q for w, q in QUAL if w in span), "exact")
    return v, unit, qual


FACT = re.compile(r"\[\[(.+?)\|(.+?)(?:\|(.*?))?\]\]|\{\{(.+?)\|(.+?)\}\}")


def build(src: Path) -> list[dict]:
    records = []
    blocks = re.split(r"^## ", src.read_text(encoding="utf-8"), flags=re.MULTILINE)
    for block in blocks:
        if not block.strip() or block.startswith("#"):
            continue
        head, _, body = block.partition("\n")
        pid, fmt, level, *note = [x.strip() for x in head.split("|")]
        body = body.strip("\n")
        text, expected, negatives, pos = "", [], [], 0
        anchor = None
        for m in FACT.finditer(body):
            text += body[pos:m.start()]
            pos = m.end()
            if m.group(4):
                span, kind = m.group(4), m.group(5)
                negatives.append({"text": span, "kind": kind, "occurrence": text.count(span)})
                text += span
                continue
            span, metric, opts = m.group(1), m.group(2), m.group(3) or ""
            o = dict((kv.split("=", 1) + [True])[:2] for kv in opts.split(";") if kv)
            v, u, q = read_value(span)
            if "neg" in o:
                v, u, q = 0, None, "negation"
            if "z" in o:
                v, u, q = 0, None, "exact"
            fact = {"text": span, "occurrence": text.count(span), "value": v, "unit": u,
                    "metric": None if metric == "-" else metric, "qualifier": q}
            for key, field in (("v", "value"), ("u", "unit"), ("q", "qualifier"), ("s", "scope"), ("c", "category")):
                if key in o:
                    val = o[key]
                    fact[field] = (float(val) if "." in val else int(val)) if key == "v" else (None if val == "-" else val)
            if "p" in o:
                fact["parent"] = anchor
            if "a" in o:
                anchor = len(expected)
            text += span
            for k, name in enumerate(metric.split(",")):
                expected.append({**fact, "metric": None if name == "-" else name} if k else
                                {**fact, "metric": None if name == "-" else name})
        text += body[pos:]
        records.append({"id": pid, "form": fmt, "level": level, "note": note[0] if note else "",
                        "sentence": text, "expected": expected, "negatives": negatives})
    return records


if __name__ == "__main__":
    src = HERE / "facts_passages.txt"
    out = HERE.parent / "facts_passages.jsonl"
    recs = build(src)
    with open(out, "w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    n = sum(len(r["expected"]) for r in recs)
    print(f"{len(recs)} passages, {n} facts, {sum(len(r['negatives']) for r in recs)} must-not spans → {out}", file=sys.stderr)
