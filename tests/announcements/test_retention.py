"""The delivery table by month: every announcement's rows in its month's partition, and a month past the
retention period summarised into the roll-ups, then detached and dropped in one step."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from announcements import partitions, services
from announcements.models import Announcement, AnnouncementReach, Delivery, DeliveryBatch, PersonalMessage
from announcements.selectors import delivery_stats
from portal.models import AuditEvent
from portal.ward_report.data import build
from tests.announcements.conftest import drain, sent_out
from tests.factories import HouseholdFactory, member_in

pytestmark = pytest.mark.django_db

THIS = partitions.month_start()
LONG_AGO = partitions.add_months(THIS, -14)  # past a 12-month retention period
LAST_MONTH = partitions.add_months(THIS, -1)  # within it


def _exists(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        return cursor.fetchone()[0]


def _where(announcement: Announcement) -> set[str]:
    """The tables an announcement's rows are stored in."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tableoid::regclass::text FROM announcements_delivery WHERE announcement_id = %s",
            [announcement.pk],
        )
        return {row[0] for row in cursor.fetchall()}


def _moved_to(announcement: Announcement, month: date) -> None:
    """As if it had been sent in `month`: its rows and batches carry that month (the rows move partition)."""
    Delivery.objects.filter(announcement=announcement).update(month=month)
    DeliveryBatch.objects.filter(announcement=announcement).update(month=month)
    Announcement.objects.filter(pk=announcement.pk).update(
        send_started_at=timezone.make_aware(timezone.datetime(month.year, month.month, 15, 9, 0))
    )


def _sent(alice, bob, group, *people):
    announcement = sent_out(author=bob, approver=alice, group_ids=[group.pk])
    drain(announcement)
    assert announcement.status == Announcement.Status.SENT
    return announcement


def _figures(announcement: Announcement) -> tuple:
    stats = delivery_stats(Announcement.objects.get(pk=announcement.pk))
    return stats.total, stats.by_status, stats.by_channel, stats.skipped_reasons, stats.reach_total


def _ward_report(ward) -> tuple:
    """The ward's report over the last two years: its deliveries by channel, the unreachable, the reach."""
    report = build(ward=ward, start=partitions.add_months(THIS, -24), end=timezone.localdate())
    return (
        report.deliveries_by_channel,
        report.unreachable,
        [(row.title, row.by_channel) for row in report.announcements],
    )


def test_an_announcement_s_rows_are_stored_in_the_partition_of_the_month_it_went_out(alice, bob, group_a1, sms_gateway):
    member_in(group_a1)
    member_in(group_a1, consent_sms=False)
    announcement = _sent(alice, bob, group_a1)

    assert partitions.partitioned()
    assert _where(announcement) == {partitions.partition_name(THIS)}
    assert set(DeliveryBatch.objects.filter(announcement=announcement).values_list("month", flat=True)) == {THIS}
    # The month is in every unique key, and one message a person still holds: a second row for the same person is
    # refused.
    person = Delivery.objects.filter(announcement=announcement, member__isnull=False).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(announcement=announcement, member_id=person.member_id, kind="sms", month=THIS)


def test_a_month_without_a_partition_keeps_its_rows_in_the_default_until_its_partition_takes_them(
    alice, bob, group_a1, sms_gateway
):
    member_in(group_a1)
    announcement = _sent(alice, bob, group_a1)
    month = partitions.add_months(THIS, -30)

    _moved_to(announcement, month)
    assert _where(announcement) == {partitions.DEFAULT}

    assert partitions.partition_make(month) is True
    assert partitions.partition_make(month) is False  # made once
    assert _where(announcement) == {partitions.partition_name(month)}
    assert Delivery.objects.filter(announcement=announcement, month=month).count() == 1


