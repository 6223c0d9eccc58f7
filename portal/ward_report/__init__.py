"""The ward's six-monthly and yearly report: portal.ward_report.data gathers the figures, render makes the PDF or
the XLSX. The same from `manage.py ward_report` and from the admins' page (a Celery task)."""

from portal.ward_report.data import WardReport, build, last_half_year
from portal.ward_report.render import ReportUnavailable, to_html, to_pdf, to_xlsx

__all__ = ["ReportUnavailable", "WardReport", "build", "last_half_year", "to_html", "to_pdf", "to_xlsx"]
