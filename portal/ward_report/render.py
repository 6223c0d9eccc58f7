"""The ward's report as a PDF (WeasyPrint, the repo's Vietnamese fonts embedded) or as an XLSX workbook (one
sheet per section), both with charts as pictures and numbers as Vietnamese write them."""

import base64
import io
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.drawing.image import Image as SheetImage
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from portal.charts import FONTS, bars_png
from portal.numbers import vn_number, vn_percent
from portal.sheets import cell_safe
from portal.ward_report.data import WardReport


class ReportUnavailable(Exception):
    """The PDF cannot be made on this server (its system libraries for text layout are missing)."""


def charts(report: WardReport) -> dict[str, bytes]:
    return {
        "coverage": bars_png(
            _("Coverage by group"),
            [(g.name, g.coverage or 0, vn_percent(g.coverage)) for g in report.groups[:25]],
        ),
        "feedback": bars_png(
            _("Reports received by month"),
            [(m.month, m.received, vn_number(m.received)) for m in report.months],
            scale=max([m.received for m in report.months] + [1]),
        ),
        "campaigns": bars_png(
            _("Campaigns against their target"),
            [(c.name, c.percent or 0, vn_percent(c.percent)) for c in report.campaigns],
        ),
        "meetings": bars_png(
            _("Attendance at meetings"),
            [(f"{m.held_on:%d/%m} {m.title}", m.percent or 0, vn_percent(m.percent)) for m in report.meetings],
        ),
    }


def to_html(report: WardReport) -> str:
    """The page the PDF is printed from, in Vietnamese whatever the language of who asked."""
    pictures = {name: base64.b64encode(data).decode() for name, data in charts(report).items()}
    with translation.override("vi"):
        return render_to_string(
            "reports/ward_report.html",
            {"report": report, "charts": pictures, "fonts": FONTS.as_uri(), "channels": _channel_rows(report)},
        )


def to_pdf(report: WardReport) -> bytes:
    try:
        from weasyprint import HTML
    except (OSError, ImportError) as error:  # WeasyPrint loads Pango when imported
        raise ReportUnavailable(str(error)) from None
    return HTML(string=to_html(report)).write_pdf()


def _channel_rows(report: WardReport) -> list[tuple[str, dict[str, int]]]:
    from portal.dashboard import channel_label

    # A delivery with no kind is a person the announcement could not reach on any channel.
    return [
        (channel_label(kind) if kind else _("No channel"), counts)
        for kind, counts in sorted(report.deliveries_by_channel.items())
    ]


# --- XLSX ---------------------------------------------------------------------------------------------------

NUMBER = "#,##0"  # shown with the reader's own separators: 1.234.567 in a Vietnamese spreadsheet
PERCENT = "0.0%"


def _sheet(book: Workbook, title: str, heading: list[str], rows: list[list[Any]], formats: dict[int, str]) -> Any:
    sheet = book.create_sheet(title[:31])
    sheet.append(heading)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([cell_safe(v) if isinstance(v, str) else v for v in row])
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = number_format
    for index, name in enumerate(heading, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(48, len(name) + 4))
    sheet.column_dimensions["A"].width = 34
    return sheet


def _picture(sheet: Any, data: bytes, anchor: str) -> None:
    picture = SheetImage(io.BytesIO(data))
    picture.width, picture.height = picture.width // 2, picture.height // 2
    sheet.add_image(picture, anchor)


def _share(value: float | None) -> float | None:
    return None if value is None else value / 100


def to_xlsx(report: WardReport) -> bytes:
    pictures = charts(report)
    book = Workbook()
    cover = book.active
    with translation.override("vi"):
        cover.title = _("Summary")[:31]
        cover.append([_("Report of %(ward)s") % {"ward": report.ward.name}])
        cover["A1"].font = Font(bold=True, size=14)
        cover.append(
            [_("From %(start)s to %(end)s") % {"start": f"{report.start:%d/%m/%Y}", "end": f"{report.end:%d/%m/%Y}"}]
        )
        cover.append([_("Made at %s") % report.made_at.astimezone().strftime("%H:%M %d/%m/%Y")])
        cover.column_dimensions["A"].width = 60

        rows = [
            [g.name, g.households, g.covered, _share(g.coverage), g.members_start, g.members_end, g.change]
            for g in report.groups
        ]
        rows.append(
            [
                _("Whole ward"),
                report.households,
                report.covered_start,
                report.covered,
                report.covered_start / report.households if report.households else None,
                report.covered / report.households if report.households else None,
                report.members_start,
                report.members_end,
                report.members_end - report.members_start,
            ]
        )
        sheet = _sheet(
            book,
            _("Organisation and coverage"),
            [
                _("Group"),
                _("Households declared"),
                _("Households covered"),
                _("Coverage"),
                _("Members at the start"),
                _("Members at the end"),
                _("Change"),
            ],
            rows,
            {2: NUMBER, 3: NUMBER, 4: PERCENT, 5: NUMBER, 6: NUMBER, 7: NUMBER},
        )
        _picture(sheet, pictures["coverage"], "K2")

        sheet = _sheet(
            book,
            _("Announcements and reach"),
            [
                _("Announcement"),
                _("Sent on"),
                _("Category"),
                _("Households in the audience"),
                _("By a channel"),
                _("Told in person"),
                _("Heard on the loudspeaker"),
                _("Reach"),
            ],
            [
                [a.title, a.sent_on, a.category, a.audience, a.by_channel, a.told, a.loudspeaker, _share(a.reach)]
                for a in report.announcements
            ],
            {2: "DD/MM/YYYY", 4: NUMBER, 5: NUMBER, 6: NUMBER, 7: NUMBER, 8: PERCENT},
        )
        sheet.append([])
        sheet.append([_("Channel"), _("Sent"), _("Failed"), _("Outcome unknown"), _("Messages")])
        for name, counts in _channel_rows(report):
            sheet.append([name, counts["sent"], counts["failed"], counts["unknown"], counts["total"]])

        sheet = _sheet(
            book,
            _("Feedback"),
            [_("Month"), _("Received"), _("Valid"), _("Answered"), _("Resolved in time")],
            [[m.month, m.received, m.valid, m.answered, m.in_time] for m in report.months]
            + [[]]
            + [[c.month, c.received, c.valid, c.answered, c.in_time] for c in report.categories],
            {2: NUMBER, 3: NUMBER, 4: NUMBER, 5: NUMBER},
        )
        _picture(sheet, pictures["feedback"], "H2")

        sheet = _sheet(
            book,
            _("Campaigns"),
            [
                _("Campaign"),
                _("Kind"),
                _("Unit"),
                _("Target"),
                _("Reached"),
                _("Households taking part"),
                _("Of the target"),
            ],
            [[c.name, c.kind, c.unit, c.target, c.amount, c.households, _share(c.percent)] for c in report.campaigns],
            {4: NUMBER, 5: NUMBER, 6: NUMBER, 7: PERCENT},
        )
        _picture(sheet, pictures["campaigns"], "I2")

        sheet = _sheet(
            book,
            _("Meetings"),
            [_("Meeting"), _("Held on"), _("Invited"), _("Came"), _("Attendance")],
            [[m.title, m.held_on, m.invited, m.attended, _share(m.percent)] for m in report.meetings],
            {2: "DD/MM/YYYY", 3: NUMBER, 4: NUMBER, 5: PERCENT},
        )
        _picture(sheet, pictures["meetings"], "G2")
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
