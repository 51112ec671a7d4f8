"""Writes the hand-made pre-2019 test reports of this folder (run once; the outputs are committed).

Every sentence, agency and number here is invented; the *layouts* (section numbering and title
variants, annex layouts, metadata forms) reproduce what real 2008–2018 reports look like (see
corpus/README.md, "Pre-2019 reports"). Each document NAME.txt has NAME.json beside it with what
the toolkit must find: format, agency, year, section keys in order, text that must (or must not)
fall in the problems section, and the annex cells.

    python tests/data/legacy/make_docs.py
"""
from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- narrative building blocks (invented) ------------------------------------------------------
OVERVIEW = ("{y}年，本单位按照《条例》要求推进政府信息公开，调整了公开工作小组，由分管负责人牵头，"
            "办公室具体承办，全年工作运行平稳。")
ACTIVE = "{y}年共主动公开政府信息{n}条，主要通过门户网站专栏、公开栏和纸质资料架发布，其中工作动态{k}条。"
APPS = "{y}年共受理政府信息公开申请{a}件，均在规定期限内答复，未出现逾期情况。"
APPS_NONE = "本年度未收到公民、法人或其他组织提出的政府信息公开申请，也没有不予公开的情况。"
FEES = "本年度办理依申请公开事项时未收取检索、复制、邮寄等费用，也不涉及减免。"
REVIEW = "本年度未发生因政府信息公开申请行政复议或提起行政诉讼的情况。"
PROBLEM_1 = "一是部分科室报送信息不够及时，栏目更新存在滞后；"
PROBLEM_2 = "二是公开内容偏重工作动态，群众关心的办事类信息偏少。"
MEASURE_1 = "一是建立信息报送台账，每月通报各科室报送情况；"
MEASURE_2 = "二是增加办事指南和便民服务类信息的比重，提高公开的实用性。"
OTHER = "本单位无其他需要报告的事项。"
CONSULT = "全年通过电话和窗口接待政府信息公开咨询{c}人次，均当场作出解答。"
STAFF = "本单位明确1名兼职人员负责政府信息公开日常工作，相关经费列入部门预算。"
RESPONSE = "全年围绕征地补偿、学校划片等群众关注问题发布解读材料{r}篇。"


def preamble(agency: str, y: int, kind: str = "period") -> str:
    if kind == "period":
        return (f"本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括概述、主动公开、依申请公开、"
                f"收费及减免、复议诉讼、存在问题和改进措施等部分。本报告所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。"
                f"如对本报告有疑问，请与{agency}办公室联系（电话：0000-1234567）。")
    if kind == "cutoff":
        return f"本年报通过{agency}门户网站向社会公布，本报告所列数据的截止期为{y}年12月31日。欢迎社会各界提出意见。"
    return f"现将{agency}{y}年度政府信息公开工作情况报告如下。"


