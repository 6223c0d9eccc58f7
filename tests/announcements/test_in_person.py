"""Reach that includes people without a phone: a leader records the households told in person or by the
loudspeaker; the results page and "Hôm nay" count them apart from the channels, and never twice."""

import pytest
from django.utils import timezone

from announcements.models import Announcement, Delivery, InPersonReach
from tests.announcements.conftest import sent_out
from tests.factories import HouseholdFactory, member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(group_a1, alice, bob):
    """An SMS that went to group A1 (10 households declared): one household got it, two have no phone."""
    with_phone = HouseholdFactory(group=group_a1, address="1 Lê Lợi")
    reader = member_in(group_a1, household=with_phone)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["sms"])
    Announcement.objects.filter(pk=announcement.pk).update(status="sent", audience_households=10)
    Delivery.objects.create(
        announcement=announcement, kind="sms", member=reader, address=reader.phone, status="delivered"
    )
    return Announcement.objects.get(pk=announcement.pk), with_phone


def test_households_told_in_person_and_by_loudspeaker_count_apart_and_once(client_for, told, group_a1, carol, alice):
    announcement, with_phone = told
    grandma = HouseholdFactory(group=group_a1, address="3 Lê Lợi")
    uncle = HouseholdFactory(group=group_a1, address="5 Lê Lợi")
    client = client_for(carol)

    page = client.get(f"/announcements/{announcement.pk}/in-person/").content.decode()
    assert page.index("3 Lê Lợi") < page.index("1 Lê Lợi")  # who still needs telling comes first
    client.post(
        f"/announcements/{announcement.pk}/in-person/", {"how": "told", "household": [grandma.pk, with_phone.pk]}
    )
    client.post(f"/announcements/{announcement.pk}/in-person/", {"how": "loudspeaker", "household": [uncle.pk]})

    stats = client_for(alice).get(f"/announcements/{announcement.pk}/stats/").content.decode()
    assert "qua kênh: 1" in stats and "báo trực tiếp: 1" in stats and "nghe loa: 1" in stats
    assert "(3 trên 10)" in stats and "30\xa0%" in stats  # the household with a phone is not counted twice
    today = client_for(alice).get("/today/").content.decode()
    assert "1 hộ qua kênh, 1 hộ báo trực tiếp, 1 hộ nghe loa" in today and "30\xa0%" in today


def test_only_the_audience_in_ones_own_groups_and_only_once_it_went_out(client_for, told, group_a2, carol, alice, bob):
    announcement, _with_phone = told
    elsewhere = HouseholdFactory(group=group_a2)
    refused = client_for(carol).post(
        f"/announcements/{announcement.pk}/in-person/", {"how": "told", "household": [elsewhere.pk]}
    )
    assert refused.status_code == 403
    member_in(group_a2)
    draft = sent_out(
        author=bob,
        approver=alice,
        group_ids=[group_a2.pk],
        channels=["sms"],
        scheduled_at=timezone.now() + timezone.timedelta(hours=2),
    )
    answer = client_for(alice).post(
        f"/announcements/{draft.pk}/in-person/", {"how": "told", "household": [elsewhere.pk]}, follow=True
    )
    assert "Chỉ thông báo đã gửi đi" in answer.content.decode()
    assert not InPersonReach.objects.exists()
