"""The province's six-monthly (or yearly) report: one row per ward and the province's totals, in the layout of the
wards' own (the committee's name is the province's). Read from the roll-ups the wards' transactions keep (each
ward's days, each announcement's kept reach, each campaign's group totals), so 126 wards cost a few queries over
small tables, not a count of millions of rows. Counts only: no resident is named."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from announcements.models import AnnouncementReach
from campaigns.models import Campaign, ProvinceCampaign, Total
from groups.models import Province, ResidentialGroup, Ward
from groups.selectors import ward_days_summed
from portal.common.numbers import percent_of, vn_number, vn_percent
from portal.common.replica import replica_reads
from portal.common.text import natural_key
from portal.ward_report.data import Signing, period_words
from portal.ward_report.document import (
    FILED,
    Heading,
    heading_of,
    province_committee,
)
from portal.ward_report.printed import Printed
from portal.ward_report.summary import Figure
from portal.ward_report.tables import CHANGE, NUMBER, PERCENT, TEXT, Chart, Column, Section, Table

SECTIONS = 5


@dataclass
class WardLine:
    name: str
    declared: int = 0
    covered_start: int = 0
    covered_end: int = 0
    announcements: int = 0
    audience: int = 0
    reached: int = 0
    received: int = 0
    answered: int = 0
    resolved: int = 0
    in_time: int = 0
    meetings: int = 0
    attendance: int = 0

    @property
    def coverage_start(self) -> float | None:
        return percent_of(self.covered_start, self.declared)

    @property
    def coverage_end(self) -> float | None:
        return percent_of(self.covered_end, self.declared)

    @property
    def reach(self) -> float | None:
        return percent_of(self.reached, self.audience)

    @property
    def in_time_percent(self) -> float | None:
        return percent_of(self.in_time, self.resolved)


SUMMED = [
    "declared",
    "covered_start",
    "covered_end",
    "announcements",
    "audience",
    "reached",
    "received",
    "answered",
    "resolved",
    "in_time",
    "meetings",
    "attendance",
]


@dataclass
class CampaignLine:
    name: str
    unit: str
    target: int
    amount: int
    households: int
    wards: int

    @property
    def percent(self) -> float | None:
        return percent_of(self.amount, self.target)


@dataclass
class ProvinceReport:
    province: Province
    start: date
    end: date
    signing: Signing = field(default_factory=Signing)
    made_at: Any = field(default_factory=timezone.now)
    wards: list[WardLine] = field(default_factory=list)
    campaigns: list[CampaignLine] = field(default_factory=list)

    @property
    def total(self) -> WardLine:
        with translation.override("vi"):
            line = WardLine(_("Whole province"))
        for name in SUMMED:
            setattr(line, name, sum(getattr(w, name) for w in self.wards))
        return line


def build(
    *, province: Province, start: date, end: date, signing: Signing | None = None, progress: Callable | None = None
) -> ProvinceReport:
    with replica_reads():
        return _build(province, start, end, signing or Signing(), progress or (lambda done: None))


def _build(province: Province, start: date, end: date, signing: Signing, step: Callable) -> ProvinceReport:
    report = ProvinceReport(province=province, start=start, end=end, signing=signing)
    wards = {pk: WardLine(name) for pk, name in Ward.objects.filter(province=province).values_list("pk", "name")}
    ids = list(wards)
    for row in (
        ResidentialGroup.objects.filter(ward_id__in=ids, is_active=True)
        .values("ward_id")
        .annotate(n=Sum("households_total"))
    ):
        wards[row["ward_id"]].declared = row["n"] or 0
    # Households covered at a moment: every change before it, added up (the days keep each change).
    for pk, row in ward_days_summed(ids, day__lt=start).items():
        wards[pk].covered_start = row["covered"]
    for pk, row in ward_days_summed(ids, day__lte=end).items():
        wards[pk].covered_end = row["covered"]
    step(1)
    for row in (
        AnnouncementReach.objects.filter(ward_id__in=ids, sent_on__gte=start, sent_on__lte=end)
        .values("ward_id")
        .annotate(n=Count("pk"), audience=Sum("audience_households"), by_channel=Sum("by_channel"))
        .annotate(told=Sum("told"), loudspeaker=Sum("loudspeaker"))
    ):
        line = wards[row["ward_id"]]
        line.announcements, line.audience = row["n"], row["audience"] or 0
        line.reached = (row["by_channel"] or 0) + (row["told"] or 0) + (row["loudspeaker"] or 0)
    step(2)
    for pk, row in ward_days_summed(ids, day__gte=start, day__lte=end).items():
        line = wards[pk]
        line.received, line.answered = row["reports_received"], row["reports_answered"]
        line.resolved, line.in_time = row["reports_resolved"], row["reports_resolved_in_time"]
        line.meetings, line.attendance = row["meetings"], row["attendance"]
    step(3)
    report.wards = sorted(wards.values(), key=lambda w: natural_key(w.name))
    report.campaigns = _campaigns(province, start, end)
    step(4)
    return report


def _campaigns(province: Province, start: date, end: date) -> list[CampaignLine]:
    lines = []
    for campaign in ProvinceCampaign.objects.filter(province=province, starts_on__lte=end, ends_on__gte=start):
        parts = Campaign.objects.filter(province_campaign=campaign)
        sums = Total.objects.filter(campaign__in=parts).aggregate(amount=Sum("amount"), households=Sum("households"))
        lines.append(
            CampaignLine(
                campaign.name,
                campaign.unit_name,
                campaign.target,
                sums["amount"] or 0,
                sums["households"] or 0,
                parts.filter(~Q(target=0)).count(),
            )
        )
    return lines


def _rows(report: ProvinceReport, row: Callable[[WardLine], list]) -> tuple[list[list], list]:
    return [row(w) for w in report.wards], row(report.total)


def sections(report: ProvinceReport) -> list[Section]:
    with translation.override("vi"):
        ward = Column(_("Ward"), TEXT)
        rows, total = _rows(
            report,
            lambda w: [
                w.name,
                w.declared,
                w.covered_start,
                w.covered_end,
                w.coverage_start,
                w.coverage_end,
                w.covered_end - w.covered_start,
            ],
        )
        coverage = Section(
            _("Organisation and coverage"),
            [
                Table(
                    [
                        ward,
                        Column(_("Households declared")),
                        Column(_("Covered at the start")),
                        Column(_("Covered at the end")),
                        Column(_("Coverage at the start"), PERCENT),
                        Column(_("Coverage at the end"), PERCENT),
                        Column(_("Up or down"), CHANGE),
                    ],
                    rows,
                    total,
                )
            ],
            Chart(_("Coverage at the end, by ward"), 5),
            [
                _(
                    "Households declared are as the wards declare them today; covered households are counted from each day's changes."
                )
            ],
        )
        rows, total = _rows(report, lambda w: [w.name, w.announcements, w.audience, w.reached, w.reach])
        reach = Section(
            _("Announcements and reach"),
            [
                Table(
                    [
                        ward,
                        Column(_("Announcements")),
                        Column(_("Households meant")),
                        Column(_("Households reached")),
                        Column(_("Reach"), PERCENT),
                    ],
                    rows,
                    total,
                )
            ],
        )
        rows, total = _rows(
            report, lambda w: [w.name, w.received, w.answered, w.resolved, w.in_time, w.in_time_percent]
        )
        feedback = Section(
            _("Residents' reports"),
            [
                Table(
                    [
                        ward,
                        Column(_("Received")),
                        Column(_("Answered")),
                        Column(_("Resolved")),
                        Column(_("Resolved in time")),
                        Column(_("In time"), PERCENT),
                    ],
                    rows,
                    total,
                )
            ],
            Chart(_("Reports resolved in time, by ward"), 5),
        )
        campaigns = Section(
            _("Campaigns"),
            [
                Table(
                    [
                        Column(_("Campaign"), TEXT),
                        Column(_("Target")),
                        Column(_("Collected")),
                        Column(_("Households taking part")),
                        Column(_("Wards")),
                        Column(_("Of the target"), PERCENT),
                    ],
                    [[c.name, c.target, c.amount, c.households, c.wards, c.percent] for c in report.campaigns],
                    empty=_("The province ran no campaign of its own in this period."),
                )
            ],
        )
        rows, total = _rows(report, lambda w: [w.name, w.meetings, w.attendance])
        meetings = Section(
            _("Meetings"), [Table([ward, Column(_("Meetings")), Column(_("People attending"), NUMBER)], rows, total)]
        )
        return [coverage, reach, feedback, campaigns, meetings]


def heading(report: ProvinceReport) -> Heading:
    return heading_of(
        report.signing,
        report.made_at.date(),
        committee=province_committee(report.province.name).removeprefix("Ủy ban MTTQ Việt Nam "),
        place=report.province.name,
        period=period_words(report.start, report.end),
    )


def sentences(report: ProvinceReport) -> list[str]:
    total = report.total
    with translation.override("vi"):
        said = [
            _(
                "The province's %(wards)s wards declared %(households)s households; %(covered)s of them (%(coverage)s) "
                "were connected at the end of the period, against %(start)s at the start."
            )
            % {
                "wards": vn_number(len(report.wards)),
                "households": vn_number(total.declared),
                "covered": vn_number(total.covered_end),
                "coverage": vn_percent(total.coverage_end),
                "start": vn_percent(total.coverage_start),
            },
            _(
                "%(count)s announcements reached %(reached)s of the %(meant)s households they were meant for (%(reach)s)."
            )
            % {
                "count": vn_number(total.announcements),
                "reached": vn_number(total.reached),
                "meant": vn_number(total.audience),
                "reach": vn_percent(total.reach),
            },
            _(
                "The wards received %(received)s reports from residents, answered %(answered)s and resolved %(resolved)s, "
                "%(in_time)s of them in time (%(percent)s)."
            )
            % {
                "received": vn_number(total.received),
                "answered": vn_number(total.answered),
                "resolved": vn_number(total.resolved),
                "in_time": vn_number(total.in_time),
                "percent": vn_percent(total.in_time_percent),
            },
        ]
        for campaign in report.campaigns:
            said.append(
                _("%(name)s: %(amount)s of %(target)s (%(percent)s).")
                % {
                    "name": campaign.name,
                    "amount": f"{vn_number(campaign.amount)} {campaign.unit}".strip(),
                    "target": f"{vn_number(campaign.target)} {campaign.unit}".strip(),
                    "percent": vn_percent(campaign.percent),
                }
            )
        said.append(
            _("%(meetings)s meetings were held, with %(attendance)s people attending.")
            % {"meetings": vn_number(total.meetings), "attendance": vn_number(total.attendance)}
        )
        return said


def figures(report: ProvinceReport) -> list[Figure]:
    total = report.total
    with translation.override("vi"):
        return [
            Figure(_("Wards"), len(report.wards)),
            Figure(_("Households declared"), total.declared),
            Figure(_("Coverage at the start"), total.coverage_start, PERCENT),
            Figure(_("Coverage at the end"), total.coverage_end, PERCENT),
            Figure(_("Announcements sent"), total.announcements),
            Figure(_("Reach"), total.reach, PERCENT),
            Figure(_("Reports received"), total.received),
            Figure(_("Reports answered"), total.answered),
            Figure(_("Resolved in time"), total.in_time),
            Figure(_("Meetings"), total.meetings),
        ]


def printed(report: ProvinceReport) -> Printed:
    return Printed(heading(report), sentences(report), sections(report), figures(report))


def default_signing(province: Province) -> Signing:
    return Signing(place=province.name, recipients=["Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam", FILED])
