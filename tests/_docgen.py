"""Generate small PDF (reportlab) and DOCX (python-docx) reports reproducing real layouts.

The numbers are made up but consistent (table 三 satisfies the 勾稽 rules). Layout features
copied from the real PDFs in ../shared/corpus/real: a ruled table 三 with merged header cells and a
vertical one-character-per-line label, split across two pages with the bottom/top border missing
at the break and the group label "（四）无法提供" cut in two; page numbers "- n -" and a repeated
page header; a borderless variant (text-layer fallback); an image-only (scanned) PDF.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

COLS7 = ("natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
         "legal_service_org", "other_org", "total")

# (group label, item label, values) for the 25 data rows, labels as in the 2021 format.
T3_ROWS: list[tuple[str, str, list[int]]] = [
    ("", "一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 0, 0, 6]),
    ("", "二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0, 1]),
    ("", "（一）予以公开", [3, 1, 0, 0, 0, 0, 4]),
    ("", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [1, 0, 0, 0, 0, 0, 1]),
    ("（三）不予公开", "1.属于国家秘密", [0] * 7),
    ("（三）不予公开", "2.其他法律行政法规禁止公开", [0] * 7),
    ("（三）不予公开", "3.危及“三安全一稳定”", [0] * 7),
    ("（三）不予公开", "4.保护第三方合法权益", [0] * 7),
    ("（三）不予公开", "5.属于三类内部事务信息", [0] * 7),
    ("（三）不予公开", "6.属于四类过程性信息", [0] * 7),
    ("（三）不予公开", "7.属于行政执法案卷", [0] * 7),
    ("（三）不予公开", "8.属于行政查询事项", [0] * 7),
    ("（四）无法提供", "1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]),
    ("（四）无法提供", "2.没有现成信息需要另行制作", [0] * 7),
    ("（四）无法提供", "3.补正后申请内容仍不明确", [0] * 7),
    ("（五）不予处理", "1.信访举报投诉类申请", [0] * 7),
    ("（五）不予处理", "2.重复申请", [0] * 7),
    ("（五）不予处理", "3.要求提供公开出版物", [0] * 7),
    ("（五）不予处理", "4.无正当理由大量反复申请", [0] * 7),
    ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0] * 7),
    ("（六）其他处理", "3.其他", [0] * 7),
    ("", "（七）总计", [5, 1, 0, 0, 0, 0, 6]),
    ("", "四、结转下年度继续办理", [1, 0, 0, 0, 0, 0, 1]),
]
T4_VALUES = [1, 0, 1, 0, 2, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0]
VERTICAL_LABEL = "三、本年度办理结果"
CORNER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
PAGE_HEADER = "某某区人民政府办公室文件"
BOLD_SENTENCE = "本报告中的数据统计截至2024年12月31日。"
SPLIT_AFTER = 12  # data-row index after which table 三 continues on the next page (inside （四）)

SECTIONS = {
    "overall": ("一、总体情况", ("2024年，某某区坚持以人民为中心，全面推进政务公开工作。"
                                "（一）主动公开情况。全年主动公开政府信息1200条。（二）依申请公开情况。"
                                "全年新收政府信息公开申请6件，均在法定期限内答复。")),
    "problems": ("五、存在的主要问题及改进情况", "政策解读形式较为单一，下一步将丰富解读形式，加强培训。"),
    "other": ("六、其他需要报告的事项", "本年度未收取信息处理费。"),
}


@dataclass
class CellSpec:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    vertical: bool = False


def table3_cells(rows: list[int], *, header: bool, split_group: str | None = None) -> list[CellSpec]:
    """Cells of table 三 for the given data-row indexes (a grid of 10 columns).

    ``split_group``: "head"/"tail" when the （四） group is cut by a page break (its label is
    then split "（四）无" / "法提供" like in the 2024 淮安 report).
    """
    cells: list[CellSpec] = []
    r0 = 0
    if header:
        cells += [CellSpec(0, 0, CORNER_NOTE, rowspan=3, colspan=3), CellSpec(0, 3, "申请人情况", colspan=7),
                  CellSpec(1, 3, "自然人", rowspan=2), CellSpec(1, 4, "法人或其他组织", colspan=5),
                  CellSpec(1, 9, "总计", rowspan=2)]
        for i, name in enumerate(["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]):
            cells.append(CellSpec(2, 4 + i, name))
        r0 = 3
    results = [i for i in rows if 2 <= i <= 23]
    if results:
        first = r0 + rows.index(results[0])
        label = VERTICAL_LABEL if header else ""
        cells.append(CellSpec(first, 0, label, rowspan=len(results), vertical=True))
    groups: dict[str, list[int]] = {}
    for i in rows:
        g = T3_ROWS[i][0]
        if g:
            groups.setdefault(g, []).append(i)
    for g, members in groups.items():
        text = g
        if g == "（四）无法提供" and split_group == "head":
            text = "（四）无"
        elif g == "（四）无法提供" and split_group == "tail":
            text = "法提供"
        cells.append(CellSpec(r0 + rows.index(members[0]), 1, text, rowspan=len(members)))
    for k, i in enumerate(rows):
        group, label, values = T3_ROWS[i]
        r = r0 + k
        if i in (0, 1, 24):
            cells.append(CellSpec(r, 0, label, colspan=3))
        elif not group:
            cells.append(CellSpec(r, 1, label, colspan=2))
        else:
            cells.append(CellSpec(r, 2, label))
        for j, v in enumerate(values):
            cells.append(CellSpec(r, 3 + j, str(v)))
    return cells


def table4_cells() -> list[CellSpec]:
    cells = [CellSpec(0, 0, "行政复议", colspan=5), CellSpec(0, 5, "行政诉讼", colspan=10),
             CellSpec(1, 5, "未经复议直接起诉", colspan=5), CellSpec(1, 10, "复议后起诉", colspan=5)]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for j, h in enumerate(heads):
        cells.append(CellSpec(1, j, h, rowspan=2))
        cells.append(CellSpec(2, 5 + j, h))
        cells.append(CellSpec(2, 10 + j, h))
    cells += [CellSpec(3, j, str(v)) for j, v in enumerate(T4_VALUES)]
    return cells


def table2_cells() -> list[CellSpec]:
    rows = [["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "9"], ["第二十条第（五）项"],
            ["信息内容", "本年处理决定数量"], ["行政许可", "120"], ["第二十条第（六）项"],
            ["信息内容", "本年处理决定数量"], ["行政处罚", "35"], ["行政强制", "3"], ["第二十条第（八）项"],
            ["信息内容", "本年收费金额（单位：万元）"], ["行政事业性收费", "12.5"]]
    cells = []
    for r, row in enumerate(rows):
        if len(row) == 1:
            cells.append(CellSpec(r, 0, row[0], colspan=4))
        elif len(row) == 2:
            cells += [CellSpec(r, 0, row[0]), CellSpec(r, 1, row[1], colspan=3)]
        else:
            cells += [CellSpec(r, c, t) for c, t in enumerate(row)]
    return cells


# ----------------------------------------------------------------------------- PDF (reportlab)

FONT = "STSong-Light"
PAGE_W, PAGE_H = 595.0, 842.0
LEFT, RIGHT = 75.0, 520.0


class _Canvas:
    """A reportlab canvas with a cursor, CJK wrapping and ruled-table drawing."""

    def __init__(self, target: Path | io.BytesIO, *, ruled: bool = True) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        self.c = canvas.Canvas(str(target) if isinstance(target, Path) else target, pagesize=(PAGE_W, PAGE_H))
        self.ruled = ruled
        self.page = 1
        self.y = 90.0  # distance from the top of the page

    def _text(self, x: float, top: float, s: str, size: float) -> None:
        self.c.setFont(FONT, size)
        self.c.drawString(x, PAGE_H - top - size, s)

    def furniture(self) -> None:
        self._text(230, 30, PAGE_HEADER, 9)
        self._text(280, 800, f"- {self.page} -", 10)

    def new_page(self) -> None:
        self.furniture()
        self.c.showPage()
        self.page += 1
        self.y = 90.0

    def para(self, s: str, size: float = 12, indent: bool = True) -> None:
        per_line = int((RIGHT - LEFT) // size)
        first = ("\u3000\u3000" if indent else "") + s
        for k in range(0, len(first), per_line):
            self._text(LEFT, self.y, first[k:k + per_line].replace("\u3000", " "), size)
            self.y += size * 1.6

    def table(self, cells: list[CellSpec], widths: list[float], height: float, size: float = 8,
              top_border: bool = True, bottom_border: bool = True) -> None:
        n_rows = max(c.row + c.rowspan for c in cells)
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        y0 = self.y
        for cell in cells:
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            t0, t1 = y0 + cell.row * height, y0 + (cell.row + cell.rowspan) * height
            self._cell_text(cell, x0, t0, x1, t1, size)
            if not self.ruled:
                continue
            c = self.c
            c.setLineWidth(0.5)
            if cell.row > 0 or top_border:
                c.line(x0, PAGE_H - t0, x1, PAGE_H - t0)
            if cell.row + cell.rowspan < n_rows or bottom_border:
                c.line(x0, PAGE_H - t1, x1, PAGE_H - t1)
            c.line(x0, PAGE_H - t0, x0, PAGE_H - t1)
            c.line(x1, PAGE_H - t0, x1, PAGE_H - t1)
        self.y = y0 + n_rows * height + 12

    def _cell_text(self, cell: CellSpec, x0: float, t0: float, x1: float, t1: float, size: float) -> None:
        if not cell.text:
            return
        if cell.vertical:
            lines = list(cell.text)
        else:
            per = max(1, int((x1 - x0 - 4) // size))
            lines = [cell.text[k:k + per] for k in range(0, len(cell.text), per)]
        top = (t0 + t1) / 2 - len(lines) * size * 1.2 / 2
        for k, ln in enumerate(lines):
            self._text(x0 + 2, top + k * size * 1.2, ln, size)

    def save(self) -> None:
        self.furniture()
        self.c.showPage()
        self.c.save()


T3_WIDTHS = [22.0, 60.0, 153.0] + [30.0] * 7
T4_WIDTHS = [445.0 / 15] * 15
T2_WIDTHS = [160.0, 95.0, 95.0, 95.0]


def make_report_pdf(path: Path, *, ruled: bool = True) -> Path:
    """A three-page report: tables 二/三/四, table 三 split across pages 2 and 3."""
    pdf = _Canvas(path, ruled=ruled)
    pdf._text(200, 60, "某某区人民政府", 18)
    pdf.y = 90
    pdf._text(130, pdf.y, "2024年政府信息公开工作年度报告", 18)
    pdf.y += 40
    pdf.para("本报告由某某区人民政府办公室根据《中华人民共和国政府信息公开条例》编制。")
    head, body = SECTIONS["overall"]
    pdf.para(head, indent=False)
    pdf.para(body)
    pdf.para("二、主动公开政府信息情况", indent=False)
    pdf.table(table2_cells(), T2_WIDTHS, 20, size=9)
    pdf.new_page()
    pdf.para("三、收到和处理政府信息公开申请情况", indent=False)
    first = list(range(SPLIT_AFTER + 1))
    pdf.table(table3_cells(first, header=True, split_group="head"), T3_WIDTHS, 34, bottom_border=False)
    pdf.new_page()
    rest = list(range(SPLIT_AFTER + 1, len(T3_ROWS)))
    pdf.table(table3_cells(rest, header=False, split_group="tail"), T3_WIDTHS, 28, top_border=False)
    pdf.para("四、政府信息公开行政复议、行政诉讼情况", indent=False)
    pdf.table(table4_cells(), T4_WIDTHS, 24, size=7)
    for key in ("problems", "other"):
        head, body = SECTIONS[key]
        pdf.para(head, indent=False)
        pdf.para(body)
    pdf.save()
    return path


def make_framed_paragraph_pdf(path: Path) -> Path:
    """Body text with an invisible white-filled rectangle behind every line (as WPS exports do),
    then a real ruled table: the rectangles must not turn the paragraph into a table."""
    pdf = _Canvas(path)
    lines = ["一、总体情况", "本年度主动公开政府信息1200条，其中规范性文件12件。",
             "全年受理政府信息公开申请6件，均按期答复。"]
    for ln in lines:  # contiguous frames, the last one touching the table's top border
        pdf.c.setFillColorRGB(1, 1, 1)
        pdf.c.rect(LEFT, PAGE_H - pdf.y - 15.2, RIGHT - LEFT, 19.2, stroke=0, fill=1)
        pdf.c.setFillColorRGB(0, 0, 0)
        pdf.para(ln, indent=False)
    pdf.y -= 4
    pdf.table(table2_cells()[:13], T2_WIDTHS, 20, size=9)  # the first block of table 二 (4 rows)
    pdf.save()
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose only page is an image (no text layer), like a scanned report."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (300, 400), 255)
    draw = ImageDraw.Draw(img)
    for y in range(40, 360, 20):
        draw.rectangle([30, y, 270, y + 8], fill=0)  # lines of "text" as a scan would show them
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.drawImage(ImageReader(img), 50, 100, width=495, height=660)
    c.showPage()
    c.save()
    return path


# ----------------------------------------------------------------------------- DOCX (python-docx)

def _docx_table(document, cells: list[CellSpec], n_cols: int):
    n_rows = max(c.row + c.rowspan for c in cells)
    table = document.add_table(rows=n_rows, cols=n_cols)
    table.style = "Table Grid"
    for cell in cells:
        a = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            a = a.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        if cell.vertical:  # one character per paragraph, as Word users type vertical labels
            a.text = cell.text[0]
            for ch in cell.text[1:]:
                a.add_paragraph(ch)
        else:
            a.text = cell.text
    return table


def make_report_docx(path: Path) -> Path:
    """A report with a bold-run heading inside a paragraph, a bold heading paragraph and tables."""
    import docx

    document = docx.Document()
    document.add_paragraph().add_run("某某区人民政府2024年政府信息公开工作年度报告").bold = True
    document.add_paragraph("本报告由某某区人民政府办公室根据《中华人民共和国政府信息公开条例》编制。")
    head, body = SECTIONS["overall"]
    p = document.add_paragraph()
    p.add_run(head).bold = True  # heading typed as bold text at the start of the paragraph
    p.add_run(body)
    document.add_paragraph().add_run("二、主动公开政府信息情况").bold = True
    _docx_table(document, table2_cells(), 4)
    document.add_paragraph().add_run("三、收到和处理政府信息公开申请情况").bold = True
    _docx_table(document, table3_cells(list(range(len(T3_ROWS))), header=True), 10)
    document.add_heading("四、政府信息公开行政复议、行政诉讼情况", level=1)
    _docx_table(document, table4_cells(), 15)
    for key in ("problems", "other"):
        head, body = SECTIONS[key]
        document.add_paragraph().add_run(head).bold = True
        document.add_paragraph(body)
    document.add_paragraph().add_run(BOLD_SENTENCE).bold = True  # bold, but a sentence, not a heading
    document.add_paragraph("联系电话\t\t0517-1234567")  # tab-aligned pseudo-table line
    document.save(str(path))
    return path


def make_numbered_docx(path: Path) -> Path:
    """Headings numbered by Word's automatic list numbering ("一、" level 0, "（一）" level 1),
    which is drawn by Word but not stored in the text runs; a table label numbered "1." too."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%3."/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(paragraph, level: int) -> None:
        ppr = paragraph._p.get_or_add_pPr()
        ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    for text, level in [("总体情况", 0), ("主动公开情况", 1), ("依申请公开情况", 1),
                        ("主动公开政府信息情况", 0), ("收到和处理政府信息公开申请情况", 0)]:
        p = document.add_paragraph()
        p.add_run(text).bold = True
        numbered(p, level)
    table = document.add_table(rows=1, cols=2)
    numbered(table.cell(0, 0).paragraphs[0], 2)
    table.cell(0, 0).paragraphs[0].add_run("属于国家秘密")
    table.cell(0, 1).text = "0"
    document.save(str(path))
    return path


def make_sideways_pdf(path: Path, *, rotate_page: bool) -> Path:
    """A page whose text runs sideways: either a /Rotate 90 page (text reads top to bottom as
    displayed) or text drawn rotated on a portrait page (reads bottom to top)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    c.setFont(FONT, 12)
    if not rotate_page:
        c.translate(300, 100)
        c.rotate(90)
    for k, line in enumerate(["四、政府信息公开行政复议、行政诉讼情况", "行政复议 1 件，行政诉讼 0 件。"]):
        c.drawString(72, 700 - 20 * k if rotate_page else -20 * k, line)
    if rotate_page:
        c.setPageRotation(90)
    c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, user_password: str) -> Path:
    """A PDF encrypted with reportlab; an empty user password opens without asking.

    Latin text on purpose: pdfminer cannot map the CJK CID font of an encrypted reportlab file
    (the reader then refuses it as an undecodable text layer, which is a different test)."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = pdfencrypt.StandardEncryption(user_password, ownerPassword="owner", canPrint=1)
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), encrypt=enc)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, "Annual report 2024")
    c.showPage()
    c.save()
    return path
