"""Evaluate fact extraction against hand-annotated gold.

Two gold formats (one JSON object per line):

* document gold (corpus/annotations/facts.jsonl): ``{"doc", "start", "end", "value", "unit", "metric",
  "qualifier", "parent", ...}`` with offsets into the reader text of ``doc`` (found under ``--docs``);
* sentence gold (corpus/annotations/facts_tricky.jsonl): ``{"id", "form", "sentence", "expected": [{"text",
  "value", "unit", "metric", "qualifier"}, ...]}``; an empty ``expected`` list means nothing may be extracted.

A predicted fact is *found* when its span overlaps a gold span (one-to-one; same metric preferred, so the
two facts of "行政复议、行政诉讼0件" pair up). Scores: span P/R/F1; value+unit, value, unit P/R/F1 (a found fact
counts only if the field also matches); metric accuracy on found facts, and on the found facts whose metric
the text determines (gold metric not null); category accuracy on found breakdown items whose gold gives a
category; must-not false positives (predictions overlapping a hard negative, or any prediction on a sentence
whose ``expected`` is empty). Sentence gold may list hard negatives of its own: ``"negatives": [{"text",
"occurrence", "kind"}]`` (corpus/annotations/facts_passages.jsonl: report parts, slogans).

``baseline="nearest_cue"`` re-labels every predicted fact with the metric of the cue phrase nearest to the left
of its number in its clause (no priorities, no clause structure): the simple baseline shown beside the extractor.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlp.facts.extractor import FactExtractor


@dataclass
class Item:
    """One unit of evaluation: a document or a sentence, with gold and predicted facts."""

    key: str
    text: str
    gold: list[dict[str, Any]]
    pred: list[dict[str, Any]]
    negatives: list[tuple[int, int, str]] = field(default_factory=list)
    must_be_empty: bool = False


def _same_value(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def match(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """One-to-one (gold index, pred index) pairs of overlapping spans; same metric, then larger overlap first."""
    pairs = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            ov = min(g["end"], p["end"]) - max(g["start"], p["start"])
            if ov > 0 or (g["start"] == g["end"] == p["start"]):
                pairs.append((g.get("metric") == p.get("metric"), ov, -abs(g["start"] - p["start"]), gi, pi))
    pairs.sort(reverse=True)
    used_g, used_p, out = set(), set(), []
    for *_, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return sorted(out)


_LABEL_NOISE = str.maketrans("", "", "“”\"'‘’《》〈〉「」 \t\n")


def same_category(gold: str, pred: str | None) -> bool:
    """Labels as written, compared without quotes and spaces, and without a trailing 信息/类 (机构职能类信息 =
    机构职能类)."""
    if pred is None:
        return False
    a, b = gold.translate(_LABEL_NOISE), pred.translate(_LABEL_NOISE)
    for suffix in ("类信息", "信息", "类"):
        a = a.removesuffix(suffix)
        b = b.removesuffix(suffix)
    return a == b


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp}


def score(items: Iterable[Item]) -> dict[str, Any]:
    """Scores and the list of errors over all items."""
    n_gold = n_pred = found = vu = v = u = metric_ok = qual_ok = parent_ok = scope_ok = scope_n = 0
    det_n = det_ok = cat_n = cat_ok = 0
    errors: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    for it in items:
        n_gold += len(it.gold)
        n_pred += len(it.pred)
        pairs = match(it.gold, it.pred)
        pred_of = {gi: pi for gi, pi in pairs}
        for gi, pi in pairs:
            g, p = it.gold[gi], it.pred[pi]
            found += 1
            ok_v, ok_u = _same_value(g.get("value"), p.get("value")), g.get("unit") == p.get("unit")
            v += ok_v
            u += ok_u
            vu += ok_v and ok_u
            metric_ok += g.get("metric") == p.get("metric")
            if g.get("metric") is not None:
                det_n += 1
                det_ok += g.get("metric") == p.get("metric")
            if g.get("category"):
                cat_n += 1
                cat_ok += same_category(g["category"], p.get("category"))
            qual_ok += g.get("qualifier", "exact") == p.get("qualifier")
            if "scope" in g:
                scope_n += 1
                scope_ok += g["scope"] == p.get("scope")
            gp = g.get("parent")
            parent_ok += (gp is None and p.get("parent") is None) or (
                gp is not None and gp in pred_of and p.get("parent") == it.pred[pred_of[gp]].get("_index"))
            if not (ok_v and ok_u and g.get("metric") == p.get("metric")):
                errors.append({"kind": "mismatch", "item": it.key, "gold": _brief(g, it.text), "pred": _brief(p, it.text)})
        matched_g = {gi for gi, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        for gi, g in enumerate(it.gold):
            if gi not in matched_g:
                errors.append({"kind": "missed", "item": it.key, "gold": _brief(g, it.text)})
        for pi, p in enumerate(it.pred):
            if pi not in matched_p:
                errors.append({"kind": "spurious", "item": it.key, "pred": _brief(p, it.text)})
            hit = next((k for s, e, k in it.negatives if s < p["end"] and p["start"] < e), None)
            if hit or (it.must_be_empty and not it.gold):
                must_not.append({"item": it.key, "negative_kind": hit or "sentence", "pred": _brief(p, it.text)})
    return {
        "n_gold": n_gold, "n_pred": n_pred,
        "span": _prf(found, n_pred, n_gold),
        "value_unit": _prf(vu, n_pred, n_gold),
        "value": _prf(v, n_pred, n_gold),
        "unit": _prf(u, n_pred, n_gold),
        "metric_accuracy_on_found": round(metric_ok / found, 4) if found else None,
        "metric_f1": _prf(metric_ok, n_pred, n_gold),
        "metric_accuracy_determined": round(det_ok / det_n, 4) if det_n else None,
        "n_determined": det_n,
        "category_accuracy_on_found": round(cat_ok / cat_n, 4) if cat_n else None,
        "qualifier_accuracy_on_found": round(qual_ok / found, 4) if found else None,
        "parent_accuracy_on_found": round(parent_ok / found, 4) if found else None,
        "scope_accuracy_on_found": round(scope_ok / scope_n, 4) if scope_n else None,
        "must_not_false_positives": len(must_not),
        "must_not": must_not,
        "errors": errors,
    }


def _brief(f: dict[str, Any], text: str) -> dict[str, Any]:
    s, e = f["start"], f["end"]
    return {"span": [s, e], "text": text[s:e], "context": text[max(0, s - 12):e + 4].replace("\n", " "),
            "value": f.get("value"), "unit": f.get("unit"), "metric": f.get("metric"), "qualifier": f.get("qualifier")}


# -- anchors: re-find a gold span after the reader's whitespace changed, without storing the text ----------
ANCHOR_LEFT = 8


def _squeeze(text: str) -> tuple[str, list[int]]:
    """``text`` without whitespace, and the original offset of each kept character."""
    keep = [i for i, ch in enumerate(text) if not ch.isspace()]
    return "".join(text[i] for i in keep), keep


def make_anchor(text: str, start: int, end: int, left: int = ANCHOR_LEFT) -> dict[str, Any]:
    """A fingerprint of the span and a little left context (whitespace-insensitive): sha1, window and span length."""
    squeezed, keep = _squeeze(text)
    import bisect

    i, j = bisect.bisect_left(keep, start), bisect.bisect_left(keep, end)
    lo = max(0, i - left)
    return {"sha1": hashlib.sha1(squeezed[lo:j].encode("utf-8")).hexdigest()[:16], "window": j - lo, "span": j - i}


def realign(text: str, anchor: dict[str, Any], hint: int | None = None, _cache: dict | None = None) -> tuple[int, int] | None:
    """The span of ``text`` whose anchor matches (the one nearest ``hint`` if several), else None."""
    cache = _cache if _cache is not None else {}
    key = (id(text), "squeeze")
    if key not in cache:
        cache[key] = _squeeze(text)
    squeezed, keep = cache[key]
    w = anchor["window"]
    table_key = (id(text), w)
    if table_key not in cache:
        table: dict[str, list[int]] = {}
        for j in range(w, len(squeezed) + 1):
            table.setdefault(hashlib.sha1(squeezed[j - w:j].encode("utf-8")).hexdigest()[:16], []).append(j)
        cache[table_key] = table
    ends = cache[table_key].get(anchor["sha1"])
    if not ends:
        return None
    j = min(ends, key=lambda e: abs(keep[e - 1] - (hint or 0)))
    i = j - anchor["span"]
    return keep[i], keep[j - 1] + 1


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _locate(text: str, needle: str, occ: int, rid: Any) -> int:
    start = -1
    for _ in range(occ + 1):
        start = text.find(needle, start + 1)
    if start < 0:
        raise ValueError(f"{rid}: expected text {needle!r} not in sentence")
    return start


def sentence_items(records: list[dict[str, Any]], extractor: FactExtractor, baseline: str | None = None) -> list[Item]:
    """Items of a sentence gold file; expected facts are located by their text in the sentence."""
    items = []
    for rec in records:
        text = rec["sentence"]
        gold, cursor = [], {}
        for exp in rec.get("expected", []):
            occ = exp.get("occurrence", 0)
            start = -1
            for _ in range(occ + 1):
                start = text.find(exp["text"], start + 1)
            if start < 0:
                raise ValueError(f"{rec.get('id')}: expected text {exp['text']!r} not in sentence")
            cursor[exp["text"]] = start
            gold.append({**exp, "start": start, "end": start + len(exp["text"])})
        negs = []
        for neg in rec.get("negatives", []):
            s = _locate(text, neg["text"], neg.get("occurrence", 0), rec.get("id"))
            negs.append((s, s + len(neg["text"]), neg.get("kind", "negative")))
        facts = extractor.extract(text)
        if baseline:
            facts = relabel_baseline(text, facts, extractor.lexicon, baseline)
        items.append(Item(str(rec.get("id")), text, gold, _indexed(facts), negs, must_be_empty=not rec.get("expected")))
    return items


def relabel_baseline(text: str, facts: list[dict[str, Any]], lex, kind: str = "nearest_cue") -> list[dict[str, Any]]:
    """The facts with the metric a nearest-cue baseline gives: the cue phrase ending nearest to the left of the
    number within its clause (rate cues for %), its first listed metric; negations keep theirs."""
    if kind != "nearest_cue":
        raise ValueError(f"unknown baseline {kind!r}")
    from nlp.facts.attach import CLAUSE_BREAK, cue_matches

    out = []
    for f in facts:
        if f.get("qualifier") == "negation":
            out.append(f)
            continue
        s = f["start"]
        lo = s
        while lo > 0 and not CLAUSE_BREAK.match(text, lo - 1):
            lo -= 1
        is_rate = f.get("unit") in ("%", "个百分点")
        rx, table = (lex.rate_regex, lex.rates) if is_rate else (lex.cue_regex, lex.cues)
        found = [m for m in cue_matches(rx, text, lo, s)]
        best = max(found, key=lambda m: (m.end, m.end - m.start), default=None)
        names = [c.name for c in table[best.phrase] if c.name] if best else []
        metric = names[0] if names else None
        if metric and metric.startswith("~."):
            metric = None
        out.append({**f, "metric": metric, "category": None})
    return out


def _indexed(facts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**f, "_index": i} for i, f in enumerate(facts)]


def document_items(records: list[dict[str, Any]], doc_dirs: list[Path],
                   negatives: list[dict[str, Any]] | None = None,
                   baseline: str | None = None) -> tuple[list[Item], list[str]]:
    """Items of a document gold file: each doc is run through the "facts" pipeline. Returns (items, warnings)."""
    from nlp.pipeline import parse_report

    by_doc: dict[str, list[dict[str, Any]]] = {}
    for rec in records:
        by_doc.setdefault(rec["doc"], []).append(rec)
    neg_by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for rec in negatives or []:
        neg_by_doc.setdefault(rec["doc"], []).append((rec["start"], rec["end"], rec.get("kind", "negative")))
    items, warnings = [], []
    for doc, gold in by_doc.items():
        path = next((d / doc for d in doc_dirs if (d / doc).exists()), None)
        if path is None:
            warnings.append(f"{doc}: not found under {', '.join(map(str, doc_dirs))}; skipped")
            continue
        report = parse_report(path, "facts")
        if not report.ok:
            warnings.append(f"{doc}: {report.error}")
            continue
        sha = hashlib.sha256(report.text.encode("utf-8")).hexdigest()[:16]
        negs = neg_by_doc.get(doc, [])
        if gold[0].get("text_sha256") and gold[0]["text_sha256"] != sha:
            gold, lost = _realigned(report.text, gold)
            negs, lost_neg = _realigned_negatives(report.text, [r for r in negatives or [] if r["doc"] == doc])
            warnings.append(f"{doc}: reader text changed since annotation; re-found spans by anchor "
                            f"({lost} gold and {lost_neg} negative spans lost)")
        facts = report.facts or []
        if baseline:
            from nlp.facts.lexicon import default_lexicon

            facts = relabel_baseline(report.text, facts, default_lexicon(), baseline)
        items.append(Item(doc, report.text, gold, _indexed(facts), negs))
    return items, warnings


def _realigned(text: str, gold: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Gold records with spans re-found by anchor; parents re-indexed; lost records dropped."""
    cache: dict = {}
    kept, new_index, lost = [], {}, 0
    for i, g in enumerate(gold):
        span = realign(text, g["anchor"], g["start"], cache) if g.get("anchor") else None
        if span is None:
            lost += 1
            continue
        new_index[i] = len(kept)
        kept.append({**g, "start": span[0], "end": span[1]})
    for g in kept:
        if g.get("parent") is not None:
            g["parent"] = new_index.get(g["parent"])
    return kept, lost


