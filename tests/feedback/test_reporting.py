"""A resident reports on a phone, gets a code, and follows the report by it."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback import selectors
from feedback.models import Report, ReportPhoto
from tests.announcements.test_compose import jpeg_bytes
from tests.factories import send_personal
from tests.feedback.conftest import accepted, submitted
from tests.waiting import wait_until

pytestmark = pytest.mark.django_db

FORM = {
    "category": "environment",
    "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
    "name": "Nguyễn Thị Lan",
    "phone": "0912 345 678",
    "public": "on",
    "form_token": "tok-1",
}


def test_a_resident_reports_with_a_photo_and_sees_a_code_to_read_aloud(ward_a, group_a1, client):
    photo = SimpleUploadedFile("rac.jpg", jpeg_bytes(with_location=True), content_type="image/jpeg")

    response = client.post(
        f"/p/{ward_a.code}/report/", {**FORM, "group_id": group_a1.pk, "photos": [photo]}, follow=True
    )

    report = Report.objects.get()
    code = re.search(r"data-tracking-code>([^<]+)<", response.content.decode()).group(1)
    assert code == report.tracking_code and re.fullmatch(r"PA-\d\d-[2-9A-HJKMNP-Z]{5}", code)
    assert report.reporter_phone == "+84912345678" and report.group == group_a1
    stored = Image.open(ReportPhoto.objects.get().image.path)
    assert not stored.getexif() and report.latitude is None  # the location was not shared, so it is gone


def test_a_shared_location_is_taken_from_the_photo_when_no_pin_was_set(ward_a, client):
    photo = SimpleUploadedFile("rac.jpg", jpeg_bytes(with_location=True), content_type="image/jpeg")

    client.post(f"/p/{ward_a.code}/report/", {**FORM, "share_location": "on", "photos": [photo]})

    report = Report.objects.get()
    assert (float(report.latitude), float(report.longitude)) == (12.25, 109.183333)
    assert not Image.open(ReportPhoto.objects.get().image.path).getexif()


def test_a_double_tap_files_one_report(ward_a, client):
    first = client.post(f"/p/{ward_a.code}/report/", FORM)
    second = client.post(f"/p/{ward_a.code}/report/", FORM)

    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "Trường này là bắt buộc"),
        ({"phone": "+1 202 555 0100"}, "không phải số điện thoại Việt Nam hợp lệ"),
        ({"phone": "xin chào"}, "không phải số điện thoại Việt Nam hợp lệ"),
        ({"name": "", "phone": ""}, "ẩn danh"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_files_nothing(ward_a, client, change, message):
    response = client.post(f"/p/{ward_a.code}/report/", {**FORM, **change})

    assert response.status_code == 200 and message in response.content.decode()
    assert not Report.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused(ward_a, client):
    fake = SimpleUploadedFile("rac.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")

    response = client.post(f"/p/{ward_a.code}/report/", {**FORM, "photos": [fake]})

    assert "không phải là ảnh" in response.content.decode() and not Report.objects.exists()


def test_a_huge_photo_is_refused(ward_a, client, settings):
    settings.REPORT_MAX_PHOTO_BYTES = 1024 * 1024
    big = io.BytesIO()
    Image.effect_noise((1800, 1800), 100).convert("RGB").save(big, "PNG")
    photo = SimpleUploadedFile("big.png", big.getvalue(), content_type="image/png")

    response = client.post(f"/p/{ward_a.code}/report/", {**FORM, "photos": [photo]})

    assert "quá lớn" in response.content.decode() and not Report.objects.exists()


def test_script_in_the_description_is_shown_as_text(ward_a, bob, client, client_for):
    report = submitted(ward_a, description="<script>alert('x')</script> rác ở hẻm 5 chưa thu")

    staff_page = client_for(bob).get(f"/reports/{report.pk}/").content.decode()

    assert "<script>alert" not in staff_page and "&lt;script&gt;" in staff_page


def test_the_honeypot_keeps_bots_out_without_telling_them(ward_a, client):
    response = client.post(f"/p/{ward_a.code}/report/", {**FORM, "website": "http://spam.example"})

    assert response.status_code == 200 and not Report.objects.exists()


def test_too_many_reports_from_one_phone_are_held_back(ward_a, client, settings):
    settings.REPORT_RATE_LIMIT_PER_HOUR = 2
    for n in range(3):
        response = client.post(
            f"/p/{ward_a.code}/report/",
            {**FORM, "form_token": f"t{n}", "description": f"Đèn đường số {n} bị hỏng lâu rồi"},
        )

    assert Report.objects.count() == 2 and "quá nhiều" in response.content.decode()


def test_the_status_page_needs_the_phone_digits_for_a_private_report_and_gives_no_hint(ward_a, client):
    report = submitted(ward_a, public=False)
    url = "/report/status/"

    wrong_code = client.get(url, {"code": "PA-26-ZZZZZ", "digits": "5678"}).content.decode()
    wrong_digits = client.get(url, {"code": report.tracking_code, "digits": "0000"}).content.decode()
    right = client.get(url, {"code": report.tracking_code, "digits": "5678"}).content.decode()

    message = "Không có phản ánh nào khớp với mã và số điện thoại này."
    assert message in wrong_code and message in wrong_digits
    assert report.tracking_code in right and "Rác thải để ở đầu hẻm" in right


def test_the_reporter_receives_the_code_by_sms(ward_a, sms_gateway):
    report = submitted(ward_a)

    send_personal()

    assert list(sms_gateway.received) == ["0912345678"]
    assert report.tracking_code in sms_gateway.contents[0][1]
    assert [m.delivery.status for m in selectors.messages_sent(report=report)] == ["sent"]


def test_open_reports_nearby_are_offered_while_typing(ward_a, group_a1, client):
    existing = accepted(submitted(ward_a, group_id=group_a1.pk))
    accepted(submitted(ward_a, group_id=group_a1.pk, category="tip", description="Có người buôn bán ma túy ở hẻm 3"))
    submitted(ward_a, group_id=group_a1.pk, description="Rác ở hẻm 12, nhà ông Tư bỏ ra")  # new: not offered

    found = client.get(
        f"/p/{ward_a.code}/report/similar/", {"category": "environment", "group": group_a1.pk, "q": "rac hem 12"}
    ).json()["results"]
    tips = client.get(f"/p/{ward_a.code}/report/similar/", {"category": "tip", "group": group_a1.pk}).json()

    assert [r["code"] for r in found] == [existing.tracking_code]
    assert tips["results"] == []  # a tip is never offered to anyone


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_code_reaches_the_reporter_through_a_real_worker(ward_a, client, sms_gateway, celery_worker):
    client.post(f"/p/{ward_a.code}/report/", FORM)
    code = Report.objects.get().tracking_code

    wait_until(lambda: sms_gateway.contents, what="the code's SMS to reach the gateway")
    assert code in sms_gateway.contents[0][1]
    assert list(sms_gateway.received) == ["0912345678"]


def test_the_report_form_says_what_is_required_before_anything_is_sent(ward_a, client):
    page = client.get(f"/p/{ward_a.code}/report/").content.decode()
    assert "Bắt buộc, trừ khi gửi ẩn danh." in page and "Bắt buộc (hoặc email), trừ khi gửi ẩn danh" in page
