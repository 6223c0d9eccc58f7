"""The deliveries' lifecycle: who an announcement went to, at which phone or address, and a personal message's
text are personal data, kept DELIVERY_RETENTION_MONTHS full months after the month they were sent in. Then the
month is summarised into the roll-ups and removed whole, in one transaction:

- each announcement of the month keeps its reach (AnnouncementReach, worked out now if it never was) and its
  deliveries counted by channel and status (its tally), so its page, the ward's report and the province's
  figures read the same numbers as before, and is marked `deliveries_removed_on`;
- the month's batches (which list the people of a large audience) and personal messages go;
- on PostgreSQL the month's partition is detached and dropped (announcements.partitions), with the month's rows
  the default partition may hold deleted; on SQLite the month's rows are deleted;
- each ward's audit trail says what went, and when.

Partitions for the coming months are made by the same daily task (announcements.tasks.deliveries_keep).
"""

from datetime import date

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from announcements.models import Announcement, AnnouncementReach, Delivery, DeliveryBatch, PersonalMessage
from announcements.partitions import (
    DEFAULT,
    MONTHS_AHEAD,
    add_months,
    month_start,
    partition_drop,
    partition_make,
    partition_months,
    partitioned,
)
from announcements.selectors import tally_of
from announcements.services.reach import reach_keep
from groups.models import Ward
from portal.common.audit import audit_record
from portal.models import AuditEvent


def retention_cutoff(this_month: date) -> date | None:
    """The first month kept: every month before it is past the retention period. None when nothing expires."""
    months = settings.DELIVERY_RETENTION_MONTHS
    return add_months(this_month, -months) if months > 0 else None


def months_expired(cutoff: date) -> list[date]:
    """The months before `cutoff` that still hold deliveries (or, partitioned, a partition)."""
    if not partitioned():
        old = Delivery.objects.filter(month__lt=cutoff).values_list("month", flat=True).order_by().distinct()
        return sorted(old)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT month FROM {DEFAULT} WHERE month < %s", [cutoff])
        in_default = {row[0] for row in cursor.fetchall()}
    return sorted(in_default | {month for month in partition_months() if month < cutoff})


def deliveries_keep(today: date | None = None) -> dict[str, list[str]]:
    """The daily task's work: the coming months' partitions made, the expired months removed."""
    this = month_start() if today is None else today.replace(day=1)
    made = []
    if partitioned():
        made = [m for m in (add_months(this, n) for n in range(MONTHS_AHEAD + 1)) if partition_make(m)]
    cutoff = retention_cutoff(this)
    removed = months_expired(cutoff) if cutoff else []
    for month in removed:
        month_remove(month)
    return {"made": [f"{m:%Y-%m}" for m in made], "removed": [f"{m:%Y-%m}" for m in removed]}


def month_remove(month: date) -> int:
    """Summarise one month's deliveries into the roll-ups and remove them, in one transaction. Returns how many
    deliveries went."""
    rows = Delivery.objects.filter(month=month)
    today = timezone.localdate()
    with transaction.atomic():
        announced = Announcement.objects.filter(
            pk__in=rows.exclude(announcement_id=None).values("announcement_id").order_by().distinct()
        )
        gone: dict[int | None, int] = {}
        for announcement_id, ward_id in announced.values_list("pk", "ward_id"):
            if not AnnouncementReach.objects.filter(announcement_id=announcement_id).exists():
                reach_keep(announcement_id)
            tally = tally_of(rows.filter(announcement_id=announcement_id))
            AnnouncementReach.objects.filter(announcement_id=announcement_id).update(tally=tally)
            count = sum(n for by_status in tally["channels"].values() for n in by_status.values())
            gone[ward_id] = gone.get(ward_id, 0) + count
        ids = list(announced.values_list("pk", flat=True))
        Announcement.objects.filter(pk__in=ids).update(deliveries_removed_on=today)
        personal = PersonalMessage.objects.filter(delivery_id__in=rows.filter(announcement_id=None).values("id"))
        messages: dict[int | None, int] = {}
        for ward_id in personal.values_list("ward_id", flat=True):
            messages[ward_id] = messages.get(ward_id, 0) + 1
        personal.delete()
        DeliveryBatch.objects.filter(Q(month=month) | Q(announcement_id__in=ids)).delete()
        if partitioned():
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {DEFAULT} WHERE month = %s", [month])
                if month in partition_months():
                    partition_drop(cursor, month)
        else:
            rows.delete()
        wards = Ward.objects.in_bulk([pk for pk in set(gone) | set(messages) if pk is not None])
        for ward_id in sorted(set(gone) | set(messages), key=lambda pk: pk or 0):
            audit_record(
                actor=None,
                action=AuditEvent.Action.DELETE,
                object_type="announcements.delivery",
                object_id=f"{month:%Y-%m}",
                ward=wards.get(ward_id),
                summary=f"{month:%m/%Y}: {gone.get(ward_id, 0)} deliveries, {messages.get(ward_id, 0)} personal "
                f"messages removed after {settings.DELIVERY_RETENTION_MONTHS} months",
                changes={
                    "month": f"{month:%Y-%m}",
                    "deliveries": gone.get(ward_id, 0),
                    "personal_messages": messages.get(ward_id, 0),
                },
            )
    return sum(gone.values()) + sum(messages.values())
