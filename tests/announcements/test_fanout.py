"""Who gets an announcement, on which channel, and exactly once."""

from datetime import datetime

import pytest
from django.utils import timezone

from announcements import services
from announcements.models import Announcement, Delivery, DeliveryBatch
from groups.models import Membership, Outlet
from tests.announcements.conftest import back_off_over, drain, lease_runs_out, sent_out
from tests.factories import HouseholdFactory, MembershipFactory, member_in

pytestmark = pytest.mark.django_db


def test_a_person_in_two_targeted_groups_gets_one_sms(alice, bob, group_a1, group_a2, sms_gateway):
    both = member_in(group_a1, phone="+84912000001")
    MembershipFactory(member=both, group=group_a2)
    only_a2 = member_in(group_a2, phone="+84912000002")
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk, group_a2.pk])

    drain(announcement)

    assert sms_gateway.received == {"0912000001": 1, "0912000002": 1}
    assert announcement.status == Announcement.Status.SENT
    assert set(Delivery.objects.values_list("member_id", "status")) == {(both.pk, "sent"), (only_a2.pk, "sent")}


def test_the_preferred_channel_comes_first_and_people_without_consent_are_skipped(alice, bob, group_a1, sms_gateway):
    zalo_first = member_in(group_a1, consent_zalo=True, consent_sms=True, preferred_channel="zalo")
    sms_only = member_in(group_a1, consent_sms=True, preferred_channel="zalo")
    emailer = member_in(group_a1, consent_sms=False, consent_email=True, email="hoa@example.vn", preferred_channel="")
    nobody = member_in(group_a1, consent_sms=False)
    member_in(group_a1, consent_sms=True).memberships.update(status=Membership.Status.LEFT)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["zalo_oa", "sms", "email"])

    services.announcement_dispatch(announcement_id=announcement.pk)

    kinds = dict(Delivery.objects.values_list("member_id", "kind"))
    assert kinds == {zalo_first.pk: "zalo_oa", sms_only.pk: "sms", emailer.pk: "email", nobody.pk: ""}
    assert Delivery.objects.get(member=nobody).status == Delivery.Status.SKIPPED
    assert Delivery.objects.get(member=emailer).address == "hoa@example.vn"


def test_only_the_chosen_roles_are_addressed(alice, bob, group_a1, sms_gateway):
    head = member_in(group_a1)
    head.memberships.update(role=Membership.Role.GROUP_HEAD)
    member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], roles=["group_head"])

    drain(announcement)

    assert list(Delivery.objects.values_list("member_id", flat=True)) == [head.pk]


def test_materialising_twice_adds_nothing(alice, bob, group_a1, sms_gateway):
    for _ in range(5):
        member_in(group_a1)
    Outlet.objects.create(ward=group_a1.ward, group=group_a1, kind="web_feed", mode="per_group")
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["sms", "web_feed"])
    announcement.refresh_from_db()

    # A dispatch task delivered twice (a broker that lost its ack) makes the rows once.
    first = services.announcement_dispatch(announcement_id=announcement.pk)
    second = services.announcement_dispatch(announcement_id=announcement.pk)

    assert (first, second) == (6, 0)
    assert Delivery.objects.filter(announcement=announcement).count() == 6


def test_routine_sms_wait_for_the_morning_but_urgent_ones_go_at_night(alice, bob, group_a1, sms_gateway, settings):
    settings.QUIET_HOURS_SMS = "21:00-07:00"
    member_in(group_a1)
    night = timezone.make_aware(datetime(2026, 11, 20, 23, 30))
    routine = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    urgent = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], urgency="urgent")

    services.deliveries_materialize(announcement=routine, now=night)
    services.deliveries_materialize(announcement=urgent, now=night)

    morning = timezone.localtime(Delivery.objects.get(announcement=routine).not_before)
    assert (morning.day, morning.hour, morning.minute) == (21, 7, 0)
    assert Delivery.objects.get(announcement=urgent).not_before is None


