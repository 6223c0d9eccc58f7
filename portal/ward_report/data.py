"""What the six-monthly (or yearly) report of a ward says, as plain figures: organisation and coverage,
announcements and reach, feedback, campaigns, meetings. Counts only: no resident's name or phone is in it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from announcements.models import Announcement, Delivery
from announcements.selectors import reach_of, tally_summed
from campaigns.models import Campaign, Meeting
from campaigns.selectors import attendance_by_group, campaign_progress
from feedback.models import Category, Report
from feedback.selectors import report_numbers
from groups.models import ResidentialGroup, Ward
from groups.selectors import covered_at, members_at
from portal.common.numbers import percent_of
from portal.common.text import natural_key


def last_half_year(today: date | None = None) -> tuple[date, date]:
    """The last whole half-year before today: January–June, or July–December."""
    today = today or timezone.localdate()
    if today.month > 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class GroupRow:
    """A group's figures at the start and the end of the period, both from the memberships' history (when each
    began and ended), so a past period reads as it was then and not as today."""

    name: str
    households: int
    covered_start: int
    covered_end: int
    members_start: int
    members_end: int

    @property
    def coverage_start(self) -> float | None:
        return percent_of(self.covered_start, self.households)

    @property
    def coverage_end(self) -> float | None:
        return percent_of(self.covered_end, self.households)

    @property
    def change(self) -> int:
        return self.members_end - self.members_start


GROUP_COUNTS = ["households", "covered_start", "covered_end", "members_start", "members_end"]


@dataclass
class AnnouncementRow:
    title: str
    sent_on: date
    category: str
    audience: int
    by_channel: int
    told: int
    loudspeaker: int

    @property
    def reach(self) -> float | None:
        total = self.by_channel + self.told + self.loudspeaker
        return percent_of(total, self.audience)


@dataclass
class MonthRow:
    month: str
    received: int
    valid: int
    answered: int
    in_time: int


MONTH_COUNTS = ["received", "valid", "answered", "in_time"]


@dataclass
class CampaignRow:
    name: str
    kind: str
    unit: str
    target: int
    amount: int
    households: int
    percent: float | None


@dataclass
class MeetingRow:
    title: str
    held_on: date | None
    invited: int
    attended: int

    @property
    def percent(self) -> float | None:
        return percent_of(self.attended, self.invited)


@dataclass
class Signing:
    """What makes the report a document the standing committee signs: its number, where and when, who signs,
    and who receives it. The ward admin sets them before making it."""

    number: str = ""
    place: str = ""
    signer: str = ""
    title: str = "CHỦ TỊCH"
    recipients: list[str] = field(default_factory=list)
    signed_on: date | None = None


@dataclass
class WardReport:
    ward: Ward
    start: date
    end: date
    made_at: datetime = field(default_factory=timezone.now)
    groups: list[GroupRow] = field(default_factory=list)
    announcements: list[AnnouncementRow] = field(default_factory=list)
    deliveries_by_channel: dict[str, dict[str, int]] = field(default_factory=dict)
    months: list[MonthRow] = field(default_factory=list)
    categories: list[MonthRow] = field(default_factory=list)  # the same counts, one row per category
    campaigns: list[CampaignRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    unreachable: int = 0  # people an announcement was meant for who agreed to no channel at all
    signing: Signing = field(default_factory=Signing)

    @property
    def whole(self) -> GroupRow:
        """The whole ward, as one more row of the same kind as its groups' (the tables' last row)."""
        return GroupRow(
            "",
            *(sum(getattr(g, name) for g in self.groups) for name in GROUP_COUNTS),
        )

    @property
    def feedback_total(self) -> MonthRow:
        """The whole period's reports, summed over its months (the table's last row, the summary's figures)."""
        return MonthRow("", *(sum(getattr(m, name) for m in self.months) for name in MONTH_COUNTS))

    @property
    def meetings_total(self) -> MeetingRow:
        """Every meeting of the period together: people invited and people who came."""
        return MeetingRow("", None, sum(m.invited for m in self.meetings), sum(m.attended for m in self.meetings))

    @property
    def period(self) -> str:
        return period_words(self.start, self.end)


SECTIONS = 5


