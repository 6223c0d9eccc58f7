"""Draft → waiting for approval → approved → scheduled or sending → sent, or cancelled."""

from datetime import timedelta

import pytest
from django.utils import timezone

from announcements import services
from announcements.models import Announcement, Delivery
from portal.models import AuditEvent
from tests.announcements.conftest import announcement_data, drain, scheduled, sent_out
from tests.factories import member_in, staff_user

pytestmark = pytest.mark.django_db


def _draft(author, group, **overrides):
    return services.announcement_save(user=author, data=announcement_data(group_ids=[group.pk], **overrides))


def test_staff_submit_and_a_ward_admin_s_approval_with_no_time_set_sends_it(alice, bob, group_a1, client_for):
    member_in(group_a1)
    announcement = _draft(bob, group_a1)
    client_for(bob).post(f"/announcements/{announcement.pk}/submit/")
    assert Announcement.objects.get().status == "pending"

    refused = client_for(bob).post(f"/announcements/{announcement.pk}/approve/", follow=True)
    assert "không được phép" in refused.content.decode()
    assert Announcement.objects.get().status == "pending"

    client_for(alice).post(f"/announcements/{announcement.pk}/approve/")
    approved_one = Announcement.objects.get()
    assert (approved_one.status, approved_one.approved_by) == ("sending", alice)
    assert AuditEvent.objects.filter(action="approve", object_id=str(announcement.pk), actor=alice).exists()


def test_an_admin_cannot_approve_their_own_routine_notice_but_their_urgent_one_goes_at_once(alice, group_a1):
    member_in(group_a1)
    routine = _draft(alice, group_a1)
    routine = services.announcement_submit(announcement=routine, by=alice)
    assert routine.status == "pending"
    with pytest.raises(services.AnnouncementError, match="Một quản trị viên phường khác"):
        services.announcement_approve(announcement=routine, by=alice)

    urgent = services.announcement_submit(announcement=_draft(alice, group_a1, urgency="urgent"), by=alice)
    assert urgent.status == "sending" and urgent.approved_by == alice


def test_sent_back_with_a_note_the_author_can_edit_again(alice, bob, group_a1, client_for):
    announcement = services.announcement_submit(announcement=_draft(bob, group_a1), by=bob)

    client_for(alice).post(f"/announcements/{announcement.pk}/reject/", {"note": "Ghi rõ giờ họp"})

    announcement.refresh_from_db()
    assert (announcement.status, announcement.rejection_note) == ("draft", "Ghi rõ giờ họp")
    assert "Ghi rõ giờ họp" in client_for(bob).get(f"/announcements/{announcement.pk}/edit/").content.decode()


def test_a_scheduled_announcement_is_sent_by_the_sweeper_when_its_time_comes(alice, bob, group_a1, sms_gateway):
    member_in(group_a1)
    announcement = scheduled(author=bob, approver=alice, group_ids=[group_a1.pk])
    services.announcement_schedule(announcement=announcement, by=alice, at=timezone.now() + timedelta(hours=2))

    assert services.deliveries_sweep()["started"] == 0
    assert services.deliveries_sweep(now=timezone.now() + timedelta(hours=2, seconds=1))["started"] == 1
    drain(announcement)

    assert announcement.status == "sent" and sms_gateway.messages_total == 1


def test_a_time_in_the_past_is_refused(alice, bob, group_a1):
    member_in(group_a1)
    announcement = scheduled(author=bob, approver=alice, group_ids=[group_a1.pk])

    with pytest.raises(services.ValidationError):
        services.announcement_schedule(announcement=announcement, by=alice, at=timezone.now() - timedelta(minutes=1))


def test_cancelled_before_it_goes_nothing_is_sent(alice, bob, group_a1, sms_gateway):
    member_in(group_a1)
    announcement = scheduled(author=bob, approver=alice, group_ids=[group_a1.pk])
    services.announcement_schedule(announcement=announcement, by=alice, at=timezone.now() + timedelta(hours=1))

    services.announcement_cancel(announcement=announcement, by=alice)
    services.deliveries_sweep(now=timezone.now() + timedelta(hours=2))

    assert Announcement.objects.get().status == "cancelled" and not Delivery.objects.exists()
    assert sms_gateway.messages_total == 0


def test_once_gone_it_cannot_be_cancelled_but_a_correction_reaches_the_same_audience(
    alice, bob, group_a1, group_a2, sms_gateway
):
    member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], roles=["resident"])
    drain(announcement)

    with pytest.raises(services.AnnouncementError):
        services.announcement_cancel(announcement=announcement, by=alice)
    correction = services.announcement_correction_draft(original=announcement, by=bob)

    assert correction.corrects == announcement and correction.status == "draft"
    assert list(correction.groups.all()) == [group_a1] and correction.roles == ["resident"]
    assert correction.title.startswith("Đính chính") or correction.title.startswith("Correction")