def test_a_gateway_error_is_retried_with_the_same_request_and_sends_once(alice, bob, group_a1, sms_gateway):
    for _ in range(4):
        member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    sms_gateway.fail_next(503)

    drain(announcement)  # the first try fails; the batch waits for its back-off
    assert Delivery.objects.filter(status="queued", retries=1).count() == 4
    back_off_over()
    drain(announcement)

    assert sorted(sms_gateway.received.values()) == [1, 1, 1, 1]
    assert Delivery.objects.filter(status="sent").count() == 4
    assert DeliveryBatch.objects.get().attempts == 2
    assert announcement.status == Announcement.Status.SENT


def test_a_batch_resent_after_the_gateway_took_it_is_not_sent_twice(alice, bob, group_a1, sms_gateway):
    for _ in range(4):
        member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    services.announcement_dispatch(announcement_id=announcement.pk)
    # A worker claims the batch, the gateway takes it, and the worker dies before writing the result down.
    from announcements.services import claims, fanout
    from channels.base import Batch
    from channels.sms import SmsSender

    claim = claims.claim_batch(announcement.pk, "sms")
    messages = fanout._messages(announcement, claim.deliveries)
    planned = claims.plan_request_ids(SmsSender(), claim, messages)
    for message in messages:
        message.request_id = planned.get(message.delivery_id, "")
    SmsSender().send(Batch(claim.key, messages))
    lease_runs_out()

    drain(announcement)

    assert sorted(sms_gateway.received.values()) == [1, 1, 1, 1]
    assert Delivery.objects.filter(status="sent").count() == 4


def test_a_bad_number_fails_alone_with_its_reason_and_can_be_retried(alice, bob, group_a1, sms_gateway):
    good = [member_in(group_a1) for _ in range(3)]
    bad = member_in(group_a1, phone="+84212345678")  # a landline: the gateway refuses it
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])

    drain(announcement)

    assert {m.phone for m in good} == {"+84" + p[1:] for p in sms_gateway.received}
    failed = Delivery.objects.get(status="failed")
    assert failed.member == bad and "108" in failed.reason
    assert services.deliveries_retry_failed(announcement=announcement, by=alice) == 1


def test_an_empty_balance_pauses_the_channel_instead_of_failing(alice, bob, group_a1, sms_gateway):
    for _ in range(3):
        member_in(group_a1)
    sms_gateway.balance = 0
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])

    drain(announcement)

    rows = Delivery.objects.all()
    assert {r.status for r in rows} == {"queued"}
    assert all(r.not_before > timezone.now() and "103" in r.reason for r in rows)


def test_reach_counts_households_out_of_the_audience(alice, bob, group_a1, sms_gateway, client_for):
    home = HouseholdFactory(group=group_a1)
    member_in(group_a1, household=home)
    member_in(group_a1, household=home)
    member_in(group_a1, household=HouseholdFactory(group=group_a1))
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    drain(announcement)

    page = client_for(bob).get(f"/announcements/{announcement.pk}/").content.decode()

    assert "20\xa0%" in page  # 2 households of the 10 the group declared
    assert announcement.audience_households == 10


