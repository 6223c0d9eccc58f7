"""The messages a report sends go through deliveries: retried when the gateway fails, held back at night, each
under a request id of its own, and followed on the report's page by the staff who handle it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from announcements.models import Delivery
from channels.sms import callback_signature
from feedback import selectors, services
from tests.announcements.conftest import back_off_over
from tests.factories import send_personal
from tests.feedback.conftest import submitted
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db


def _statuses(report):
    return [m.delivery.status for m in selectors.messages_sent(report=report)]


def test_two_quick_status_changes_reach_the_reporter_as_two_messages(ward_a, bob, sms_gateway):
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đội vệ sinh đã thu gom sáng nay.")

    send_personal()

    texts = [text for _phone, text in sms_gateway.contents]
    assert len(texts) == 3 and report.tracking_code in texts[0]
    assert "Da tiep nhan" in texts[1] and "Da giai quyet" in texts[2]
    assert len(sms_gateway.request_ids) == 3  # none dropped by the gateway as a repeat
    assert _statuses(report) == ["sent", "sent", "sent"]


def test_a_gateway_error_is_retried_and_staff_see_the_message_waiting(ward_a, bob, sms_gateway, client_for):
    sms_gateway.fail_next(500)
    report = submitted(ward_a)

    send_personal()

    assert sms_gateway.messages_total == 0 and _statuses(report) == ["queued"]
    page = client_for(bob).get(reverse("feedback:detail", args=[report.pk])).content.decode()
    assert 'data-message-status="queued"' in page and "HTTP 500" in page

    back_off_over()
    send_personal()

    assert list(sms_gateway.received) == ["0912345678"] and _statuses(report) == ["sent"]


def test_a_status_message_waits_for_the_morning_but_the_code_of_a_new_report_does_not(
    ward_a, bob, sms_gateway, settings
):
    now = timezone.localtime()
    settings.QUIET_HOURS_SMS = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=2)):%H:%M}"
    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")

    send_personal()

    assert sms_gateway.messages_total == 1 and report.tracking_code in sms_gateway.contents[0][1]
    status_message = selectors.messages_sent(report=report)[0].delivery
    assert status_message.status == "queued" and status_message.not_before > timezone.now() + timedelta(hours=1)


def test_a_delivery_report_shows_the_message_arrived_on_the_report_page(ward_a, bob, sms_gateway, client, client_for):
    report = submitted(ward_a)
    send_personal()
    delivery = Delivery.objects.get(personal__topic=f"report:{report.pk}")
    request_id = f"d{delivery.pk}"
    assert sms_gateway.request_ids == {request_id}

    client.get(
        "/hooks/sms/",
        {
            "SMSID": "SMS1",
            "SendStatus": "5",
            "RequestId": request_id,
            "phonenumber": "0912345678",
            "sig": callback_signature(request_id),
        },
    )

    page = client_for(bob).get(reverse("feedback:detail", args=[report.pk])).content.decode()
    assert 'data-message-status="delivered"' in page


def test_a_report_with_no_way_to_reach_its_reporter_sends_nothing(ward_a, sms_gateway):
    report = submitted(ward_a, phone="", name="", anonymous=True)

    send_personal()

    assert sms_gateway.messages_total == 0 and selectors.messages_sent(report=report) == []


@pytest.mark.worker
def test_a_message_whose_task_was_lost_is_sent_by_the_sweeper(ward_a, sms_gateway, celery_worker, monkeypatch):
    from announcements import services as announcement_services
    from announcements.services import personal

    started = []
    monkeypatch.setattr(personal, "personal_chain_start", started.append)  # the broker lost the task
    report = submitted(ward_a)
    assert started == ["sms"]  # it was handed over, and never reached the worker: nothing can be sent
    assert sms_gateway.messages_total == 0

    assert announcement_services.deliveries_sweep()["chains"] == 1

    wait_until(lambda: sms_gateway.messages_total, what="the swept message to reach the gateway")
    assert list(sms_gateway.received) == ["0912345678"] and report.tracking_code in sms_gateway.contents[0][1]


def test_a_message_whose_outcome_is_unknown_or_that_failed_is_sent_again_from_the_report_page_once(
    ward_a, bob, sms_gateway, client_for, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    sms_gateway.fail_next(500)  # the code's SMS: no answer it can trust
    report = submitted(ward_a)
    send_personal()
    assert _statuses(report) == ["unknown"]
    page = client_for(bob).get(reverse("feedback:detail", args=[report.pk])).content.decode()
    assert "Chưa rõ kết quả" in page and "Gửi lại 1 tin nhắn chưa tới" in page

    confirm = client_for(bob).get(f"/reports/{report.pk}/messages/resend/").content.decode()
    assert "Gửi lại 1 tin nhắn này?" in confirm and not sms_gateway.received  # nothing sent before the yes
    client_for(bob).post(f"/reports/{report.pk}/messages/resend/")
    send_personal()

    delivery = selectors.messages_sent(report=report)[0].delivery
    assert _statuses(report) == ["sent"] and sms_gateway.received["0912345678"] == 1
    assert sms_gateway.request_ids == {f"d{delivery.pk}"}  # under its own request id, as the first time
    # Sent again once more (a second tap): the gateway answers "already sent", nobody gets it twice.
    Delivery.objects.filter(pk=delivery.pk).update(status="unknown")
    client_for(bob).post(f"/reports/{report.pk}/messages/resend/")
    send_personal()
    assert sms_gateway.received["0912345678"] == 1 and _statuses(report) == ["sent"]


def test_staff_of_another_ward_cannot_send_a_reports_messages_again(
    ward_a, bob, dave, sms_gateway, client_for, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    sms_gateway.fail_next(500)
    report = submitted(ward_a)
    send_personal()
    assert client_for(dave).post(f"/reports/{report.pk}/messages/resend/").status_code == 404
    assert client_for(dave).post("/announcements/messages/").status_code == 302  # their own ward: nothing to send
    send_personal()
    assert _statuses(report) == ["unknown"] and not sms_gateway.received


def test_a_ward_admin_sends_every_undelivered_message_of_the_ward_again_after_a_confirmation(
    ward_a, alice, bob, sms_gateway, client_for, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 1
    sms_gateway.fail_next(500, 500)
    first, second = submitted(ward_a), submitted(ward_a, phone="0912 345 679")
    send_personal()
    assert _statuses(first) + _statuses(second) == ["unknown", "unknown"]
    assert client_for(bob).get("/announcements/messages/").status_code == 403  # staff: not the ward's admin

    admin = client_for(alice)
    page = admin.get("/announcements/messages/").content.decode()
    assert 'data-stat="unknown">2<' in page and "Gửi lại tất cả" in page
    assert "Gửi lại 2 tin nhắn?" in admin.get("/announcements/messages/?confirm=1").content.decode()
    admin.post("/announcements/messages/")
    send_personal()

    assert _statuses(first) + _statuses(second) == ["sent", "sent"]
    assert sorted(sms_gateway.received.values()) == [1, 1]