def test_an_account_without_a_ward_cannot_write(db, group_a1):
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user(username="x@example.vn", email="x@example.vn", password="x")
    with pytest.raises(services.PermissionDenied):
        services.announcement_save(user=stranger, data=announcement_data(group_ids=[group_a1.pk]))


def test_ward_staff_cannot_approve_in_another_ward(alice, bob, dave, group_a1):
    announcement = services.announcement_submit(announcement=_draft(bob, group_a1), by=bob)
    other_admin = staff_user("eve@an-binh.vn", ward=group_a1.ward, role="ward_staff")

    for outsider in (dave, other_admin):
        with pytest.raises(services.PermissionDenied):
            services.announcement_approve(announcement=announcement, by=outsider)


def test_a_group_leader_can_neither_send_nor_cancel_what_an_admin_approved(alice, carol, group_a1, sms_gateway):
    from django.core.exceptions import PermissionDenied

    member_in(group_a1)
    announcement = scheduled(author=carol, approver=alice, group_ids=[group_a1.pk])

    for step in (
        lambda: services.announcement_send_now(announcement=announcement, by=carol),
        lambda: services.announcement_cancel(announcement=announcement, by=carol),
        lambda: services.announcement_schedule(
            announcement=announcement, by=carol, at=timezone.now() + timedelta(hours=1)
        ),
    ):
        with pytest.raises(PermissionDenied):
            step()

    assert Announcement.objects.get().status == "scheduled" and sms_gateway.messages_total == 0


def test_only_its_author_or_a_ward_admin_edits_a_draft_or_removes_its_files(alice, bob, carol, group_a1):
    from django.core.exceptions import PermissionDenied
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    draft = services.announcement_save(user=carol, data=announcement_data(group_ids=[group_a1.pk]), documents=[pdf])
    document = draft.files.get()

    with pytest.raises(PermissionDenied):
        services.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk]), announcement=draft)
    with pytest.raises(PermissionDenied):
        services.announcement_file_remove(user=bob, announcement_file=document)
    with pytest.raises(PermissionDenied):
        services.announcement_submit(announcement=draft, by=bob)
    services.announcement_file_remove(user=alice, announcement_file=document)

    assert not draft.files.exists() and Announcement.objects.get().status == "draft"


def test_only_a_ward_admin_retries_failed_deliveries(alice, bob, group_a1, sms_gateway):
    from django.core.exceptions import PermissionDenied

    member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk])
    drain(announcement)
    Delivery.objects.update(status="failed", reason="gateway code 99")

    with pytest.raises(PermissionDenied):
        services.deliveries_retry_failed(announcement=announcement, by=bob)
    assert services.deliveries_retry_failed(announcement=announcement, by=alice) == 1


def test_sending_asks_first_and_says_whom_it_reaches_on_which_channel_and_what_the_sms_cost(
    alice, bob, group_a1, client_for, settings
):
    settings.SMS_PRICE_PER_SEGMENT = 800
    for phone in ("+84912000001", "+84912000002", "+84912000003"):
        member_in(group_a1, phone=phone, consent_sms=True, preferred_channel="sms")
    member_in(group_a1, phone="+84912000004", consent_sms=False, preferred_channel="")
    announcement = scheduled(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["sms"])

    page = client_for(alice).get(f"/announcements/{announcement.pk}/confirm/send/").content.decode()
    detail = client_for(alice).get(f"/announcements/{announcement.pk}/").content.decode()

    assert "Gửi tới 3 người" in page and 'data-channel="sms"' in page
    assert "3 tin SMS (1 tin mỗi người), ước tính 2.400 đ" in page
    assert "data-unreachable" in page  # one person agreed to no chosen channel
    assert Announcement.objects.get().status == "scheduled"  # asking sends nothing
    assert 'action="/announcements/%d/send/"' % announcement.pk not in detail  # the button asks first
    assert "danger-zone" in detail and "Hủy “" in detail


def test_the_results_say_what_failed_and_what_to_do_grouped_by_cause_and_what_waits_until_when(
    alice, bob, group_a1, client_for, settings
):
    from datetime import timedelta

    from django.utils import timezone

    for phone in ("+84912000011", "+84912000012", "+84912000013"):
        member_in(group_a1, phone=phone, consent_sms=True, preferred_channel="sms")
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["sms"])
    services.announcement_dispatch(announcement_id=announcement.pk)
    first, second, third = Delivery.objects.order_by("id")
    Delivery.objects.filter(pk__in=[first.pk, second.pk]).update(
        status="failed", reason="channel not configured: SMS_API_KEY"
    )
    morning = timezone.now() + timedelta(hours=5)
    Delivery.objects.filter(pk=third.pk).update(status="queued", not_before=morning, reason="")

    page = client_for(alice).get(f"/announcements/{announcement.pk}/").content.decode()

    assert page.count('data-cause="sms"') == 1  # one line for the cause, not one per person
    assert "Kênh chưa được cài đặt" in page and "2 người" in page and "Nhờ người quản trị kỹ thuật" in page
    assert 'data-waiting="sms"' in page and "giờ yên tĩnh" in page
    assert page.index('data-stat="reach"') < page.index('data-cause="sms"')  # the summary comes first


