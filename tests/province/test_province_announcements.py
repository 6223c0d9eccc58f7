"""A province's announcement: written by its admin, confirmed, then sent in each ward chosen through that ward's
own channels and residents' consent; each ward reads its copy and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from announcements import services
from announcements.models import Announcement, AnnouncementReach, ProvinceAnnouncement
from groups.models import Member
from tests.announcements.conftest import drain
from tests.factories import GroupFactory, ProvinceFactory, WardFactory, member_in, province_user

pytestmark = pytest.mark.django_db

WARNING = {
    "title": "Cảnh báo bão số 9",
    "body": "Bão số 9 đổ bộ đêm nay. Bà con chằng chống nhà cửa, không ra biển.",
    "category": "disaster",
    "urgency": "urgent",
    "channels": ["sms", "web_feed"],
}


@pytest.fixture
def province_admin(ward_a):
    return province_user("tinh@khanh-hoa.vn", province=ward_a.province)


def test_a_province_warning_reaches_each_chosen_wards_residents_once_on_its_own_channels(
    client_for, sms_gateway, ward_a, ward_b, group_a1, group_b1, alice, province_admin
):
    quiet = WardFactory(name="Phường Không Chọn", code="30009", province=ward_a.province)
    member_in(GroupFactory(ward=quiet))
    ha_noi = WardFactory(name="Phường Hoàn Kiếm", code="00070", province=ProvinceFactory(name="Hà Nội", code="01"))
    member_in(GroupFactory(ward=ha_noi))
    in_a = [member_in(group_a1) for _ in range(3)]
    in_b = [member_in(group_b1) for _ in range(2)]
    # One resident of ward A agreed to no SMS: the province's notice keeps to their consent as the ward's does.
    Member.objects.filter(pk=in_a[0].pk).update(consent_sms=False, preferred_channel="")
    client = client_for(province_admin)

    answer = client.post("/province/announcements/new/", {**WARNING, "ward_ids": [ward_a.pk, ward_b.pk]})
    notice = ProvinceAnnouncement.objects.get()
    assert answer["Location"] == f"/province/announcements/{notice.pk}/"
    assert not Announcement.objects.exists()  # saved, not sent: the next page says where it goes first
    confirm = client.get(f"/province/announcements/{notice.pk}/send/").content.decode()
    assert "2 phường" in confirm and "kể cả ban đêm" in confirm  # two wards; urgent goes at night too
    client.post(f"/province/announcements/{notice.pk}/send/")
    parts = list(Announcement.objects.filter(province_announcement=notice).order_by("ward__code"))
    assert [p.ward_id for p in parts] == [ward_a.pk, ward_b.pk]
    for part in parts:
        drain(part)

    # The gateway is given numbers as Vietnamese phones are dialled (0…).
    assert set(sms_gateway.received) == {"0" + m.phone.removeprefix("+84") for m in in_a[1:] + in_b}
    assert all(n == 1 for n in sms_gateway.received.values())  # once each
    assert {p.status for p in Announcement.objects.filter(province_announcement=notice)} == {"sent"}
    assert ProvinceAnnouncement.objects.get().status == "sent"  # when the last ward's copy is
    progress = client.get(f"/province/announcements/{notice.pk}/").context["progress"]
    assert {(p.code, p.percent) for p in progress} == {(ward_a.code, 100.0), (ward_b.code, 100.0)}
    assert AnnouncementReach.objects.filter(announcement__province_announcement=notice).count() == 2

    # Ward A's admin sees it in the ward's list, read-only.
    ward_admin = client_for(alice)
    assert "Cảnh báo bão số 9" in ward_admin.get("/announcements/").content.decode()
    part_a = parts[0]
    page = ward_admin.get(f"/announcements/{part_a.pk}/")
    assert page.context["allowed"] == frozenset()
    before = Announcement.objects.count()
    refused = ward_admin.post(f"/announcements/{part_a.pk}/correct/", follow=True).content.decode()
    assert Announcement.objects.count() == before and "không được phép" in refused.lower()
    with pytest.raises(PermissionDenied):
        services.announcement_cancel(announcement=part_a, by=alice)


def test_a_viewer_reads_but_writes_nothing_and_another_province_finds_nothing(client_for, ward_a, province_admin):
    notice = services.province_announcement_save(user=province_admin, data=services.ProvinceNoticeData(**WARNING))
    viewer = client_for(province_user("xem@khanh-hoa.vn", province=ward_a.province, role="viewer"))
    assert viewer.get(f"/province/announcements/{notice.pk}/").status_code == 200
    assert viewer.get("/province/announcements/new/").status_code == 403
    assert viewer.post(f"/province/announcements/{notice.pk}/send/").status_code == 403
    other = client_for(province_user("tinh@ha-noi.vn", province=ProvinceFactory(name="Hà Nội", code="01")))
    assert other.get(f"/province/announcements/{notice.pk}/").status_code == 404
    assert other.post(f"/province/announcements/{notice.pk}/send/").status_code == 404
    assert ProvinceAnnouncement.objects.get().status == "draft" and not Announcement.objects.exists()


def test_a_ward_of_another_province_cannot_be_chosen_and_nothing_is_half_written(client_for, ward_a, province_admin):
    elsewhere = WardFactory(code="00070", province=ProvinceFactory(name="Hà Nội", code="01"))
    client = client_for(province_admin)
    page = client.post("/province/announcements/new/", {**WARNING, "ward_ids": [elsewhere.pk]})
    assert page.status_code == 200 and not ProvinceAnnouncement.objects.exists()
    with pytest.raises(Exception) as refused:
        services.province_announcement_save(
            user=province_admin, data=services.ProvinceNoticeData(**{**WARNING, "ward_ids": [elsewhere.pk]})
        )
    assert "ward_ids" in refused.value.message_dict
    empty = client.post("/province/announcements/new/", {**WARNING, "title": "  ", "channels": []})
    assert set(empty.context["form"].errors) >= {"title", "channels"}


def test_a_routine_province_notice_waits_for_the_morning_in_quiet_hours(
    sms_gateway, settings, ward_a, group_a1, province_admin
):
    settings.QUIET_HOURS_SMS = "00:00-23:59"  # all day quiet: a routine notice waits, an urgent one would not
    member_in(group_a1)
    notice = services.province_announcement_save(
        user=province_admin, data=services.ProvinceNoticeData(**{**WARNING, "urgency": "routine"})
    )
    (part,) = services.province_announcement_send(notice=notice, by=province_admin)
    drain(part)
    assert sms_gateway.messages_total == 0 and part.status == "sending"
    assert part.send_started_at <= timezone.now()


def test_the_api_writes_sends_and_follows_a_province_notice(client, ward_a, ward_b, group_a1, province_admin):
    from portal.common.tokens import token_create

    member_in(group_a1)
    auth = {"HTTP_AUTHORIZATION": f"Token {token_create(user=province_admin, name='hệ thống tỉnh')[1]}"}
    refused = client.post(
        "/api/province/announcements/",
        {**WARNING, "ward_codes": ["00070", ward_a.code]},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 400 and "00070" in refused.json()["ward_codes"][0]
    assert not ProvinceAnnouncement.objects.exists()
    made = client.post(
        "/api/province/announcements/",
        {**WARNING, "ward_codes": [ward_a.code]},
        content_type="application/json",
        **auth,
    ).json()
    assert made["status"] == "draft" and made["ward_codes"] == [ward_a.code]
    sent = client.post(f"/api/province/announcements/{made['id']}/send/", **auth).json()
    assert sent["status"] == "sending" and [p["code"] for p in sent["progress"]] == [ward_a.code]
    again = client.post(f"/api/province/announcements/{made['id']}/send/", **auth)
    assert again.status_code == 400  # sent once: a second send is refused, not a second fan-out
    assert Announcement.objects.filter(province_announcement_id=made["id"]).count() == 1


def test_a_provinces_alert_goes_through_its_own_queue_and_a_wards_notice_through_the_default(
    ward_a, group_a1, alice, bob, province_admin
):
    """A worker asks the default queue first, then the alert's: a ward's notice never waits behind every batch of a province-wide
    send queued before it."""
    from announcements.tasks import BULK, DEFAULT, queue_for
    from tests.announcements.conftest import sent_out

    notice = services.province_announcement_save(user=province_admin, data=services.ProvinceNoticeData(**WARNING))
    (part,) = services.province_announcement_send(notice=notice, by=province_admin)
    member_in(group_a1)
    own = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    assert (queue_for(part.pk), queue_for(own.pk), queue_for(None)) == (BULK, DEFAULT, DEFAULT)
    from portal.celery import app

    assert [q.name for q in app.conf.task_queues] == [DEFAULT, BULK]  # asked in this order
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["queue_order_strategy"] == "priority"