def test_a_channel_without_credentials_fails_at_once_with_the_missing_setting(alice, bob, group_a1, settings):
    settings.SMS_API_KEY = ""
    settings.QUIET_HOURS_SMS = "00:00-00:00"
    member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])

    drain(announcement)

    delivery = Delivery.objects.get()
    assert delivery.status == "failed" and "SMS_API_KEY" in delivery.reason
    assert announcement.status == Announcement.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_a_large_audience_made_in_parts_still_gets_one_sms_each(alice, bob, group_a1, group_a2, sms_gateway, settings):
    settings.DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS = 0  # every audience counts as large: made by 3 connections
    settings.DELIVERY_MATERIALIZE_PARTS = 3
    people = [member_in(group_a1 if i % 2 else group_a2, phone=f"+8491200{i:04d}") for i in range(30)]
    MembershipFactory(member=people[0], group=group_a1)  # in both groups: still one message
    Outlet.objects.create(ward=group_a1.ward, group=group_a1, kind="web_feed", mode="per_group")
    announcement = sent_out(
        author=bob, approver=alice, group_ids=[group_a1.pk, group_a2.pk], channels=["sms", "web_feed"]
    )

    drain(announcement)

    assert sms_gateway.received == {f"091200{i:04d}": 1 for i in range(30)}
    assert announcement.status == Announcement.Status.SENT
    sms_batches = DeliveryBatch.objects.filter(announcement=announcement, kind="sms")
    assert sms_batches.count() == 3  # one per part: each part numbers its own batches
    found = [delivery.pk for batch in sms_batches for delivery in batch.deliveries()]
    assert sorted(found) == sorted(Delivery.objects.filter(kind="sms").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_dispatch_that_failed_after_a_part_was_made_makes_everything_once_on_the_next_try(
    alice, bob, group_a1, sms_gateway, settings, monkeypatch
):
    from django.db import OperationalError

    from announcements.services import materialize

    settings.DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS = 0
    settings.DELIVERY_MATERIALIZE_PARTS = 2
    for i in range(10):
        member_in(group_a1, phone=f"+8491300{i:04d}")
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    make_part = materialize._make_part

    def connection_lost_after_part_0(announcement, now, part, *rest):
        made = make_part(announcement, now, part, *rest)
        if part == 0:
            raise OperationalError("server closed the connection unexpectedly")
        return made

    monkeypatch.setattr(materialize, "_make_part", connection_lost_after_part_0)
    with pytest.raises(OperationalError):
        services.announcement_dispatch(announcement_id=announcement.pk)
    announcement.refresh_from_db()
    assert announcement.materialized_at is None
    # The other part had committed: its batch with its five people (a large audience's rows are made when sent).
    left = DeliveryBatch.objects.filter(announcement=announcement)
    assert [batch.members_count for batch in left] == [5] and not Delivery.objects.filter(announcement=announcement)
    monkeypatch.setattr(materialize, "_make_part", make_part)

    drain(announcement)

    assert sms_gateway.received == {f"091300{i:04d}": 1 for i in range(10)}
    assert Delivery.objects.filter(announcement=announcement).count() == 10


@pytest.mark.django_db(transaction=True)
def test_a_large_audience_waiting_for_the_morning_is_counted_and_goes_whole_when_it_comes(
    alice, bob, group_a1, sms_gateway, settings, client_for
):
    from datetime import timedelta

    from django.utils import timezone

    from announcements import selectors
    from tests.announcements.conftest import back_off_over

    settings.DELIVERY_MATERIALIZE_SPLIT_HOUSEHOLDS = 0  # made in parts: batches carry their people, rows come later
    now = timezone.localtime()
    settings.QUIET_HOURS_SMS = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=2)):%H:%M}"
    for i in range(12):
        member_in(group_a1, phone=f"+8491400{i:04d}")
    member_in(group_a1, consent_sms=False)  # reached on no channel
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])

    drain(announcement)

    stats = selectors.delivery_stats(announcement)
    waiting = selectors.waiting_deliveries(announcement)
    assert sms_gateway.messages_total == 0 and stats.total == 13 and stats.by_status["queued"] == 12
    assert [(w.kind, w.count) for w in waiting] == [("sms", 12)] and waiting[0].until > timezone.now()
    assert Delivery.objects.filter(announcement=announcement, status="skipped").count() == 1
    page = client_for(alice).get(f"/announcements/{announcement.pk}/").content.decode()
    assert 'data-waiting="sms"' in page and 'data-not-listed="12"' in page

    back_off_over()
    drain(announcement)

    assert sms_gateway.received == {f"091400{i:04d}": 1 for i in range(12)}
    assert announcement.status == Announcement.Status.SENT
    assert Delivery.objects.filter(announcement=announcement, status="sent").count() == 12
