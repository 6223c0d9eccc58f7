"""A ward's figures kept as they change: the households each group covers, and each ward's counters per day.

Every service whose transaction changes one of these figures adds its change here, inside that transaction, so
the figure and what it counts commit or roll back together. The province's page and report then read a few
hundred small rows instead of counting memberships, reports and attendance across a province."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db import connection
from django.db.models import Count, F
from django.utils import timezone

from groups.models import Membership, ResidentialGroup, WardDay

Deltas = dict[tuple[int, date], dict[str, int]]


def ward_days_add(changes: Deltas) -> None:
    """Add each (ward, day)'s counter changes in one statement. Rows are taken in one order (ward, then day), so
    two transactions adding to the same days wait for each other instead of deadlocking."""
    rows = [
        (ward_id, day, counters)
        for (ward_id, day), counters in sorted(changes.items())
        if any(counters.get(name) for name in WardDay.COUNTERS)
    ]
    if not rows:
        return
    table = connection.ops.quote_name(WardDay._meta.db_table)
    names = ", ".join(WardDay.COUNTERS)
    marks = "(" + ", ".join(["%s"] * (2 + len(WardDay.COUNTERS))) + ")"
    adds = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in WardDay.COUNTERS)
    values = []
    for ward_id, day, counters in rows:
        values += [ward_id, day] + [int(counters.get(name, 0)) for name in WardDay.COUNTERS]
    # ON CONFLICT … DO UPDATE reads the same on PostgreSQL and SQLite (3.24 and later).
    sql = (
        f"INSERT INTO {table} (ward_id, day, {names}) VALUES {', '.join([marks] * len(rows))} "
        f"ON CONFLICT (ward_id, day) DO UPDATE SET {adds}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def ward_day_add(ward_id: int, day: date | None = None, **counters: int) -> None:
    """One ward's changes on one day (today, in the portal's time zone, when not given)."""
    ward_days_add({(ward_id, day or timezone.localdate()): counters})


def coverage_refresh(group_ids: Iterable[int]) -> None:
    """Count again the households each of these groups covers (at least one member of the group, living in one of
    its households, active in it), keep the count on the group and add the change to its ward's day.

    Called by every service that changes who is active where or which household a member lives in. The groups
    are locked first, in one order, so two changes to a group one after the other each see the other's count."""
    ids = sorted({int(pk) for pk in group_ids if pk})
    if not ids:
        return
    groups = list(
        ResidentialGroup.objects.select_for_update().filter(pk__in=ids).order_by("pk").only("ward", "covered")
    )
    counted = dict(
        Membership.objects.filter(group_id__in=ids, status=Membership.Status.ACTIVE)
        .filter(member__household__group_id=F("group_id"))
        .values("group_id")
        .annotate(n=Count("member__household", distinct=True))
        .values_list("group_id", "n")
    )
    changes: Deltas = defaultdict(dict)
    today = timezone.localdate()
    for group in groups:
        now = counted.get(group.pk, 0)
        if now != group.covered:
            day = changes[(group.ward_id, today)]
            day["covered"] = day.get("covered", 0) + now - group.covered
            ResidentialGroup.objects.filter(pk=group.pk).update(covered=now)
    ward_days_add(changes)
