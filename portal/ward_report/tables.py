"""The report's tables, once: each section's headers, rows and whole-ward row as plain values with the kind of
each column. The PDF, the Word file and the workbook all draw these, so a header and the value under it cannot
drift apart between formats."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from channels.kinds import channel_label
from portal.common.numbers import vn_number, vn_percent
from portal.ward_report.data import WardReport

TEXT, DATE, NUMBER, PERCENT, CHANGE = "text", "date", "number", "percent", "change"


@dataclass
class Column:
    title: str
    kind: str = NUMBER

    @property
    def numeric(self) -> bool:
        return self.kind in {NUMBER, PERCENT, CHANGE}


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None  # the whole ward's row, under the same headers
    empty: str = ""  # said instead of an empty table


@dataclass
class Chart:
    """A bar chart of one column of a table against its first column (the PDF and the Word file draw it as a
    picture, the workbook as a native chart over the same cells)."""

    title: str
    value_column: int
    percent: bool = True


@dataclass
class Section:
    title: str
    tables: list[Table]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)


def sections(report: WardReport) -> list[Section]:
    """Organisation and coverage, announcements and reach, feedback, campaigns, meetings, in Vietnamese."""
    with translation.override("vi"):
        return [_organisation(report), _announcements(report), _feedback(report), _campaigns(report), _meetings(report)]


def _organisation(report: WardReport) -> Section:
    columns = [
        Column(_("Group"), TEXT),
        Column(_("Households declared")),
        Column(_("Coverage at the start"), PERCENT),
        Column(_("Coverage at the end"), PERCENT),
        Column(_("Members at the start")),
        Column(_("Members at the end")),
        Column(_("Up or down"), CHANGE),
    ]
    rows = [
        [g.name, g.households, g.coverage_start, g.coverage_end, g.members_start, g.members_end, g.change]
        for g in report.groups + [report.whole]
    ]
    rows[-1][0] = _("Whole ward")
    *rows, total = rows
    notes = [
        _(
            "Coverage is the share of a group's declared households with at least one member in the group; both "
            "ends of the period are counted from when each membership began and ended."
        )
    ]
    return Section(
        _("Organisation and coverage"),
        [Table(columns, rows, total, _("No residential group yet."))],
        Chart(_("Coverage at the end of the period, by group"), 3),
        notes,
    )


def _announcements(report: WardReport) -> Section:
    sent = Table(
        [
            Column(_("Announcement"), TEXT),
            Column(_("Sent on"), DATE),
            Column(_("Households in the audience")),
            Column(_("By a channel")),
            Column(_("Told in person")),
            Column(_("Heard on the loudspeaker")),
            Column(_("Reach"), PERCENT),
        ],
        [[a.title, a.sent_on, a.audience, a.by_channel, a.told, a.loudspeaker, a.reach] for a in report.announcements],
        empty=_("No announcement was sent in this period."),
    )
    channels = Table(
        [
            Column(_("Channel"), TEXT),
            Column(_("Sent")),
            Column(_("Failed")),
            Column(_("Outcome unknown")),
            Column(_("Messages")),
        ],
        [[name, c["sent"], c["failed"], c["unknown"], c["total"]] for name, c in channel_rows(report)],
    )
    notes = []
    if report.unreachable:
        notes.append(
            _(
                "%(count)s times an announcement was meant for a person who has agreed to no channel (no Zalo, SMS "
                "or email): they were left to the group leaders to tell in person."
            )
            % {"count": vn_number(report.unreachable)}
        )
    tables = [sent] + ([channels] if channels.rows else [])
    return Section(_("Announcements and reach"), tables, None, notes)


def _feedback(report: WardReport) -> Section:
    counts = [Column(_("Received")), Column(_("Valid")), Column(_("Answered")), Column(_("Resolved in time"))]
    months = Table(
        [Column(_("Month"), TEXT), *counts],
        [[m.month, m.received, m.valid, m.answered, m.in_time] for m in report.months],
    )
    if months.rows:
        total = report.feedback_total
        months.total = [_("Whole period"), total.received, total.valid, total.answered, total.in_time]
    tables = [months]
    if report.categories:
        tables.append(
            Table(
                [Column(_("Category"), TEXT), *counts],
                [[c.month, c.received, c.valid, c.answered, c.in_time] for c in report.categories],
            )
        )
    return Section(_("Feedback"), tables, Chart(_("Reports received by month"), 1, percent=False))


def _campaigns(report: WardReport) -> Section:
    table = Table(
        [
            Column(_("Campaign"), TEXT),
            Column(_("Unit"), TEXT),
            Column(_("Target")),
            Column(_("Reached")),
            Column(_("Of the target"), PERCENT),
            Column(_("Households taking part")),
        ],
        [[c.name, c.unit, c.target, c.amount, c.percent, c.households] for c in report.campaigns],
        empty=_("No campaign ran in this period."),
    )
    return Section(_("Campaigns"), [table], Chart(_("Campaigns against their target"), 4) if table.rows else None)


def _meetings(report: WardReport) -> Section:
    table = Table(
        [
            Column(_("Meeting"), TEXT),
            Column(_("Held on"), DATE),
            Column(_("Invited")),
            Column(_("Came")),
            Column(_("Attendance"), PERCENT),
        ],
        [[m.title, m.held_on, m.invited, m.attended, m.percent] for m in report.meetings],
        empty=_("No meeting was held in this period."),
    )
    if table.rows:
        total = report.meetings_total
        table.total = [_("All meetings"), None, total.invited, total.attended, total.percent]
    return Section(_("Meetings"), [table], Chart(_("Attendance at meetings"), 4) if table.rows else None)


def channel_rows(report: WardReport) -> list[tuple[str, dict[str, int]]]:
    return [(str(channel_label(kind)), counts) for kind, counts in sorted(report.deliveries_by_channel.items())]


def shown(value: Any, kind: str) -> str:
    """A cell as Vietnamese write it: 1.023.000, 33,3 %, +2, 06/12/2026; "—" for a figure there is none of."""
    if value is None or value == "":
        return "—" if kind in {PERCENT, NUMBER, CHANGE} else ""
    if kind == PERCENT:
        return vn_percent(value)
    if kind == CHANGE:
        return ("+" if value > 0 else "") + vn_number(value)
    if kind == NUMBER:
        return vn_number(value)
    if kind == DATE and isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)
