"""The page of one unit's report: metadata, structure, tables with flagged cells, facts, 五, copying, score."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from nlp.compare.labels import labels_zh
from nlp.model import SECTION_KEYS
from nlp.report.data import RunData, records, row_labels, rule_description
from nlp.report.html import e, evidence_html, status_tag, table_html, theme_tags

_FLAG_ORDER = {"FAIL": 2, "UNCERTAIN": 1}


def _cell_flags(checks: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, str]]]:
    """cell ref → [(status, rule, message)] of the FAIL/UNCERTAIN results that name it."""
    flags: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for c in checks:
        if c["status"] not in _FLAG_ORDER:
            continue
        for cell in json.loads(c.get("cells") or "[]"):
            ref = cell.get("ref") or ""
            if ref.startswith("table"):
                flags[ref].append((c["status"], c["rule"], c["message"]))
    return flags


def _metadata(doc: dict[str, Any]) -> str:
    lz = labels_zh()
    rows = [("机关", doc.get("agency")), ("年度", doc.get("year")),
            ("层级", lz["levels"].get(doc.get("level") or "unknown", doc.get("level"))),
            ("省份", doc.get("region")), ("表格格式", doc.get("format_version")), ("标题", doc.get("title")),
            ("文件", doc.get("path")), ("文件格式", doc.get("file_format")), ("字数", doc.get("n_chars"))]
    return table_html(["项目", "内容"], [[e(k), e(v)] for k, v in rows])


def _timeliness(doc: dict[str, Any], checks: list[dict[str, Any]]) -> str:
    d19 = next((c for c in checks if c["rule"].startswith("D19")), None)
    src = doc.get("published_source") or ""
    names = labels_zh()["published_sources"]
    src_zh = names.get(src) or names.get(src.split(":")[0], src)
    cells = json.loads(d19["cells"] or "[]") if d19 else []
    raw = cells[0].get("raw") if cells else None
    rows = [["发布日期", e(doc.get("published") or "未找到")], ["日期来源", e(f"{src_zh}（{src}）" if src else "—")],
            ["依据原文", e(raw or "—")], ["法定期限", e(json.loads(d19["expected"]) if d19 and d19.get("expected") else "—")],
            ["结论（规则 D19）", (status_tag(d19["status"]) + " " + e(d19["message"])) if d19 else "未检查"]]
    return table_html(["项目", "内容"], rows)


def _score(sheet: dict[str, Any] | None) -> str:
    if not sheet:
        return "<p>未评分。</p>"
    ranks = sheet.get("ranks") or {}
    by = labels_zh()["groupings"]
    levels = labels_zh()["levels"]
    rank_text = "；".join(f"{by.get(g, g)}（{e(levels.get(r['group'], r['group']) if g == 'level' else r['group'])}）"
                         f"内第 {r['rank']} / {r['n']} 名" for g, r in ranks.items())
    out = [(f'<p><span class="score">{sheet["score"]:g}</span> / {sheet["total"]:g} 分　'
            f'<span class="muted">评分细则：{e(sheet["rubric"]["name"])} v{e(sheet["rubric"]["version"])}</span></p>'),
           f"<p>{rank_text}</p>",
           table_html(["指标", "满分", "扣分", "得分"], [[e(i["name"]), e(f"{i['max']:g}"), e(f"{i['deducted']:g}"),
                                                  e(f"{i['score']:g}")] for i in sheet["indicators"]])]
    if sheet["deductions"]:
        out.append("<h3>扣分明细</h3>")
        out.append(table_html(["指标", "扣分项", "规则", "扣分", "依据"], [
            [e(d["indicator_name"]), e(d["label"]), e(d["rule"]), e(f"{d['points']:g}"), evidence_html(d["evidence"])]
            for d in sheet["deductions"]]))
    else:
        out.append("<p>无扣分。</p>")
    if sheet.get("not_decided"):
        out.append(f'<p class="muted">无法判定、未扣分的检查 {len(sheet["not_decided"])} 项（数值缺失）：'
                   + "、".join(e(n["rule"]) for n in sheet["not_decided"][:30]) + "</p>")
    return "".join(out)


def _sections(doc: dict[str, Any], sections: list[dict[str, Any]]) -> str:
    names = labels_zh()["sections"]
    found = {s["key"]: s for s in sections}
    rows = []
    for key in SECTION_KEYS:
        s = found.get(key)
        rows.append([e(names.get(key, key)), e(s["title"]) if s else '<span class="tag FAIL-t">缺失</span>',
                     e(s["n_chars"]) if s else ""])
    return table_html(["法定部分", "报告中的标题", "字数"], rows)


def _tables(cells: list[dict[str, Any]], flags: dict[str, list[tuple[str, str, str]]]) -> str:
    if not cells:
        return "<p>未识别出统计表。</p>"
    lz = labels_zh()
    out = [('<p class="legend"><span><span class="tag FAIL-t">红色</span>检查不通过的单元格</span>'
            '<span><span class="tag UNCERTAIN-t">黄色</span>无法确定（数值缺失）</span> 上标为规则编号</p>')]
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in cells:
        by_table[c["table"]].append(c)
    for table in ("table2", "table3", "table4"):
        tc = sorted(by_table.get(table, []), key=lambda c: (c["start"] is None, c["start"] or 0))
        if not tc:
            out.append(f"<h3>{e(lz['tables'][table])}</h3><p>未识别。</p>")
            continue
        rows = list(dict.fromkeys(c["row"] for c in tc))
        cols = list(dict.fromkeys(c["column"] for c in tc))
        grid = {(c["row"], c["column"]): c for c in tc}
        labels = row_labels().get(table, {})
        body = []
        for r in rows:
            line: list[Any] = [e(labels.get(r, r))]
            for col in cols:
                c = grid.get((r, col))
                if c is None:
                    line.append("")
                    continue
                ref = f"{table}.{r}.{col}"
                value = c["raw"] if c["value"] is None else (f"{c['value']:g}" if isinstance(c["value"], float) else c["value"])
                fl = flags.get(ref, [])
                if fl:
                    worst = max(fl, key=lambda f: _FLAG_ORDER[f[0]])[0]
                    rules = sorted({f[1].split(".")[0] for f in fl})
                    tip = e("；".join(f"{f[1]}：{f[2]}" for f in fl))
                    line.append((f"{e(value)}<sup>{e(','.join(rules))}</sup>", f'class="num {worst}" title="{tip}"'))
                else:
                    line.append((e(value), 'class="num"'))
            body.append(line)
        out.append(f"<h3>{e(lz['tables'][table])}</h3>")
        out.append(table_html(["项目"] + [e(lz["columns"].get(c, c)) for c in cols], body))
    return "".join(out)


def _checks(checks: list[dict[str, Any]]) -> str:
    bad = [c for c in checks if c["status"] in _FLAG_ORDER]
    if not bad:
        return "<p>全部检查通过或不适用。</p>"
    return table_html(["规则", "结论", "规则说明", "详情", "单元格 / 依据"], [
        [e(c["rule"]), status_tag(c["status"]), e(rule_description(c["rule"])), e(c["message"]),
         e("、".join(f"{x.get('ref')}={x.get('raw')}" for x in json.loads(c.get("cells") or "[]")))]
        for c in bad])


def _facts(facts: list[dict[str, Any]]) -> str:
    if not facts:
        return "<p>未抽取到数据。</p>"
    names = labels_zh()["metrics"]

    def metric(m: str | None) -> str:
        return "—" if not m else (f"{names[m]}（{m}）" if m in names else m)
    return table_html(["指标", "数值", "单位", "部分", "原文"], [
        [e(metric(f.get("metric"))), e(f"{f['value']:g}" if isinstance(f.get("value"), float) else f.get("value")),
         e(f.get("unit")), e(f.get("section")), e(f.get("text"))] for f in facts])


def _statements(stmts: list[dict[str, Any]]) -> str:
    if not stmts:
        return "<p>第五部分未识别出问题或措施。</p>"
    roles = labels_zh()["roles"]
    rows = []
    for s in sorted(stmts, key=lambda s: s["index"]):
        pair = json.loads(s.get("pair") or "[]")
        rows.append([e(s["index"]), e(roles.get(s["role"], s["role"])), e(s["text"]), theme_tags(s.get("themes")),
                     e("、".join(map(str, pair)) if pair else ("无对应措施" if s["role"] == "problem" else "—"))])
    return table_html(["序号", "类型", "内容", "主题", "对应"], rows)


def _copying(sim: list[dict[str, Any]]) -> str:
    if not sim:
        return "<p>无雷同分析结果。</p>"
    names = labels_zh()["sections"]

    def pct(x: Any) -> str:
        return "—" if x is None else f"{100 * float(x):.0f}%"
    return table_html(["部分", "与本单位上年相似度", "与其他单位最高相似度", "最相似单位", "与条例原文重合", "条文"], [
        [e(names.get(s["section"], s["section"])), e(pct(s.get("sim_prev"))), e(pct(s.get("max_sim_other"))),
         e(s.get("most_similar_agency") or ""), e(pct(s.get("statute_containment"))), e(s.get("statute_article") or "")]
        for s in sim])


def unit_body(data: RunData, doc_id: str, index_href: str = "index.html") -> tuple[str, str]:
    """(title, body HTML) of one report's page."""
    doc = data.document(doc_id)
    checks = records(data.part("checks", doc_id))
    title = f"{doc.get('agency') or '未识别机关'} {doc.get('year') or ''} 年度报告检查结果"
    sim = [s for s in records(data.part("similarity", doc_id)) if "." not in s["section"]]
    parts = [f'<p class="muted"><a href="{e(index_href)}">返回总览</a></p><h1>{e(title)}</h1>',
             f"<h2>基本信息</h2>{_metadata(doc)}",
             f"<h2>得分</h2>{_score(data.sheets.get(doc_id))}",
             f"<h2>按时公布</h2>{_timeliness(doc, checks)}",
             f"<h2>报告结构</h2>{_sections(doc, records(data.part('sections', doc_id)))}",
             f"<h2>统计表</h2>{_tables(records(data.part('table_cells', doc_id)), _cell_flags(checks))}",
             f"<h3>不通过或无法确定的检查</h3>{_checks(checks)}",
             f"<h2>文字中的数据</h2>{_facts(records(data.part('facts', doc_id)))}",
             f"<h2>存在的问题与改进措施</h2>{_statements(records(data.part('statements', doc_id)))}",
             f"<h2>雷同与套用</h2>{_copying(sim)}",
             '<p class="muted">由 govnlp 生成；单元格位置为 `govnlp text` 输出文本中的字符偏移。</p>']
    return title, "".join(parts)
