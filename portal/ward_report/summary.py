"""The report's opening: a few sentences a committee member reads before any table (coverage and its change,
messages and reach, reports and their answers, each campaign against its target, meetings and attendance), and
the key figures the workbook's summary sheet lists. Built from the same WardReport the tables are."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.common.numbers import percent_of, vn_number, vn_percent
from portal.ward_report.data import WardReport
from portal.ward_report.tables import NUMBER, PERCENT


@dataclass
class Figure:
    label: str
    value: int | float | None
    kind: str = NUMBER


def _points(start: float | None, end: float | None) -> str:
    """A change of a percentage in words: "tăng 12,3 điểm phần trăm"."""
    if start is None or end is None or round(end - start, 1) == 0:
        return _("unchanged")
    change = round(end - start, 1)
    words = vn_percent(abs(change)).removesuffix("\u00a0%")
    return (_("up %s percentage points") if change > 0 else _("down %s percentage points")) % words


def _amount(value: int, unit: str) -> str:
    return f"{vn_number(value)} {unit}".strip()


def reach_total(report: WardReport) -> float | None:
    """Households reached over households meant, for every announcement of the period together."""
    reached = sum(a.by_channel + a.told + a.loudspeaker for a in report.announcements)
    return percent_of(reached, sum(a.audience for a in report.announcements))


def sentences(report: WardReport) -> list[str]:
    with translation.override("vi"):
        return [
            _coverage(report),
            _announcements(report),
            _feedback(report),
            *_campaigns(report),
            _meetings(report),
        ]


def _coverage(report: WardReport) -> str:
    whole = report.whole
    return _(
        "At the end of the period %(covered)s of the %(households)s households declared (%(coverage)s) had someone "
        "connected with the Front's work committee of their group, %(change)s against the start (%(start)s); "
        "members: %(members_start)s at the start, %(members_end)s at the end."
    ) % {
        "covered": vn_number(whole.covered_end),
        "households": vn_number(whole.households),
        "coverage": vn_percent(whole.coverage_end),
        "change": _points(whole.coverage_start, whole.coverage_end),
        "start": vn_percent(whole.coverage_start),
        "members_start": vn_number(whole.members_start),
        "members_end": vn_number(whole.members_end),
    }


def _announcements(report: WardReport) -> str:
    if not report.announcements:
        return _("No announcement was sent in this period.")
    messages = sum(c["total"] for c in report.deliveries_by_channel.values())
    return ngettext(
        "%(count)s announcement was sent in %(messages)s messages; it reached %(reach)s of the households it was "
        "meant for, by a channel, in person or on the loudspeaker.",
        "%(count)s announcements were sent in %(messages)s messages; they reached %(reach)s of the households they "
        "were meant for, by a channel, in person or on the loudspeaker.",
        len(report.announcements),
    ) % {
        "count": vn_number(len(report.announcements)),
        "messages": vn_number(messages),
        "reach": vn_percent(reach_total(report)),
    }


def _feedback(report: WardReport) -> str:
    total = report.feedback_total
    if not total.received:
        return _("No report from residents was received in this period.")
    return _(
        "The ward received %(received)s reports from residents, %(valid)s of them valid; %(answered)s were "
        "answered and %(in_time)s resolved in time (%(share)s of the valid ones)."
    ) % {
        "received": vn_number(total.received),
        "valid": vn_number(total.valid),
        "answered": vn_number(total.answered),
        "in_time": vn_number(total.in_time),
        "share": vn_percent(percent_of(total.in_time, total.valid)),
    }


def _campaigns(report: WardReport) -> list[str]:
    return [
        _(
            "The campaign “%(name)s” reached %(amount)s, %(percent)s of its target of %(target)s, with %(households)s "
            "households taking part."
        )
        % {
            "name": c.name,
            "amount": _amount(c.amount, c.unit),
            "percent": vn_percent(c.percent),
            "target": _amount(c.target, c.unit),
            "households": vn_number(c.households),
        }
        for c in report.campaigns
    ]


def _meetings(report: WardReport) -> str:
    if not report.meetings:
        return _("No meeting was held in this period.")
    total = report.meetings_total
    return ngettext(
        "%(count)s meeting was held: of %(invited)s people invited, %(came)s came (%(percent)s).",
        "%(count)s meetings were held: of %(invited)s people invited, %(came)s came (%(percent)s).",
        len(report.meetings),
    ) % {
        "count": vn_number(len(report.meetings)),
        "invited": vn_number(total.invited),
        "came": vn_number(total.attended),
        "percent": vn_percent(total.percent),
    }


def figures(report: WardReport) -> list[Figure]:
    """The key figures of the workbook's summary sheet, as numbers a spreadsheet can compute with."""
    with translation.override("vi"):
        reports, meetings = report.feedback_total, report.meetings_total
        whole = report.whole
        return [
            Figure(_("Households declared"), whole.households),
            Figure(_("Coverage at the start"), whole.coverage_start, PERCENT),
            Figure(_("Coverage at the end"), whole.coverage_end, PERCENT),
            Figure(_("Members at the start"), whole.members_start),
            Figure(_("Members at the end"), whole.members_end),
            Figure(_("Announcements sent"), len(report.announcements)),
            Figure(_("Messages"), sum(c["total"] for c in report.deliveries_by_channel.values())),
            Figure(_("Reach"), reach_total(report), PERCENT),
            Figure(_("Reports received"), reports.received),
            Figure(_("Valid reports"), reports.valid),
            Figure(_("Reports answered"), reports.answered),
            Figure(_("Resolved in time"), reports.in_time),
            Figure(_("Resolved in time, of the valid ones"), percent_of(reports.in_time, reports.valid), PERCENT),
            Figure(_("Campaigns"), len(report.campaigns)),
            Figure(_("Meetings"), len(report.meetings)),
            Figure(_("Attendance at meetings"), meetings.percent, PERCENT),
        ]