def test_an_admin_whose_notice_needs_no_second_signature_confirms_before_it_goes(
    alice, bob, group_a1, client_for, ward_a
):
    ward_a.requires_second_approver = False
    ward_a.save(update_fields=["requires_second_approver"])
    member_in(group_a1, consent_sms=True, preferred_channel="sms")
    own = _draft(alice, group_a1, channels=["sms"])
    staff_draft = _draft(bob, group_a1)

    detail = client_for(alice).get(f"/announcements/{own.pk}/").content.decode()
    asking = client_for(alice).get(f"/announcements/{own.pk}/confirm/submit/").content.decode()
    assert f"/announcements/{own.pk}/confirm/submit/" in detail and "Duyệt và gửi…" in detail
    assert "sẽ được gửi ngay" in asking and 'data-channel="sms"' in asking
    assert Announcement.objects.get(pk=own.pk).status == "draft"  # asking sends nothing
    # Staff only send for approval, which sends nothing to anyone: there is nothing to confirm.
    assert client_for(bob).get(f"/announcements/{staff_draft.pk}/confirm/submit/").status_code == 404

    client_for(alice).post(f"/announcements/{own.pk}/submit/")
    assert Announcement.objects.get(pk=own.pk).status == "sending"


def test_an_announcement_that_would_reach_nobody_is_stopped_with_the_reason(alice, bob, group_a1, client_for):
    nobody_here = _draft(bob, group_a1)  # the group has no members yet
    services.announcement_submit(announcement=nobody_here, by=bob)
    page = client_for(alice).get(f"/announcements/{nobody_here.pk}/confirm/approve/").content.decode()
    assert "chưa có thành viên nào" in page and "Có, duyệt" not in page and "Đổi tổ hoặc kênh" in page
    with pytest.raises(services.AnnouncementError, match="không tới được ai"):
        services.announcement_approve(announcement=nobody_here, by=alice)

    member_in(group_a1, consent_sms=False, consent_email=True, email="lan@example.vn")  # agreed to email only
    page = client_for(alice).get(f"/announcements/{nobody_here.pk}/confirm/approve/").content.decode()
    assert "1 thành viên của các tổ đã chọn không đồng ý nhận qua kênh nào đã chọn" in page
    assert Announcement.objects.get(pk=nobody_here.pk).status == "pending"


def test_each_person_is_offered_only_what_they_may_do_now_on_the_page_and_in_the_api(alice, bob, group_a1, client_for):
    member_in(group_a1)
    pending = services.announcement_submit(announcement=_draft(bob, group_a1), by=bob)
    approve = f"/announcements/{pending.pk}/confirm/approve/"
    cancel = f"/announcements/{pending.pk}/confirm/cancel/"

    authors_page = client_for(bob).get(f"/announcements/{pending.pk}/").content.decode()
    admins_page = client_for(alice).get(f"/announcements/{pending.pk}/").content.decode()
    assert approve not in authors_page and cancel in authors_page  # the author may withdraw it, not approve it
    assert approve in admins_page and cancel in admins_page
    assert client_for(bob).get(approve).status_code == 403

    assert client_for(bob).get(f"/api/announcements/{pending.pk}/").json()["allowed_actions"] == [
        "cancel",
        "edit",
        "remove-file",
    ]
    assert client_for(alice).get(f"/api/announcements/{pending.pk}/").json()["allowed_actions"] == [
        "approve",
        "cancel",
        "edit",
        "reject",
        "remove-file",
    ]

    # A ward admin's own routine notice waits for another admin: no button, and the page says why.
    own = services.announcement_submit(announcement=_draft(alice, group_a1), by=alice)
    own_page = client_for(alice).get(f"/announcements/{own.pk}/").content.decode()
    assert f"/announcements/{own.pk}/confirm/approve/" not in own_page and "data-second-approver" in own_page
    # Nor is she offered to send back what she wrote: she edits it, or cancels it.
    assert f"/announcements/{own.pk}/reject/" not in own_page and f"/announcements/{own.pk}/edit/" in own_page
    with pytest.raises(services.AnnouncementError):
        services.announcement_reject(announcement=own, by=alice, note="Sai giờ")

    # Approved by alice meanwhile: bob's stale confirmation page sends him back to it, saying why.
    services.announcement_approve(announcement=pending, by=alice)
    late = client_for(alice).get(cancel, follow=True)
    assert late.redirect_chain[-1][0] == f"/announcements/{pending.pk}/"
    assert "correct" in client_for(bob).get(f"/api/announcements/{pending.pk}/").json()["allowed_actions"]