def test_a_month_past_the_retention_period_is_summarised_then_dropped_in_one_step(
    alice, bob, group_a1, sms_gateway, settings, client_for
):
    settings.DELIVERY_RETENTION_MONTHS = 12
    home = HouseholdFactory(group=group_a1)
    reached = [member_in(group_a1, household=home, phone="+84912000101"), member_in(group_a1, phone="+84912000102")]
    member_in(group_a1, consent_sms=False)  # skipped: no channel they agreed to
    old = _sent(alice, bob, group_a1)
    recent = _sent(alice, bob, group_a1)
    _moved_to(old, LONG_AGO)
    _moved_to(recent, LAST_MONTH)
    partitions.partition_make(LONG_AGO)
    partitions.partition_make(LAST_MONTH)
    # A reporter's tracking code sent that long ago: its text carries their link, personal data too.
    tip = services.personal_message_queue(
        kind="sms",
        address="0912000103",
        topic="report:1",
        what="code",
        title="Mã",
        text="PA-1",
        ward_id=group_a1.ward_id,
    )
    Delivery.objects.filter(pk=tip.delivery_id).update(month=LONG_AGO)
    before = _figures(old)
    report_before = _ward_report(group_a1.ward)
    recent_rows = Delivery.objects.filter(announcement=recent).count()
    assert before[0] == 3 and recent_rows == 3
    assert report_before[0] == {"sms": {"sent": 4, "failed": 0, "unknown": 0, "total": 4}}  # the old and recent

    done = services.deliveries_keep()

    assert done["removed"] == [f"{LONG_AGO:%Y-%m}"]
    assert not _exists(partitions.partition_name(LONG_AGO))  # detached and dropped
    assert not Delivery.objects.filter(announcement=old).exists()
    assert not PersonalMessage.objects.filter(pk=tip.pk).exists()
    assert not DeliveryBatch.objects.filter(announcement=old).exists()
    # The month within the period is untouched, and the coming months have their partitions.
    assert Delivery.objects.filter(announcement=recent).count() == recent_rows
    assert all(_exists(partitions.partition_name(partitions.add_months(THIS, n))) for n in range(3))
    # The page, the ward's report and the province read the same figures from the roll-ups.
    old.refresh_from_db()
    assert old.deliveries_removed_on == timezone.localdate()
    assert _figures(old) == before
    assert _ward_report(group_a1.ward) == report_before
    assert AnnouncementReach.objects.get(announcement=old).tally["channels"] == {"sms": {"sent": 2}, "": {"skipped": 1}}
    event = AuditEvent.objects.get(object_type="announcements.delivery", object_id=f"{LONG_AGO:%Y-%m}")
    assert event.ward_id == group_a1.ward_id and event.changes["deliveries"] == 3
    assert event.changes["personal_messages"] == 1

    page = client_for(alice).get(reverse("announcements:detail", args=[old.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "data-removed" in html
    assert all(person.phone[3:] not in html for person in reached)  # nobody's number is left to show

    # Run again the next night: nothing more to do.
    assert services.deliveries_keep()["removed"] == []
    # Households told in person can no longer be told apart from those a channel reached: recording is refused.
    with pytest.raises(ValidationError):
        services.in_person_record(announcement=old, household_ids=[home.pk], how="told", by=alice)
    assert _figures(old) == before


def test_with_no_retention_period_nothing_is_removed(alice, bob, group_a1, sms_gateway, settings):
    settings.DELIVERY_RETENTION_MONTHS = 0
    member_in(group_a1)
    old = _sent(alice, bob, group_a1)
    _moved_to(old, LONG_AGO)

    assert services.deliveries_keep()["removed"] == []
    assert Delivery.objects.filter(announcement=old).count() == 1


def test_an_unpartitioned_table_as_on_sqlite_has_its_expired_months_deleted_the_same_way(
    alice, bob, group_a1, sms_gateway, settings
):
    settings.DELIVERY_RETENTION_MONTHS = 12
    member_in(group_a1)
    member_in(group_a1, consent_sms=False)
    old = _sent(alice, bob, group_a1)
    recent = _sent(alice, bob, group_a1)
    _moved_to(old, LONG_AGO)
    before = _figures(old)
    top = Delivery.objects.order_by("-id").values_list("id", flat=True).first()

    with connection.cursor() as cursor:
        partitions.unpartition_table(cursor)
    assert not partitions.partitioned()
    assert Delivery.objects.count() == 4  # every row kept

    assert services.deliveries_keep()["removed"] == [f"{LONG_AGO:%Y-%m}"]
    assert not Delivery.objects.filter(announcement=old).exists()
    assert Delivery.objects.filter(announcement=recent).count() == 2
    assert _figures(old) == before

    # And back: partitioned again, its rows in their month, the ids going on from where they were.
    with connection.cursor() as cursor:
        partitions.partition_table(cursor)
    assert _where(recent) == {partitions.partition_name(THIS)}
    assert Delivery.objects.create(kind="sms", address="0912000009").pk > top
