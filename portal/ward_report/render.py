"""The ward's report as a PDF (WeasyPrint, the repo's fonts embedded), laid out as a Front document: heading,
number, place and date, subject, a written summary, the sections' tables and charts, recipients and the signature
block. The Word file (portal.ward_report.word) and the workbook (portal.ward_report.workbook) draw the same
tables (portal.ward_report.tables)."""

import base64
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from portal.common.charts import FONTS, bars_png
from portal.ward_report.data import WardReport
from portal.ward_report.printed import Printed, printed
from portal.ward_report.tables import PERCENT, Section, Table, shown

CHART_ROWS = 24  # bars in one picture: more would run past an A4 page, so a long list is drawn in several


class ReportUnavailable(Exception):
    """The PDF cannot be made on this server (its system libraries for text layout are missing)."""


@dataclass
class Part:
    """A section as a document prints it: its number, its tables, and its chart as PNG pictures."""

    number: int
    section: Section
    pictures: list[bytes]


def chart_pictures(section: Section) -> list[bytes]:
    chart = section.chart
    if chart is None or not section.tables[0].rows:
        return []
    table = section.tables[0]
    kind = table.columns[chart.value_column].kind
    bars = [(str(row[0]), row[chart.value_column] or 0, shown(row[chart.value_column], kind)) for row in table.rows]
    scale = 100.0 if chart.percent else max([value for _label, value, _shown in bars] + [1])
    pictures = []
    for first in range(0, len(bars), CHART_ROWS):
        title = chart.title if first == 0 else f"{chart.title} ({first // CHART_ROWS + 1})"
        pictures.append(bars_png(title, bars[first : first + CHART_ROWS], scale=scale, labels_above=True))
    return pictures


def parts(paper: Printed) -> list[Part]:
    return [Part(n, s, chart_pictures(s)) for n, s in enumerate(paper.sections, start=1)]


def to_html(report: WardReport) -> str:
    return html_of(printed(report))


def html_of(paper: Printed) -> str:
    """The page the PDF is printed from, in Vietnamese whatever the language of who asked."""
    with translation.override("vi"):
        return render_to_string(
            "ward_report/document.html",
            {
                "heading": paper.heading,
                "sentences": paper.sentences,
                "parts": [
                    {
                        "number": part.number,
                        "section": part.section,
                        "tables": [_cells(table) for table in part.section.tables],
                        "pictures": [base64.b64encode(p).decode() for p in part.pictures],
                    }
                    for part in parts(paper)
                ],
                "fonts": FONTS.as_uri(),
                "PERCENT": PERCENT,
            },
        )


def _cells(table: Table) -> dict:
    """A table with every cell already written as Vietnamese read it, and whether it aligns right."""

    def row(values: list) -> list[tuple[str, bool]]:
        return [(shown(v, c.kind), c.numeric) for v, c in zip(values, table.columns, strict=True)]

    return {
        "columns": table.columns,
        "rows": [row(r) for r in table.rows],
        "total": row(table.total) if table.total else None,
        "empty": table.empty,
    }


def to_pdf(report: WardReport) -> bytes:
    return pdf_of(printed(report))


def pdf_of(paper: Printed) -> bytes:
    try:  # imported when a PDF is asked for: loading Pango costs the web process a second and tens of MB
        from weasyprint import HTML
    except (OSError, ImportError) as error:  # WeasyPrint loads Pango when imported
        raise ReportUnavailable(str(error)) from None
    return HTML(string=html_of(paper)).write_pdf()
