"""The ward's report as an XLSX workbook: a summary sheet (the written summary and the key figures), then one
sheet per section with its tables under the same headers as the PDF and the Word file, and each chart as a native
spreadsheet chart over the table's own cells, so it follows when someone corrects a figure."""

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from portal.common.sheets import cell_safe
from portal.ward_report.data import WardReport
from portal.ward_report.printed import Printed, printed
from portal.ward_report.tables import CHANGE, DATE, NUMBER, PERCENT, Section, Table

# Shown with the reader's own separators: 1.234.567 and 60,4% in a Vietnamese spreadsheet.
FORMATS = {NUMBER: "#,##0", CHANGE: "+#,##0;-#,##0;0", PERCENT: "0.0%", DATE: "DD/MM/YYYY"}


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == PERCENT:
        return value / 100  # a spreadsheet's percent is a share
    return cell_safe(value) if isinstance(value, str) else value


def _table(sheet: Any, table: Table, first_row: int) -> tuple[int, int]:
    """Write a table from `first_row`; the rows its data took (header excluded), for a chart over them."""
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=first_row, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row = first_row
    for values in table.rows + ([table.total] if table.total else []):
        row += 1
        for index, (value, column) in enumerate(zip(values, table.columns, strict=True), start=1):
            cell = sheet.cell(row=row, column=index, value=_value(value, column.kind))
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            if values is table.total:
                cell.font = Font(bold=True)
    if not table.rows and table.empty:
        row += 1
        sheet.cell(row=row, column=1, value=table.empty)
    return first_row + 1, first_row + len(table.rows)


def _chart(sheet: Any, section: Section, rows: tuple[int, int], anchor: str) -> None:
    chart_spec = section.chart
    if chart_spec is None or rows[1] < rows[0]:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: group names read across, as in the PDF
    chart.title = chart_spec.title
    chart.legend = None
    chart.style = 10
    column = chart_spec.value_column + 1
    chart.add_data(Reference(sheet, min_col=column, min_row=rows[0], max_row=rows[1]), titles_from_data=False)
    chart.set_categories(Reference(sheet, min_col=1, min_row=rows[0], max_row=rows[1]))
    chart.y_axis.numFmt = FORMATS[PERCENT] if chart_spec.percent else FORMATS[NUMBER]
    chart.x_axis.scaling.orientation = "maxMin"  # the first group at the top, as in the table
    chart.height, chart.width = max(7.5, 0.6 * (rows[1] - rows[0] + 1) + 3), 16
    sheet.add_chart(chart, anchor)


def _widths(sheet: Any, columns: int) -> None:
    sheet.column_dimensions["A"].width = 38
    for index in range(2, columns + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 15


def to_xlsx(report: WardReport) -> bytes:
    return xlsx_of(printed(report))


def xlsx_of(paper: Printed) -> bytes:
    book = Workbook()
    cover = book.active
    with translation.override("vi"):
        top = paper.heading
        cover.title = _("Summary")[:31]
        cover.append([cell_safe(f"{top.kind} {top.subject}")])
        cover["A1"].font = Font(bold=True, size=14)
        cover.append([cell_safe(f"{top.committee[-1]} · {top.number} · {top.place_date}")])
        cover.append([])
        for sentence in paper.sentences:
            cover.append([cell_safe(sentence)])
            cover.cell(row=cover.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        cover.append([])
        cover.append([_("Key figures"), _("Value")])
        for cell in cover[cover.max_row]:
            cell.font = Font(bold=True)
        for figure in paper.figures:
            cover.append([figure.label, _value(figure.value, figure.kind)])
            cover.cell(row=cover.max_row, column=2).number_format = FORMATS[figure.kind]
        cover.column_dimensions["A"].width = 90
        cover.column_dimensions["B"].width = 16

        for section in paper.sections:
            sheet = book.create_sheet(section.title[:31])
            row, chart_rows = 1, None
            for table in section.tables:
                rows = _table(sheet, table, row)
                chart_rows = chart_rows or rows
                row = sheet.max_row + 2
            for note in section.notes:
                sheet.cell(row=row, column=1, value=note).font = Font(italic=True)
                row += 1
            width = max(len(t.columns) for t in section.tables)
            _widths(sheet, width)
            _chart(sheet, section, chart_rows, f"{get_column_letter(width + 2)}2")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
