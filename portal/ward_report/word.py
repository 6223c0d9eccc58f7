"""The ward's report as a Word file (python-docx): committees edit the text before signing, so it carries the
same layout as the PDF (heading, number, place and date, subject, summary, sections, recipients, signature block),
its tables as Word tables and its charts as pictures. Set in Times New Roman, 13 pt, on A4 with the margins of an
administrative document, as the office's own documents are."""

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

from portal.common.sheets import xml_text
from portal.ward_report.data import WardReport
from portal.ward_report.document import Heading
from portal.ward_report.printed import Printed, printed
from portal.ward_report.render import parts
from portal.ward_report.tables import Table, shown

FONT = "Times New Roman"


def _line(
    container: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    align: int = WD_ALIGN_PARAGRAPH.CENTER,
    after: float = 0,
) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.space_before = Pt(0)
    run = paragraph.add_run(xml_text(text))
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def _rule(paragraph: Paragraph, width_share: float) -> None:
    """A short rule under a paragraph (the line under the committee's name, the motto and the subject): a bottom
    border on a paragraph indented from both sides."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    indent = Cm(7.5 * (1 - width_share) / 2)
    paragraph.paragraph_format.left_indent = indent
    paragraph.paragraph_format.right_indent = indent


def _top(document: Any, top: Heading) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].text = ""
    for index, line in enumerate(top.committee):
        paragraph = left.paragraphs[0] if index == 0 else left.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(xml_text(line))
        run.bold, run.font.size = index == len(top.committee) - 1, Pt(12.5)
    _rule(left.paragraphs[-1], 0.35)
    _line(left, top.number, size=13).paragraph_format.space_before = Pt(6)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = right.paragraphs[0].add_run(top.nation[0])
    run.bold, run.font.size = True, Pt(12)
    _rule(_line(right, top.nation[1], bold=True, size=13), 0.9)
    _line(right, top.place_date, italic=True, size=13).paragraph_format.space_before = Pt(6)


def _data_table(document: Any, table: Table) -> None:
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(column.title)
        run.bold, run.font.size = True, Pt(10.5)
    for values in table.rows + ([table.total] if table.total else []):
        cells = grid.add_row().cells
        for cell, value, column in zip(cells, values, table.columns, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if column.numeric else WD_ALIGN_PARAGRAPH.LEFT
            run = paragraph.add_run(xml_text(shown(value, column.kind)))
            run.bold, run.font.size = values is table.total, Pt(10.5)
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def _end(document: Any, top: Heading) -> None:
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(8), Cm(8)
    run = left.paragraphs[0].add_run(top.recipients_title)
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in top.recipients:
        _line(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = right.paragraphs[0].add_run(top.on_behalf)
    run.bold, run.font.size = True, Pt(13)
    _line(right, top.title, bold=True)
    for _blank in range(4):  # room for the signature and the seal
        _line(right, "")
    _line(right, top.signer, bold=True)


def to_docx(report: WardReport) -> bytes:
    return docx_of(printed(report))


def docx_of(paper: Printed) -> bytes:
    top = paper.heading
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = (
        Mm(20),
        Mm(20),
        Mm(30),
        Mm(15),
    )
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)

    _top(document, top)
    _line(document, top.kind, bold=True, size=14).paragraph_format.space_before = Pt(18)
    _rule(_line(document, top.subject, bold=True, after=12), 0.5)

    with translation.override("vi"):
        summary_title = _("In brief")
    _line(document, summary_title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
    for sentence in paper.sentences:
        paragraph = _line(document, sentence, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=4)
        paragraph.paragraph_format.first_line_indent = Cm(1)
    for part in parts(paper):
        title = f"{part.number}. {part.section.title}"
        _line(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, after=4).paragraph_format.space_before = Pt(10)
        for table in part.section.tables:
            if table.rows:
                _data_table(document, table)
            elif table.empty:
                _line(document, table.empty, align=WD_ALIGN_PARAGRAPH.LEFT, after=4)
        for note in part.section.notes:
            _line(document, note, italic=True, size=11.5, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=4)
        for picture in part.pictures:
            document.add_picture(io.BytesIO(picture), width=Cm(16))
    _end(document, top)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