def period_words(start: date, end: date) -> str:
    """The period as a Front document names it in its subject: "6 tháng đầu năm 2026", "năm 2026", or the days."""
    with translation.override("vi"):
        if start.year == end.year and (start.month, start.day) == (1, 1):
            if (end.month, end.day) == (6, 30):
                return _("the first six months of %(year)d") % {"year": start.year}
            if (end.month, end.day) == (12, 31):
                return _("the year %(year)d") % {"year": start.year}
        if start.year == end.year and (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
            return _("the last six months of %(year)d") % {"year": start.year}
        return _("from %(start)s to %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}


def build(
    *,
    ward: Ward,
    start: date,
    end: date,
    signing: Signing | None = None,
    progress: Callable[[int], Any] | None = None,
) -> WardReport:
    """Every section in turn; `progress(done)` is told after each one (the page's progress bar)."""
    report = WardReport(ward=ward, start=start, end=end, signing=signing or Signing())
    since, until = _moment(start), _moment(end + timedelta(days=1))
    steps = [_organisation, _announcements, _feedback, _campaigns, _meetings]
    for done, step in enumerate(steps, start=1):
        step(report, since, until)
        if progress:
            progress(done)
    return report


def _organisation(report: WardReport, since: datetime, until: datetime) -> None:
    groups = list(ResidentialGroup.objects.filter(ward=report.ward, is_active=True))
    ids = [g.pk for g in groups]
    # The end of a period still running is now: a membership cannot have begun in the future.
    until = min(until, timezone.now())
    members_start, members_end = members_at(ids, since), members_at(ids, until)
    covered_start, covered_end = covered_at(ids, since), covered_at(ids, until)
    report.groups = sorted(
        (
            GroupRow(
                g.name,
                g.households_total,
                covered_start.get(g.pk, 0),
                covered_end.get(g.pk, 0),
                members_start.get(g.pk, 0),
                members_end.get(g.pk, 0),
            )
            for g in groups
        ),
        key=lambda row: natural_key(row.name),
    )


def _announcements(report: WardReport, since: datetime, until: datetime) -> None:
    sent = Announcement.objects.filter(
        ward=report.ward,
        status__in=[Announcement.Status.SENDING, Announcement.Status.SENT],
        send_started_at__gte=since,
        send_started_at__lt=until,
    ).order_by("send_started_at")
    for announcement in sent:
        reach = reach_of(announcement)
        report.announcements.append(
            AnnouncementRow(
                announcement.title,
                timezone.localdate(announcement.send_started_at),
                str(announcement.get_category_display()),
                announcement.audience_households,
                reach.by_channel,
                reach.told,
                reach.loudspeaker,
            )
        )
    # Counted from the deliveries, or from what an announcement kept of them once the retention period removed them.
    tally = tally_summed(sent)
    for kind, statuses in sorted(tally["channels"].items()):
        for status, n in sorted(statuses.items()):
            if not kind:  # a person with no channel they agreed to: not a channel's figure
                report.unreachable += n
                continue
            counts = report.deliveries_by_channel.setdefault(kind, {"sent": 0, "failed": 0, "unknown": 0, "total": 0})
            counts["total"] += n
            if status in {Delivery.Status.SENT, Delivery.Status.DELIVERED}:
                counts["sent"] += n
            elif status == Delivery.Status.FAILED:
                counts["failed"] += n
            elif status == Delivery.Status.UNKNOWN:  # neither reached nor failed: counted apart
                counts["unknown"] += n


def _counts(label: str, rows: Any) -> MonthRow:
    numbers = report_numbers(rows)
    return MonthRow(label, numbers.received, numbers.valid, numbers.answered, numbers.resolved_in_time)


def _feedback(report: WardReport, since: datetime, until: datetime) -> None:
    reports = Report.objects.filter(ward=report.ward, created_at__gte=since, created_at__lt=until)
    year, month = report.start.year, report.start.month
    while (year, month) <= (report.end.year, report.end.month):
        first = timezone.make_aware(datetime(year, month, 1))
        after = timezone.make_aware(datetime(year + (month == 12), month % 12 + 1, 1))
        report.months.append(
            _counts(f"{month:02d}/{year}", reports.filter(created_at__gte=first, created_at__lt=after))
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    labels = dict(Category.choices)
    for category in sorted(set(reports.values_list("category", flat=True))):
        report.categories.append(_counts(str(labels.get(category, category)), reports.filter(category=category)))


def _campaigns(report: WardReport, since: datetime, until: datetime) -> None:
    campaigns = Campaign.objects.filter(ward=report.ward, starts_on__lte=report.end, ends_on__gte=report.start)
    for campaign in campaigns.order_by("starts_on", "pk"):
        progress = campaign_progress(campaign=campaign)
        report.campaigns.append(
            CampaignRow(
                campaign.name,
                str(campaign.get_kind_display()),
                campaign.unit_name,
                campaign.target,
                progress.amount,
                progress.households,
                progress.percent,
            )
        )


def _meetings(report: WardReport, since: datetime, until: datetime) -> None:
    meetings = Meeting.objects.filter(ward=report.ward, starts_at__gte=since, starts_at__lt=until)
    for meeting in meetings.order_by("starts_at"):
        rows = attendance_by_group(meeting=meeting)
        report.meetings.append(
            MeetingRow(
                meeting.title,
                timezone.localdate(meeting.starts_at),
                sum(r.invited for r in rows),
                sum(r.attended for r in rows),
            )
        )
