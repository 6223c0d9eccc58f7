"""The month's numbers of residents' reports a ward sends up, as XLSX: by category and group, and the list of
the reports. No reporter identity is ever in it."""

import io
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from feedback import selectors
from feedback.models import Category
from portal.common.sheets import cell_safe

NUMBER_HEADERS = [
    "received",
    "valid",
    "answered",
    "resolved",
    "resolved_in_time",
    "median_first_response_h",
    "median_resolution_h",
]


def monthly_numbers_xlsx(*, user: object, year: int, month: int) -> bytes:
    start, end = selectors.month_bounds(year, month)
    data = selectors.report_numbers_by(user=user, since=start, until=end)
    labels = [
        _("Received"),
        _("Valid"),
        _("Answered"),
        _("Resolved"),
        _("Resolved in time"),
        _("Median hours to first answer"),
        _("Median hours to resolution"),
    ]
    book = Workbook()
    summary = book.active
    summary.title = _("Summary")[:31]
    summary.append([_("Reports of %(month)02d/%(year)d") % {"month": month, "year": year}])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([])
    summary.append(["", *labels])
    total = data["total"]
    summary.append([_("Whole ward"), *[getattr(total, name) for name in NUMBER_HEADERS]])
    for title, rows in ((_("By category"), data["by_category"]), (_("By residential group"), data["by_group"])):
        sheet = book.create_sheet(title[:31])
        sheet.append(["", *labels])
        for name, numbers in rows.items():
            label = str(Category(name).label) if name in Category.values else name
            sheet.append([cell_safe(label), *[getattr(numbers, n) for n in NUMBER_HEADERS]])
    listing = book.create_sheet(_("Reports")[:31])
    listing.append(
        [
            _("Code"),
            _("Category"),
            _("Residential group"),
            _("Status"),
            _("Received"),
            _("Deadline"),
            _("Resolved"),
            _("In time"),
        ]
    )
    rows = selectors.reports_for_user(user=user).filter(created_at__gte=start, created_at__lt=end)
    for f in rows.select_related("group").order_by("id").iterator(chunk_size=2000):
        in_time = bool(f.resolved_at and f.resolve_due_at and f.resolved_at <= f.resolve_due_at)
        listing.append(
            [
                f.tracking_code,
                str(f.get_category_display()),
                cell_safe(f.group.name if f.group else ""),
                str(f.get_status_display()),
                _naive(f.created_at),
                _naive(f.resolve_due_at),
                _naive(f.resolved_at),
                _("yes") if in_time else (_("no") if f.resolved_at else ""),
            ]
        )
    for sheet, header_row in [(summary, 3), *[(sheet, 1) for sheet in book.worksheets[1:]]]:
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _naive(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None
