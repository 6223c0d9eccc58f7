"""The roll-ups worked out again from what they count, for wards whose rows were written without the services
(an upgrade from before the province's tier, the demo, a benchmark's bulk load), or to check them.

It counts the big tables once, so it is a command an operator runs, never part of a page."""

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone

from announcements.models import Announcement
from announcements.services import reach_keep
from campaigns.models import Attendance, Meeting
from feedback.models import Report
from groups.models import ResidentialGroup, WardDay
from groups.selectors import covered_at
from groups.services.rollups import Deltas, ward_days_add


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _count_by_day(changes: Deltas, rows: Any, name: str, sign: int = 1) -> None:
    for row in rows:
        day = changes[(row["ward_id"], row["day"])]
        day[name] = day.get(name, 0) + sign * row["n"]


def figures_rebuild(*, ward_ids: list[int]) -> None:
    """The wards' day rows and their groups' covered households, counted again from the tables, in one
    transaction that holds every other writer of the day rows back until it ends (so none is lost or counted
    twice). Coverage before this month is not kept day by day: it is put on the day before the month began, and
    this month's change on today."""
    today = timezone.localdate()
    month_start = today.replace(day=1)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {WardDay._meta.db_table} IN EXCLUSIVE MODE")
        groups = list(ResidentialGroup.objects.select_for_update().filter(ward_id__in=ward_ids).order_by("pk"))
        ids = [g.pk for g in groups]
        WardDay.objects.filter(ward_id__in=ward_ids).delete()
        changes: Deltas = defaultdict(dict)
        before, now = covered_at(ids, _day_start(month_start)), covered_at(ids, timezone.now())
        for group in groups:
            ResidentialGroup.objects.filter(pk=group.pk).update(covered=now.get(group.pk, 0))
            start, change = before.get(group.pk, 0), now.get(group.pk, 0) - before.get(group.pk, 0)
            for day, n in ((month_start - timedelta(days=1), start), (today, change)):
                counters = changes[(group.ward_id, day)]
                counters["covered"] = counters.get("covered", 0) + n
        reports = Report.objects.filter(ward_id__in=ward_ids)

        def by_day(rows: Any, moment: str) -> Any:
            return rows.annotate(day=TruncDate(moment)).values("ward_id", "day").annotate(n=Count("id"))

        _count_by_day(changes, by_day(reports, "created_at"), "reports_received")
        _count_by_day(
            changes, by_day(reports.filter(first_response_at__isnull=False), "first_response_at"), "reports_answered"
        )
        resolved = reports.filter(resolved_at__isnull=False)
        _count_by_day(changes, by_day(resolved, "resolved_at"), "reports_resolved")
        in_time = resolved.filter(resolve_due_at__isnull=False, resolved_at__lte=F("resolve_due_at"))
        _count_by_day(changes, by_day(in_time, "resolved_at"), "reports_resolved_in_time")
        _count_by_day(changes, by_day(Meeting.objects.filter(ward_id__in=ward_ids), "starts_at"), "meetings")
        attendance = (
            Attendance.objects.filter(meeting__ward_id__in=ward_ids)
            .annotate(day=TruncDate("meeting__starts_at"))
            .values("day", ward_id=F("meeting__ward_id"))
            .annotate(n=Count("id"))
        )
        _count_by_day(changes, attendance, "attendance")
        ward_days_add(changes)
        for pk in Announcement.objects.filter(ward_id__in=ward_ids, status=Announcement.Status.SENT).values_list(
            "pk", flat=True
        ):
            reach_keep(pk)
