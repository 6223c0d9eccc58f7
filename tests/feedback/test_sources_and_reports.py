"""Reports that arrive by Zalo OA, and the monthly report a ward sends up."""

import io
import json
import time

import pytest
from openpyxl import load_workbook

from channels.zalo import zalo_signature
from feedback import services
from feedback.models import Report, ReportEvent
from groups.models import Outlet
from tests.announcements.test_channels import zalo  # noqa: F401 - the fake Zalo OA
from tests.factories import member_in, send_personal
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db


def _webhook(client, event: dict):
    body = json.dumps(event)
    signature = zalo_signature(app_id="app-1", body=body, timestamp=event["timestamp"], secret="oa-secret")
    return client.post("/hooks/zalo/", body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=signature)


def test_a_followers_message_to_the_oa_becomes_a_report_once_and_is_answered_on_zalo(ward_a, group_a1, zalo, client):  # noqa: F811
    Outlet.objects.create(ward=ward_a, kind="zalo_oa", external_id="oa-579", mode="per_member")
    resident = member_in(group_a1, zalo_user_id="u-42", consent_zalo=True)
    zalo.followers.add("u-42")
    event = {
        "app_id": "app-1",
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": "u-42"},
        "recipient": {"id": "oa-579"},
        "message": {"msg_id": "m-1", "text": "Cống trước nhà số 8 bị tắc, mưa là ngập"},
    }

    first = _webhook(client, event).json()
    again = _webhook(client, event).json()  # Zalo retries a webhook it thinks failed

    report = Report.objects.get()
    assert first["report"] == again["report"] == report.tracking_code
    assert (report.source, report.reporter_name, report.is_public) == ("zalo_oa", resident.full_name, False)
    send_personal()
    assert zalo.user_messages[-1][0] == "u-42" and report.tracking_code in zalo.user_messages[-1][1]


def test_an_unsigned_or_unknown_oa_message_files_nothing(ward_a, zalo, client):  # noqa: F811
    event = {
        "app_id": "app-1",
        "event_name": "user_send_text",
        "timestamp": str(int(time.time() * 1000)),
        "sender": {"id": "u"},
        "recipient": {"id": "someone-else"},
        "message": {"msg_id": "m", "text": "Xin chào phường, có việc"},
    }

    forged = client.post(
        "/hooks/zalo/", json.dumps(event), content_type="application/json", HTTP_X_ZEVENT_SIGNATURE="mac=0"
    )
    unknown = _webhook(client, event)

    assert forged.status_code == 403 and unknown.json()["report"] is None
    assert not Report.objects.exists()


def test_the_monthly_report_counts_and_lists_without_identities(ward_a, bob, client_for):
    from django.utils import timezone

    answered = submitted(ward_a)
    services.report_change_status(report=answered, by=bob, to="triaged")
    services.report_change_status(report=answered, by=bob, to="resolved", public_text="Đã thu gom.")
    spam = submitted(ward_a, description="Quảng cáo vay tiền nhanh lãi thấp gọi ngay", phone="0988 000 111")
    services.report_change_status(report=spam, by=bob, to="spam", reason="Quảng cáo")
    month = timezone.localdate().strftime("%Y-%m")

    response = client_for(bob).get("/reports/numbers/export.xlsx", {"month": month})

    book = load_workbook(io.BytesIO(response.content))
    summary = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    ward_row = next(r for r in summary if r and r[0] == "Toàn phường")
    assert ward_row[1:6] == [2, 1, 1, 1, 1]  # received, valid, answered, resolved, resolved in time
    listing = [list(r) for r in book.worksheets[-1].iter_rows(values_only=True)]
    assert {r[0] for r in listing[1:]} == {answered.tracking_code, spam.tracking_code}
    flat = str(summary) + str(listing)
    assert "Nguyễn Thị Lan" not in flat and "0912" not in flat and "+8491" not in flat
    assert ReportEvent.objects.filter(report=answered, kind="status").count() == 2


def test_a_bad_month_is_a_message_not_an_error(bob, client_for):
    response = client_for(bob).get("/reports/numbers/export.xlsx", {"month": "2026-13"}, follow=True)

    assert "Vui lòng chọn tháng" in response.content.decode()
