"""The ward's six-monthly and yearly report: portal.ward_report.data gathers the figures, tables lays them out once,
summary writes the opening sentences, document the Front's layout around them; render makes the PDF, word the
Word file, workbook the XLSX. The same from `manage.py ward_report` and from the admins' page (a Celery task)."""

from portal.ward_report.data import Signing, WardReport, build, last_half_year
from portal.ward_report.render import ReportUnavailable, to_html, to_pdf
from portal.ward_report.word import to_docx
from portal.ward_report.workbook import to_xlsx

__all__ = [
    "ReportUnavailable",
    "Signing",
    "WardReport",
    "build",
    "last_half_year",
    "to_docx",
    "to_html",
    "to_pdf",
    "to_xlsx",
]