def _realigned_negatives(text: str, records: list[dict[str, Any]]) -> tuple[list[tuple[int, int, str]], int]:
    cache: dict = {}
    out, lost = [], 0
    for r in records:
        span = realign(text, r["anchor"], r["start"], cache) if r.get("anchor") else None
        if span is None:
            lost += 1
        else:
            out.append((span[0], span[1], r.get("kind", "negative")))
    return out, lost


def format_report(result: dict[str, Any], max_errors: int = 50) -> str:
    lines = [f"gold facts: {result['n_gold']}   predicted: {result['n_pred']}", "",
             f"{'':24}{'precision':>10}{'recall':>10}{'F1':>10}"]
    for key in ("span", "value_unit", "value", "unit"):
        s = result[key]
        lines.append(f"{key:24}{s['precision']:>10.3f}{s['recall']:>10.3f}{s['f1']:>10.3f}")
    for key in ("metric_accuracy_on_found", "metric_accuracy_determined", "category_accuracy_on_found",
                "qualifier_accuracy_on_found", "parent_accuracy_on_found", "scope_accuracy_on_found"):
        lines.append(f"{key:32}{result[key] if result[key] is not None else '-'}")
    lines.append(f"{'must_not_false_positives':32}{result['must_not_false_positives']}")
    for m in result["must_not"][:max_errors]:
        lines.append(f"  MUST-NOT [{m['negative_kind']}] {m['item']}: {m['pred']['context']!r} → {m['pred']['text']!r}")
    errs = result["errors"]
    lines.append(f"\nerrors ({len(errs)}):")
    for e in errs[:max_errors]:
        if e["kind"] == "missed":
            g = e["gold"]
            lines.append(f"  MISSED   {e['item']}: {g['context']!r} gold={g['value']} {g['unit']} {g['metric']}")
        elif e["kind"] == "spurious":
            p = e["pred"]
            lines.append(f"  SPURIOUS {e['item']}: {p['context']!r} pred={p['value']} {p['unit']} {p['metric']}")
        else:
            g, p = e["gold"], e["pred"]
            lines.append(f"  WRONG    {e['item']}: {g['context']!r} gold={g['value']} {g['unit']} {g['metric']} "
                         f"| pred={p['value']} {p['unit']} {p['metric']}")
    if len(errs) > max_errors:
        lines.append(f"  … {len(errs) - max_errors} more (use --json for all)")
    return "\n".join(lines)
