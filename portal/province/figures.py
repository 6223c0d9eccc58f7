"""Every ward of a province with its figures, read from the roll-ups the transactions keep: the households each
group covers, each ward's days, each announcement's kept reach, each campaign's group totals. Six queries over a
few thousand small rows, whatever the province's number of members, reports and deliveries; the one count of a
big table, the reports overdue now, reads only the open reports through their partial index.

Counts and percentages only: nothing here names a resident, and the province's pages show nothing else."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from announcements.models import AnnouncementReach
from campaigns.models import Campaign, Total
from feedback.models import Report
from groups.models import Province, ResidentialGroup, Ward, WardDay
from groups.selectors import ward_days_summed
from portal.common.numbers import percent_of
from portal.common.replica import replica_reads
from portal.common.text import fold


@dataclass
class CampaignShare:
    name: str
    amount: int
    target: int

    @property
    def percent(self) -> float | None:
        return percent_of(self.amount, self.target)


@dataclass
class WardFigures:
    """One ward's line (or, for the province's totals, the sum of them)."""

    code: str
    name: str
    declared: int = 0
    covered: int = 0
    covered_change: int = 0  # this month
    audience: int = 0  # households this week's announcements were for
    by_channel: int = 0
    told: int = 0
    loudspeaker: int = 0
    received: int = 0
    answered: int = 0
    resolved: int = 0
    in_time: int = 0
    overdue: int = 0
    meetings: int = 0
    attendance: int = 0
    campaigns: list[CampaignShare] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        return percent_of(self.covered, self.declared)

    @property
    def reach(self) -> float | None:
        return percent_of(self.by_channel + self.told + self.loudspeaker, self.audience)

    @property
    def campaign(self) -> float | None:
        """The running campaigns' progress together: their amounts against their targets, each capped at its
        target so one campaign far over it does not hide another far behind."""
        shares = [c for c in self.campaigns if c.target]
        if not shares:
            return None
        return round(sum(min(c.percent or 0.0, 100.0) for c in shares) / len(shares), 1)


# Each column a person may sort by: how to read it from a line, and which way is worst first (what a province
# officer looks at first: the lowest coverage, the most reports overdue).
COLUMNS: dict[str, tuple[Any, bool]] = {
    "name": (lambda w: fold(w.name), False),
    "coverage": (lambda w: w.coverage, False),
    "change": (lambda w: w.covered_change, False),
    "reach": (lambda w: w.reach, False),
    "received": (lambda w: w.received, True),
    "answered": (lambda w: w.answered, False),
    "in_time": (lambda w: w.in_time, False),
    "overdue": (lambda w: w.overdue, True),
    "campaign": (lambda w: w.campaign, False),
    "meetings": (lambda w: w.meetings, False),
    "attendance": (lambda w: w.attendance, False),
}


@dataclass
class ProvinceFigures:
    province: Province
    wards: list[WardFigures]
    total: WardFigures
    month_start: date
    week_start: date


def _wards(province: Province, ward_ids: list[int] | None) -> dict[int, WardFigures]:
    wards = Ward.objects.filter(province=province)
    if ward_ids is not None:
        wards = wards.filter(pk__in=ward_ids)
    return {pk: WardFigures(code=code, name=name) for pk, code, name in wards.values_list("pk", "code", "name")}


def province_figures(
    *, province: Province, ward_ids: list[int] | None = None, now: datetime | None = None
) -> ProvinceFigures:
    """Every ward of the province (or those of `ward_ids` in it) with this month's, this week's and today's
    figures, and their totals; from the read replica when there is one."""
    with replica_reads():
        return _figures(province, ward_ids, now or timezone.now())


def _figures(province: Province, ward_ids: list[int] | None, now: datetime) -> ProvinceFigures:
    today = timezone.localdate(now)
    month_start, week_start = today.replace(day=1), today - timedelta(days=6)
    wards = _wards(province, ward_ids)
    ids = list(wards)
    for row in (
        ResidentialGroup.objects.filter(ward_id__in=ids, is_active=True)
        .values("ward_id")
        .annotate(declared=Sum("households_total"), covered=Sum("covered"))
    ):
        wards[row["ward_id"]].declared, wards[row["ward_id"]].covered = row["declared"] or 0, row["covered"] or 0
    for pk, row in ward_days_summed(ids, day__gte=month_start, day__lte=today).items():
        line = wards[pk]
        line.covered_change, line.received, line.answered = (
            row["covered"],
            row["reports_received"],
            row["reports_answered"],
        )
        line.resolved, line.in_time = row["reports_resolved"], row["reports_resolved_in_time"]
        line.meetings, line.attendance = row["meetings"], row["attendance"]
    for row in (
        AnnouncementReach.objects.filter(ward_id__in=ids, sent_on__gte=week_start, sent_on__lte=today)
        .values("ward_id")
        .annotate(
            audience=Sum("audience_households"),
            by_channel=Sum("by_channel"),
            told=Sum("told"),
            loudspeaker=Sum("loudspeaker"),
        )
    ):
        line = wards[row["ward_id"]]
        line.audience, line.by_channel = row["audience"], row["by_channel"]
        line.told, line.loudspeaker = row["told"], row["loudspeaker"]
    # Counting the ward's column, which the open reports' partial index holds, lets PostgreSQL answer from the
    # index alone (an index-only scan): COUNT(id) would visit every overdue report's row.
    for row in (
        Report.objects.filter(ward_id__in=ids, status__in=Report.OPEN, resolve_due_at__lt=now)
        .values("ward_id")
        .annotate(n=Count("ward_id"))
    ):
        wards[row["ward_id"]].overdue = row["n"]
    _campaigns(wards, today)
    lines = list(wards.values())
    return ProvinceFigures(province, lines, _total(province, lines), month_start, week_start)


def _campaigns(wards: dict[int, WardFigures], today: date) -> None:
    running = list(
        Campaign.objects.filter(
            ward_id__in=list(wards), status=Campaign.Status.OPEN, starts_on__lte=today, ends_on__gte=today
        )
        .order_by("ends_on", "pk")
        .values_list("pk", "ward_id", "name", "target")
    )
    sums = dict(
        Total.objects.filter(campaign_id__in=[pk for pk, *_rest in running])
        .values("campaign_id")
        .annotate(s=Sum("amount"))
        .values_list("campaign_id", "s")
    )
    for pk, ward_id, name, target in running:
        wards[ward_id].campaigns.append(CampaignShare(name, sums.get(pk) or 0, target))


def _total(province: Province, lines: list[WardFigures]) -> WardFigures:
    total = WardFigures(code=province.code, name=province.name)
    for name in (
        "declared",
        "covered",
        "covered_change",
        "audience",
        "by_channel",
        "told",
        "loudspeaker",
        "received",
        "answered",
        "resolved",
        "in_time",
        "overdue",
        "meetings",
        "attendance",
    ):
        setattr(total, name, sum(getattr(line, name) for line in lines))
    total.campaigns = [share for line in lines for share in line.campaigns]
    return total


def wards_sorted(lines: list[WardFigures], *, column: str, ascending: bool | None = None) -> list[WardFigures]:
    """By a column, worst first unless told otherwise; a ward with no figure there (no campaign running, nothing
    sent this week) comes last either way."""
    read, worst_high = COLUMNS.get(column, COLUMNS["coverage"])
    descending = worst_high if ascending is None else not ascending
    known = [w for w in lines if read(w) is not None]
    unknown = [w for w in lines if read(w) is None]
    known.sort(key=lambda w: (read(w), fold(w.name)), reverse=descending)
    return known + sorted(unknown, key=lambda w: fold(w.name))


def wards_filtered(lines: list[WardFigures], *, query: str = "", overdue: bool = False, below: int | None = None):
    """Those whose name holds every word typed (with or without accents), with reports overdue, or whose
    coverage is under `below` per cent."""
    words = fold(query)[:100].split()
    return [
        w
        for w in lines
        if all(word in fold(f"{w.name} {w.code}") for word in words)
        and (not overdue or w.overdue)
        and (below is None or (w.coverage is not None and w.coverage < below))
    ]


def ward_of_province(*, province: Province, code: str) -> Ward | None:
    return Ward.objects.filter(province=province, code=code).first()


def ward_month_days(*, ward: Ward, since: date) -> list[dict[str, Any]]:
    """A ward's days since `since`, newest first, each with what changed that day (for the ward's read-only page)."""
    return list(
        WardDay.objects.filter(ward=ward, day__gte=since)
        .filter(~Q(covered=0) | ~Q(reports_received=0) | ~Q(reports_answered=0) | ~Q(reports_resolved=0))
        .order_by("-day")
        .values("day", "covered", "reports_received", "reports_answered", "reports_resolved", "meetings")[:62]
    )