# --- annex layouts -------------------------------------------------------------------------------
# (label as printed, unit, key or None for a block row). Values come from the document's dict.
NATIONAL = [
    ("一、主动公开情况", None, None),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "active.total"),
    ("其中：主动公开规范性文件数", "条", "active.normative_docs"),
    ("制发规范性文件总数", "件", "active.normative_docs_issued"),
    ("（二）通过不同渠道和方式公开政府信息的情况", None, None),
    ("1.政府公报公开政府信息数", "条", "channel.gazette"),
    ("2.政府网站公开政府信息数", "条", "channel.website"),
    ("3.政务微博公开政府信息数", "条", "channel.weibo"),
    ("4.政务微信公开政府信息数", "条", "channel.wechat"),
    ("5.其他方式公开政府信息数", "条", "channel.other"),
    ("二、回应解读情况", None, None),
    ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "response.hotspots"),
    ("（二）通过不同渠道和方式回应解读的情况", None, None),
    ("1.参加或举办新闻发布会总次数", "次", "response.press_conferences"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conferences_leader"),
    ("2.政府网站在线访谈次数", "次", "response.online_interviews"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews_leader"),
    ("3.政策解读稿件发布数", "篇", "response.interpretations"),
    ("4.微博微信回应事件数", "次", "response.weibo_wechat"),
    ("5.其他方式回应事件数", "次", "response.other"),
    ("三、依申请公开情况", None, None),
    ("（一）收到申请数", "件", "applications.received"),
    ("1.当面申请数", "件", "applications.in_person"),
    ("2.传真申请数", "件", "applications.fax"),
    ("3.网络申请数", "件", "applications.online"),
    ("4.信函申请数", "件", "applications.letter"),
    ("（二）申请办结数", "件", "applications.completed"),
    ("1.按时办结数", "件", "applications.on_time"),
    ("2.延期办结数", "件", "applications.extended"),
    ("（三）申请答复数", "件", "replies.total"),
    ("1.属于已主动公开范围数", "件", "replies.already_public"),
    ("2.同意公开答复数", "件", "replies.granted"),
    ("3.同意部分公开答复数", "件", "replies.partial"),
    ("4.不同意公开答复数", "件", "replies.denied"),
    ("其中：涉及国家秘密", "件", "denied.state_secret"),
    ("涉及商业秘密", "件", "denied.commercial_secret"),
    ("涉及个人隐私", "件", "denied.privacy"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "件", "denied.security_stability"),
    ("不是《条例》所指政府信息", "件", "denied.not_gov_info"),
    ("法律法规规定的其他情形", "件", "denied.other_law"),
    ("5.不属于本行政机关公开数", "件", "replies.not_this_agency"),
    ("6.申请信息不存在数", "件", "replies.not_exist"),
    ("7.告知作出更改补充数", "件", "replies.correction"),
    ("8.告知通过其他途径办理数", "件", "replies.other_route"),
    ("四、行政复议数量", "件", "review.total"),
    ("（一）维持具体行政行为数", "件", "review.upheld"),
    ("（二）被依法纠错数", "件", "review.corrected"),
    ("（三）其他情形数", "件", "review.other"),
    ("五、行政诉讼数量", "件", "litigation.total"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
    ("（二）被依法纠错数", "件", "litigation.corrected"),
    ("（三）其他情形数", "件", "litigation.other"),
    ("六、举报投诉数量", "件", "complaints.total"),
    ("七、依申请公开信息收取的费用", "万元", "fees.amount"),
    ("八、机构建设和保障经费情况", None, None),
    ("（一）政府信息公开工作专门机构数", "个", "org.units"),
    ("（二）设置政府信息公开查阅点数", "个", "org.reading_points"),
    ("（三）从事政府信息公开工作人员数", "人", "org.staff"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "org.staff_fulltime"),
    ("2.兼职人员数", "人", "org.staff_parttime"),
    ("（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", "org.budget"),
    ("九、政府信息公开会议和培训情况", None, None),
    ("（一）召开政府信息公开工作会议或专题会议数", "次", "meetings.count"),
    ("（二）举办各类培训班数", "次", "training.sessions"),
    ("（三）接受培训人员数", "人次", "training.participants"),
]
LOCAL = [
    ("主动公开信息数", "条", "active.total"),
    ("其中：全文电子化的主动公开信息数", "条", "active.full_text_electronic"),
    ("新增的行政规范性文件数", "条", "active.normative_docs"),
    ("网站专栏页面访问量", "人次", "consult.website_visits"),
    ("现场接待人数", "人次", "consult.on_site"),
    ("咨询电话接听数", "人次", "consult.calls"),
    ("申请总数", "件", "applications.received"),
    ("其中：1.当面申请数", "件", "applications.in_person"),
    ("2.电子邮件申请数", "件", "applications.email"),
    ("3.网上申请数", "件", "applications.online"),
    ("4.信函申请数", "件", "applications.letter"),
    ("对申请的答复总数", "件", "replies.total"),
    ("其中：1.同意公开答复数", "件", "replies.granted"),
    ("2.同意部分公开答复数", "件", "replies.partial"),
    ("3.否决公开答复总数", "件", "replies.denied"),
    ("其中：（1）“非《条例》所指政府信息”数", "件", "denied.not_gov_info"),
    ("（2）其它原因", "件", "denied.other"),
    ("行政复议数", "件", "review.total"),
    ("行政诉讼数", "件", "litigation.total"),
    ("行政申诉数", "件", "complaints.total"),
]


def national_values(active: int, received: int, granted: int, review: int = 0, *, inconsistent: bool = False) -> dict:
    """A consistent 32号 table (or one with a broken channel sum when ``inconsistent``)."""
    in_person, online = received // 2, received - received // 2
    v = {"active.total": active, "active.normative_docs": 3, "active.normative_docs_issued": 3,
         "channel.gazette": 0, "channel.website": active, "channel.weibo": 0, "channel.wechat": active // 4,
         "channel.other": 0, "response.hotspots": 2, "response.press_conferences": 1,
         "response.press_conferences_leader": 1, "response.online_interviews": 0, "response.online_interviews_leader": 0,
         "response.interpretations": 5, "response.weibo_wechat": 0, "response.other": 0,
         "applications.received": received, "applications.in_person": in_person, "applications.fax": 0,
         "applications.online": online + (2 if inconsistent else 0), "applications.letter": 0,
         "applications.completed": received, "applications.on_time": received, "applications.extended": 0,
         "replies.total": received, "replies.already_public": 0, "replies.granted": granted,
         "replies.partial": 0, "replies.denied": received - granted, "denied.state_secret": 0,
         "denied.commercial_secret": 0, "denied.privacy": received - granted, "denied.security_stability": 0,
         "denied.not_gov_info": 0, "denied.other_law": 0, "replies.not_this_agency": 0, "replies.not_exist": 0,
         "replies.correction": 0, "replies.other_route": 0, "review.total": review, "review.upheld": review,
         "review.corrected": 0, "review.other": 0, "litigation.total": 0, "litigation.upheld": 0,
         "litigation.corrected": 0, "litigation.other": 0, "complaints.total": 0, "fees.amount": 0,
         "org.units": 1, "org.reading_points": 2, "org.staff": 3, "org.staff_fulltime": 1, "org.staff_parttime": 2,
         "org.budget": 1.5, "meetings.count": 2, "training.sessions": 1, "training.participants": 25}
    return v


def fmt(v) -> str:
    return "—" if v is None else (str(v) if not isinstance(v, float) else f"{v:g}")


def annex(rows: list, values: dict, layout: str, title: str = "政府信息公开情况统计表") -> str:
    lines: list[str] = []
    if layout == "tabs":
        lines += [title, "统计指标\t单位\t统计数"]
        for label, unit, key in rows:
            lines.append(f"{label}\t—\t—" if key is None else f"{label}\t{unit}\t{fmt(values.get(key))}")
    elif layout == "cells":  # one cell per line
        lines += [title, "统计指标", "单位", "统计数"]
        for label, unit, key in rows:
            lines += [label] if key is None else [label, unit, fmt(values.get(key))]
    elif layout == "local_tabs":
        lines += [title, "指标名称\t计量单位\t数值"]
        for label, unit, key in rows:
            lines.append(f"{label}\t{unit}\t{fmt(values.get(key))}")
    elif layout == "local_code":  # 代码 + 本期实际 / 本年累计, pipes, one cell per line
        lines += [title, "指 标 名 称", "| 计量", "单位", "| 代码", "| 本期实际", "| 本年累计", "|"]
        for i, (label, unit, key) in enumerate(rows, 1):
            v = fmt(values.get(key))
            lines += [label, f"| {unit}", f"| {i:02d}", f"| {v}", f"| {v}", "|"]
    elif layout == "markdown_seq":  # Markdown with a 序号 column
        lines += [title, "", "| 序号 | 统计指标 | 单位 | 统计数 |", "| --- | --- | --- | --- |"]
        for i, (label, unit, key) in enumerate(rows, 1):
            lines.append(f"| {i} | {label} | {'—' if key is None else unit} | {'—' if key is None else fmt(values.get(key))} |")
    elif layout == "pdf":  # labels broken over two lines, page-number lines inside the table
        lines += [title, "统计指标 单位 统计数"]
        for i, (label, unit, key) in enumerate(rows):
            if key is None:
                lines.append(label)
                continue
            cut = len(label) // 2 if len(label) > 12 else len(label)
            lines += [label[:cut]] + ([label[cut:] + f" {unit} {fmt(values.get(key))}"] if cut < len(label)
                                       else [f"{unit} {fmt(values.get(key))}"])
            if i == 20:
                lines.append("- 3 -")
    else:
        raise ValueError(layout)
    return "\n".join(lines)


def doc(name: str, text: str, expect: dict) -> None:
    (HERE / f"{name}.txt").write_text(text.rstrip() + "\n", encoding="utf-8")
    (HERE / f"{name}.json").write_text(json.dumps(expect, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def heads(titles: list[str], bodies: list[str], numbering: str = "cn") -> str:
    cn = "一二三四五六七八九十"
    out = []
    for i, (t, b) in enumerate(zip(titles, bodies)):
        n = {"cn": f"{cn[i]}、", "part": f"第{cn[i]}部分 ", "digit": f"{i + 1}、", "bare": cn[i], "none": "",
             "cn_space": f"{cn[i]} 、"}[numbering]
        out.append(f"{n}{t}\n{b}")
    return "\n".join(out)


def main() -> None:
    for p in HERE.glob("*.txt"):
        p.unlink()
    for p in HERE.glob("*.json"):
        p.unlink()
    problems = f"{PROBLEM_1}{PROBLEM_2}\n下一步，我们将采取以下措施：{MEASURE_1}{MEASURE_2}"
    keys7 = ["overall", "active_disclosure", "applications", "fees", "review_litigation", "problems", "other"]

    # 01: the 2007 template, 32号 table in tab rows, title agency+year
    ag, y = "青禾县农业局", 2015
    v = national_values(146, 4, 3)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息和不予公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "政府信息公开工作存在的主要问题和改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=146, k=90), APPS.format(y=y, a=4), FEES, REVIEW, problems,
                  OTHER + "附：政府信息公开情况统计表。"])
    doc("01_template_tabs", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{annex(NATIONAL, v, 'tabs')}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "problems_contains": [PROBLEM_1, MEASURE_2],
         "legacy_stats": v, "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "PASS", "L2.replies": "PASS",
                                                              "L3.denied_reasons": "PASS", "L5.review": "PASS", "L6.staff": "PASS"}})

    # 02: fees after review; problems with (一)存在主要问题：(二)改进情况：; one cell per line annex
    ag, y = "石梁乡人民政府", 2011
    v = national_values(38, 0, 0)
    prob = f"（一）存在主要问题：\n{PROBLEM_1}{PROBLEM_2}\n（二）改进情况：\n{MEASURE_1}{MEASURE_2}"
    body = heads(["概述", "主动公开政府信息的情况", "依申请公开、不予公开及咨询政府信息情况", "因政府信息公开申请复议、提起诉讼的情况",
                  "政府信息公开的收费及减免情况", "政府信息公开工作存在的主要问题和改进情况"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=38, k=20), APPS_NONE + CONSULT.format(c=6), REVIEW, FEES, prob])
    doc("02_fees_after_review_cells", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n附件\n{annex(NATIONAL, v, 'cells')}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "fees", "problems", "legacy_stats"],
         "problems_contains": ["（二）改进情况", MEASURE_2], "problems_excludes": ["政府信息公开情况统计表"],
         "legacy_stats": v, "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "PASS"}})

    # 03: 第一部分 numbering, title year first with 年度, local table with 指标名称/计量单位/数值
    ag, y = "柳岸区教育局", 2012
    lv = {"active.total": 210, "active.full_text_electronic": 210, "active.normative_docs": 2, "consult.website_visits": 15300,
          "consult.on_site": 40, "consult.calls": 112, "applications.received": 5, "applications.in_person": 1,
          "applications.email": 1, "applications.online": 2, "applications.letter": 1, "replies.total": 5,
          "replies.granted": 3, "replies.partial": 1, "replies.denied": 1, "denied.not_gov_info": 1, "denied.other": 0,
          "review.total": 0, "litigation.total": 0, "complaints.total": 0}
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况", "复议、诉讼和申诉情况",
                  "存在的主要问题和改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=210, k=150), APPS.format(y=y, a=5), FEES, REVIEW, problems, OTHER],
                 numbering="part")
    doc("03_part_numbering_local_table", f"{y}年度{ag}政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n附表：{annex(LOCAL, lv, 'local_tabs', '指标统计表')}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "problems_contains": [MEASURE_1],
         "legacy_stats": lv, "schema": "local", "checks": {"L1.received_by_channel": "PASS", "L2.replies": "PASS",
                                                          "L3.denied_reasons": "PASS"}})

    # 04: problems and measures as two top-level sections (存在问题 / 下步工作计划), no annex, year from 统计期限
    ag, y = "云溪市人民政府办公室", 2017
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在问题", "下步工作计划"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=520, k=300), APPS.format(y=y, a=12), FEES, REVIEW,
                  PROBLEM_1 + PROBLEM_2, MEASURE_1 + MEASURE_2])
    doc("04_measures_own_section", f"{ag}政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7[:-1], "problems_contains": [PROBLEM_1, MEASURE_2, "下步工作计划"],
         "legacy_stats": None})

    # 05: whitespace-free scraped page, 32号 annex run together
    ag, y = "南桥镇人民政府", 2016
    v = national_values(57, 2, 2)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息和不予公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题和改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=57, k=30), APPS.format(y=y, a=2), FEES, REVIEW, problems, OTHER])
    text = f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{annex(NATIONAL, v, 'tabs')}"
    doc("05_scraped_whitespace_free", re.sub(r"\s+", "", text),
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"],
         "problems_contains": [PROBLEM_2, MEASURE_1], "legacy_stats": v, "schema": "gbf2014_32",
         "checks": {"L1.received_by_channel": "PASS", "L2.replies": "PASS"}})

    # 06: Markdown table with a 序号 column; 2018 with 回应解读 / 机构 sections (32号-shaped report)
    ag, y = "白沙区人民政府", 2018
    v = national_values(1320, 9, 7, review=1)
    body = heads(["政府信息公开工作要点落实情况", "主动公开政府信息情况", "回应解读情况", "依申请公开政府信息情况",
                  "政府信息公开行政复议、行政诉讼和投诉情况", "机构建设和保障经费情况", "政府信息公开会议和培训情况",
                  "存在的主要问题及改进措施"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=1320, k=700), RESPONSE.format(r=5), APPS.format(y=y, a=9),
                  "全年收到行政复议申请1件，经复议维持原答复。", STAFF, "全年召开专题会议2次，举办培训1期。", problems])
    doc("06_markdown_serial_2018", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n附件：{annex(NATIONAL, v, 'markdown_seq')}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "problems", "legacy_stats"],
         "unmapped": ["回应解读情况", "机构建设和保障经费情况", "政府信息公开会议和培训情况"],
         "problems_contains": [MEASURE_2], "legacy_stats": v, "schema": "gbf2014_32",
         "checks": {"L5.review": "PASS", "L1.received_by_channel": "PASS"}})

    # 07: PDF text: labels broken over lines and a page number inside the annex; 2017 prose mentions 政府集中采购
    ag, y = "临江市财政局", 2017
    v = national_values(402, 3, 3)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的不足和改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y) + "全年在专栏公开政府集中采购项目信息及采购结果公告。", ACTIVE.format(y=y, n=402, k=200),
                  APPS.format(y=y, a=3), FEES, REVIEW, problems, OTHER])
    doc("07_pdf_text_2017", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{annex(NATIONAL, v, 'pdf')}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "problems_contains": [PROBLEM_1],
         "legacy_stats": v, "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "PASS", "L2.replies": "PASS"}})

    # 08: local table with 代码 and 本期实际/本年累计 columns, pipes; title 年报 + "人民政府信息公开"
    ag, y = "石门镇人民政府", 2013
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "复议、诉讼和申诉的情况", "政府支出和收费",
                  "工作中存在的问题和今后打算"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=64, k=40), APPS.format(y=y, a=5), REVIEW, FEES, problems])
    doc("08_local_code_columns", f"{y}年石门镇人民政府信息公开年报\n{preamble(ag, y)}\n{body}\n{annex(LOCAL, lv, 'local_code', '政府信息公开情况统计报表')}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "fees", "problems", "legacy_stats"],
         "problems_contains": [MEASURE_2], "legacy_stats": lv, "schema": "local", "checks": {"L2.replies": "PASS"}})

    # 09: unnumbered headings, no annex, title lacks the year, period sentence gives it
    ag, y = "望山街道办事处", 2014
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题和改进措施"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=77, k=50), APPS_NONE, FEES, REVIEW, problems], numbering="none")
    doc("09_unnumbered_no_annex", f"{ag}政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7[:-1], "problems_contains": [MEASURE_1], "legacy_stats": None})

    # 10: "1、" numbering, 基本情况, 存在问题及工作打算, cutoff sentence for the year
    ag, y = "榆林街道办事处", 2010
    body = heads(["基本工作情况", "主动公开政务信息情况", "依申请公开政府信息情况", "行政复议和诉讼情况", "收费和减免情况",
                  "存在问题及工作打算"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=12, k=8), APPS_NONE, REVIEW, FEES, problems], numbering="digit")
    doc("10_digit_numbering_cutoff", f"{ag}政府信息公开年度报告\n{preamble(ag, y, 'cutoff')}\n{body}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "fees", "problems"],
         "problems_contains": [MEASURE_2], "legacy_stats": None})

    # 11: "一概述" glued numerals, 咨询处理 and 说明与附表 sections (city department)
    ag, y = "海城市统计局", 2015
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "咨询处理情况", "复议、诉讼和申诉情况",
                  "政府信息公开收费及减免情况", "存在的主要问题和改进措施"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=260, k=100), APPS.format(y=y, a=6), CONSULT.format(c=30),
                  REVIEW, FEES, problems], numbering="bare")
    doc("11_bare_numerals_consultation", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "fees", "problems"],
         "problems_contains": [PROBLEM_1], "legacy_stats": None})

    # 12: combined applications + review heading (依申请公开办理和行政复议、申诉、诉讼情况), 存在主要问题和整改措施
    ag, y = "清河市人民政府", 2018
    body = heads(["主要任务落实情况", "主动公开情况", "依申请公开办理和行政复议、申诉、诉讼情况", "公开收费情况",
                  "存在主要问题和整改措施", "相关说明和指标统计表"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=3020, k=1500), APPS.format(y=y, a=40) + REVIEW, FEES, problems,
                  annex(NATIONAL, national_values(3020, 40, 31), "tabs", "政府信息公开情况统计表（2018年度）")])
    doc("12_combined_heading_annex_section", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "fees", "problems", "legacy_stats"],
         "problems_contains": [MEASURE_2], "problems_excludes": ["统计指标"],
         "legacy_stats": national_values(3020, 40, 31), "schema": "gbf2014_32"})

    # 13: inconsistent annex (channels do not add up) and blank cells
    ag, y = "东坪县水利局", 2016
    v = national_values(88, 6, 4, inconsistent=True)
    v_blank = dict(v, **{"replies.not_exist": None})
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题及改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=88, k=60), APPS.format(y=y, a=6), FEES, REVIEW, problems, OTHER])
    doc("13_inconsistent_annex", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{annex(NATIONAL, v_blank, 'tabs')}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "legacy_stats": v_blank,
         "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "FAIL", "L2.replies": "UNCERTAIN", "L3.denied_reasons": "PASS"}})

    # 14: problems heading merged with 其他 (…主要问题、改进情况和其他需要报告的事项), 2008 department
    ag, y = "北川市发展和改革委员会", 2008
    body = heads(["概述", "主动公开政府信息的情况", "依申请公开政府信息和不予公开政府信息的情况", "政府信息公开的人员、收费及减免情况",
                  "政府信息公开咨询情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
                  "政府信息公开工作存在的主要问题、改进情况和其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=95, k=40), APPS.format(y=y, a=2), STAFF + FEES,
                  CONSULT.format(c=14), REVIEW, problems])
    doc("14_2008_merged_problems_other", f"{ag}{y}年度政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "fees", "review_litigation", "problems"],
         "unmapped": ["政府信息公开咨询情况"], "problems_contains": [MEASURE_1], "legacy_stats": None})

    # 15: overall variants (政府信息公开工作的基本概况), 存在的主要问题及下步工作安排, 其他报告事项, local annex as one cell per line
    ag, y = "永和县统计局", 2015
    body = heads(["政府信息公开工作的基本概况", "主动公开政府信息的情况", "依申请公开政府信息和不予公开政府信息的情况",
                  "政府信息公开的收费及减免情况", "因政府信息公开申请行政复议、提起行政诉讼的情况",
                  "存在的主要问题及下步工作安排", "其他报告事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=339, k=112), APPS_NONE, FEES, REVIEW, problems, OTHER])
    lv2 = {k: (0 if k.startswith(("applications", "replies", "denied", "review", "litigation", "complaints")) else val)
           for k, val in lv.items()}
    lv2["active.total"] = 339
    lv2["active.full_text_electronic"] = 339
    doc("15_overall_variant_local_cells", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n附表\n"
        + annex(LOCAL, lv2, "cells", "政府信息公开工作情况统计表"),
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "problems_contains": [MEASURE_2],
         "legacy_stats": lv2, "schema": "local", "checks": {"L1.received_by_channel": "PASS"}})

    # 16: measures as own section named 下一步工作打算, then 其他需要报告的事项; spaced numbering "一 、概 述"
    ag, y = "金塘镇人民政府", 2012
    text = heads(["概 述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开收费和减免情况",
                  "政府信息公开申请行政复议、行政诉讼情况", "工作中存在的不足", "下一步工作打算", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=46, k=30), APPS_NONE, FEES, REVIEW, PROBLEM_1 + PROBLEM_2,
                  MEASURE_1 + MEASURE_2, OTHER], numbering="cn_space")
    doc("16_measures_next_steps_spaced", f"{y}年度金塘镇政府信息公开年度报告\n{preamble(ag, y)}\n{text}",
        {"format": "legacy", "agency": "金塘镇", "year": y, "sections": keys7, "problems_contains": [PROBLEM_2, MEASURE_1],
         "problems_excludes": [OTHER], "legacy_stats": None})

    # 17: short department report, headings with trailing colon, 信息公开工作存在的主要问题及改进情况
    ag, y = "道川县文体局", 2013
    text = (f"{ag}{y}年度信息公开工作\n年度报告\n一、主动公开政府信息的情况：\n{ACTIVE.format(y=y, n=5, k=3)}\n"
            f"二、依申请公开信息的情况和不予公开信息的情况\n{APPS_NONE}\n三、信息公开的收费及减免情况\n{FEES}\n"
            f"四、因信息公开申请行政复议、提起行政诉讼的情况\n{REVIEW}\n五、信息公开工作存在的主要问题及改进情况\n{problems}\n{y + 1}年3月20日")
    doc("17_short_department", text,
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["active_disclosure", "applications", "fees", "review_litigation", "problems"],
         "problems_contains": [MEASURE_2], "legacy_stats": None})

    # 18: scraped page without line breaks but with spaces, problems split in (一)(二), 基本情况 overall
    ag, y = "南城街道办事处", 2014
    prob = f"（一）存在的主要问题 {PROBLEM_1}{PROBLEM_2} （二）今后的改进措施 一、{MEASURE_1[2:]}二、{MEASURE_2[2:]}"
    parts = [f"{ag}{y}年政府信息公开工作年度报告", preamble(ag, y), "一、概述", OVERVIEW.format(y=y), "二、主动公开政府信息的情况",
             ACTIVE.format(y=y, n=69, k=47), "三、依申请公开政府信息和不予公开政府信息的情况", APPS_NONE, "四、政府信息公开的收费及减免情况",
             FEES, "五、因政府信息公开申请行政复议、提起行政诉讼的情况", REVIEW, "六、政府信息公开工作存在的主要问题及改进情况", prob]
    doc("18_scraped_inline_spaces", " ".join(parts),
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7[:-1], "problems_contains": ["今后的改进措施", MEASURE_2[2:]],
         "legacy_stats": None})

    # 19: a province-level summary report with 政府信息公开类行政复议和行政诉讼情况 and 主要问题和改进措施; tabs annex
    ag, y = "江岭省人民政府", 2013
    v = national_values(86000, 5400, 4100, review=120)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开类行政复议和行政诉讼情况", "咨询处理情况",
                  "主要问题和改进措施"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=86000, k=40000), APPS.format(y=y, a=5400),
                  "全年全省因政府信息公开引起的行政复议120件。", CONSULT.format(c=90000), problems])
    doc("19_province_summary", f"{y}年{ag}政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{annex(NATIONAL, v, 'tabs', '附表：政府信息公开情况统计表')}",
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "problems", "legacy_stats"],
         "unmapped": ["咨询处理情况"], "problems_contains": [MEASURE_1], "legacy_stats": v, "schema": "gbf2014_32",
         "checks": {"L5.review": "PASS", "L4.completed": "PASS"}})

    # 20: 2009 town, headings in 政府信息主动公开情况 order without 概述, whitespace-free, no annex
    ag, y = "下湾镇", 2009
    text = (f"{y}年度下湾镇政府信息公开年度报告根据《中华人民共和国政府信息公开条例》有关规定，现将本镇{y}年政府信息公开工作报告如下："
            f"一、政府信息主动公开情况{ACTIVE.format(y=y, n=46, k=20)}二、政府依申请公开政府信息和不予公开信息情况{APPS_NONE}"
            f"三、政府信息公开收费和减免情况{FEES}四、政府信息公开申请行政复议、行政诉讼情况{REVIEW}"
            f"五、政府信息公开工作存在的主要问题和改进措施{PROBLEM_1}{PROBLEM_2}下一步{MEASURE_1}{MEASURE_2}")
    doc("20_2009_town_flat", re.sub(r"\s+", "", text),
        {"format": "legacy", "agency": ag, "year": y,
         "sections": ["active_disclosure", "applications", "fees", "review_litigation", "problems"],
         "problems_contains": [MEASURE_2], "legacy_stats": None})

    # 21: one cell per line national table run together inside cells ("条\n356" etc.) with every label on 2 lines
    ag, y = "西岭区卫生和计划生育局", 2016
    v = national_values(233, 11, 8)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题和改进措施", "其他需要报告的事项"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=233, k=100), APPS.format(y=y, a=11), FEES, REVIEW, problems, OTHER])
    table = annex(NATIONAL, v, "cells")
    doc("21_cells_glued_units", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n{table.replace(chr(10) + '条' + chr(10), chr(10) + '条')}",
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7 + ["legacy_stats"], "legacy_stats": v,
         "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "PASS", "L2.replies": "PASS"}})

    # 22: whitespace-free page, no 其他 section: the annex right after the problems must not be read as problems
    ag, y = "北塘街道办事处", 2016
    v = national_values(73, 1, 1)
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                  "因政府信息公开申请行政复议、提起行政诉讼的情况", "存在的主要问题和改进措施"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=73, k=41), APPS.format(y=y, a=1), FEES, REVIEW, problems])
    text = f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}\n附件：{annex(NATIONAL, v, 'cells')}"
    doc("22_flat_annex_after_problems", re.sub(r"\s+", "", text),
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7[:-1] + ["legacy_stats"],
         "problems_contains": [MEASURE_2], "problems_excludes": ["统计指标", "主动公开政府信息数"],
         "legacy_stats": v, "schema": "gbf2014_32", "checks": {"L1.received_by_channel": "PASS"}})

    # 23: partly scraped: some headings on their own line, two glued to their text on one line
    ag, y = "松川县林业局", 2014
    text = (f"{ag}{y}年政府信息公开工作年度报告\n一、概述\n{OVERVIEW.format(y=y)}\n二、主动公开政府信息情况\n"
            f"{ACTIVE.format(y=y, n=52, k=30)}\n三、依申请公开政府信息情况{APPS_NONE}四、政府信息公开的收费及减免情况{FEES}\n"
            f"五、因政府信息公开申请行政复议、提起行政诉讼的情况\n{REVIEW}\n六、存在的主要问题和改进措施\n{problems}")
    doc("23_partly_scraped", text,
        {"format": "legacy", "agency": ag, "year": y, "sections": keys7[:-1], "problems_contains": [MEASURE_2],
         "legacy_stats": None})

    # --- 24–27: written after the rules were built, expectations fixed before the first run ------
    # 24: city summary, 主要任务落实情况 first, one heading for applications + review, 公开收费情况,
    # 存在主要问题和整改措施, annex as a numbered part in Markdown pipes without 序号
    ag, y = "溪口市人民政府", 2018
    v = national_values(2480, 33, 25, review=2)
    md = "\n".join(["| 统计指标 | 单位 | 统计数 |", "| --- | --- | --- |"]
                   + [f"| {lab} | {u or ''} | {'' if k is None else fmt(v[k])} |" for lab, u, k in NATIONAL])
    body = heads(["主要任务落实情况", "主动公开情况", "依申请公开办理和行政复议、申诉、诉讼情况", "公开收费情况",
                  "存在主要问题和整改措施", "相关说明和指标统计表"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=2480, k=1100), APPS.format(y=y, a=33), FEES, problems, md])
    doc("24_after_city_pipes", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"set": "after", "format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "fees", "problems", "legacy_stats"],
         "problems_contains": [MEASURE_1], "legacy_stats": v, "schema": "gbf2014_32",
         "checks": {"L1.received_by_channel": "PASS", "L5.review": "PASS"}})

    # 25: district, nine parts shaped like the 32号 table, 存在问题及工作打算, 附件 with a local table
    ag, y = "桦林区人民政府", 2017
    lv3 = {"active.total": 640, "active.full_text_electronic": 600, "active.normative_docs": 6, "consult.website_visits": 20100,
           "consult.on_site": 12, "consult.calls": 48, "applications.received": 3, "applications.in_person": 1,
           "applications.email": 0, "applications.online": 2, "applications.letter": 0, "replies.total": 3, "replies.granted": 2,
           "replies.partial": 0, "replies.denied": 1, "denied.not_gov_info": 0, "denied.other": 1, "review.total": 0,
           "litigation.total": 0, "complaints.total": 1}
    body = heads(["基本工作情况", "主动公开政府信息情况", "回应解读情况", "依申请公开政府信息情况", "行政复议诉讼和举报投诉情况",
                  "机构建设、保障经费和培训会议情况", "存在问题及工作打算", "附件"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=640, k=300), RESPONSE.format(r=9), APPS.format(y=y, a=3), REVIEW,
                  STAFF, problems, annex(LOCAL, lv3, "local_tabs", "政府信息公开情况统计表")])
    doc("25_after_district_nine_parts", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"set": "after", "format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "problems", "legacy_stats"],
         "unmapped": ["回应解读情况", "机构建设、保障经费和培训会议情况"], "problems_contains": [MEASURE_2],
         "problems_excludes": ["指标名称"], "legacy_stats": lv3, "schema": "local",
         "checks": {"L2.replies": "PASS", "L3.denied_reasons": "PASS"}})

    # 26: county-level city office, nine parts: 咨询和投诉, 工作人员和费用支出, 其他事项, 附表 (no table under it)
    ag, y = "枫岭市人民政府办公室", 2012
    body = heads(["概述", "主动公开政府信息情况", "依申请公开政府信息情况", "咨询和投诉情况", "行政复议和行政诉讼情况",
                  "工作人员和费用支出情况", "工作存在的主要问题及改进情况", "其他事项", "附表"],
                 [OVERVIEW.format(y=y), ACTIVE.format(y=y, n=96, k=50), APPS_NONE, CONSULT.format(c=20), REVIEW, STAFF,
                  problems, OTHER, "本单位本年度无需要附列的统计数据。"])
    doc("26_after_office_nine_parts", f"{ag}{y}年度政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"set": "after", "format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "review_litigation", "problems", "other", "legacy_stats"],
         "unmapped": ["咨询和投诉情况", "工作人员和费用支出情况"], "problems_contains": [MEASURE_1],
         "problems_excludes": [OTHER], "legacy_stats": None})

    # 27: town, twelve parts (组织领导, 解读回应, 重点领域, 保密审查, 事业单位 …), 需要说明的事项与附表
    ag, y = "柏溪镇人民政府", 2015
    titles = ["政府信息公开工作概述", "政府信息公开的组织领导和制度建设情况", "发布解读、回应社会关切以及互动交流情况",
              "重点领域政府信息公开工作推进情况和公开情况", "主动公开政府信息以及公开平台建设情况", "政府信息公开申请的办理情况",
              "政府信息公开的收费及减免情况", "因政府信息公开申请提起行政复议、行政诉讼的情况", "政府信息公开保密审查及监督检查情况",
              "所属事业单位政府信息公开工作推进措施和落实情况", "政府信息公开工作存在的主要问题及改进情况", "需要说明的事项与附表"]
    bodies = [OVERVIEW.format(y=y), STAFF, RESPONSE.format(r=2), "全年公开财政预决算和扶贫资金信息14条。",
              ACTIVE.format(y=y, n=180, k=90), APPS_NONE, FEES, REVIEW, "信息发布前均经分管负责人审核。", "镇属事业单位同步公开办事指南。",
              problems, OTHER]
    cn12 = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    body = "\n".join(f"{n}、{t}\n{b}" for n, t, b in zip(cn12, titles, bodies))
    doc("27_after_town_twelve_parts", f"{ag}{y}年政府信息公开工作年度报告\n{preamble(ag, y)}\n{body}",
        {"set": "after", "format": "legacy", "agency": ag, "year": y,
         "sections": ["overall", "active_disclosure", "applications", "fees", "review_litigation", "problems", "other"],
         "problems_contains": [MEASURE_2], "problems_excludes": [OTHER], "legacy_stats": None})


if __name__ == "__main__":
    main()
