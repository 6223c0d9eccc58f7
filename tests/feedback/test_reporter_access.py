"""Only the reporter follows a private report, rates or reopens it; codes cannot be walked."""

import io
import re

import pytest

from feedback import services
from feedback.lookup import reporter_link_token
from feedback.models import Report, ReportEvent
from tests.feedback.conftest import accepted, submitted

pytestmark = pytest.mark.django_db


def _resolved(ward, bob, **overrides):
    report = submitted(ward, **overrides)
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")
    return report


def test_ten_wrong_digits_close_the_check_for_that_code_for_an_hour_whatever_is_typed(ward_a, client):
    report = submitted(ward_a, public=False)

    for _try in range(10):
        wrong = client.get("/report/status/", {"code": report.tracking_code, "digits": "0000"})
        assert report.description not in wrong.content.decode()
    right = client.get("/report/status/", {"code": report.tracking_code, "digits": "5678"}).content.decode()

    assert report.description not in right
    assert "Bạn đã thử sai quá nhiều lần" in right and "đến" in right  # says until when, in Vietnamese


def test_thirty_wrong_codes_from_one_address_close_the_check_for_that_address(ward_a, client):
    report = accepted(submitted(ward_a))  # public and accepted: its code alone opens it

    for number in range(30):
        client.get("/report/status/", {"code": f"PA-26-{number:05d}"})
    blocked = client.get("/report/status/", {"code": report.tracking_code}).content.decode()
    elsewhere = client.get("/report/status/", {"code": report.tracking_code}, REMOTE_ADDR="10.9.9.9")

    assert report.description not in blocked and "Bạn đã thử sai quá nhiều lần" in blocked
    assert report.description in elsewhere.content.decode()


def test_a_tip_a_private_report_and_no_report_answer_alike_by_code(ward_a, client):
    tip = submitted(ward_a, category="tip", description="Có người buôn bán ma túy ở hẻm 3 ban đêm")
    private = submitted(ward_a, public=False, description="Hàng xóm đổ nước thải ra đường")

    def page(code):
        html = client.get("/report/status/", {"code": code}).content.decode().replace(code, "CODE")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # masked anew on every answer

    pages = [page(code) for code in (tip.tracking_code, private.tracking_code, "PA-26-ZZZZZ")]

    assert pages[0] == pages[1] == pages[2]
    assert "Không có phản ánh nào khớp" in pages[0]


def test_a_public_report_s_code_alone_shows_it_but_does_not_rate_it(ward_a, bob, client):
    report = _resolved(ward_a, bob)

    page = client.get("/report/status/", {"code": report.tracking_code}).content.decode()
    client.post("/report/rate/", {"code": report.tracking_code, "digits": "", "rating": "1"})

    assert "Đã thu gom xong." in page and 'name="rating"' not in page
    report.refresh_from_db()
    assert (report.status, report.rating) == ("resolved", None)


def test_the_browser_that_filed_it_rates_once_and_staff_see_how_the_reporter_proved_it(ward_a, bob, client, client_for):
    form = client.get(f"/p/{ward_a.code}/report/")
    token = form.context["form"].initial["form_token"]
    client.post(
        f"/p/{ward_a.code}/report/",
        {
            "category": "environment",
            "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
            "name": "Nguyễn Thị Lan",
            "phone": "0912 345 678",
            "form_token": token,
        },
    )
    from feedback.models import Report

    report = Report.objects.get()
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")

    client.post("/report/rate/", {"code": report.tracking_code, "rating": "5"})
    again = client.post("/report/rate/", {"code": report.tracking_code, "rating": "1"}, follow=True)
    client.post("/report/rate/", {"code": report.tracking_code, "rating": "5", "not_fixed": "on"})

    report.refresh_from_db()
    assert report.rating == 5 and "Bạn đã đánh giá phản ánh này" in again.content.decode()
    assert report.status == "in_progress"  # "not fixed" still reopens, without a second rating
    reopened = ReportEvent.objects.get(report=report, kind="status", to_status="in_progress")
    assert reopened.via == "browser"
    report_page = client_for(bob).get(f"/reports/{report.pk}/").content.decode()
    assert 'data-via="browser"' in report_page


def test_the_link_sent_to_the_reporter_lets_them_rate(ward_a, bob, client):
    report = _resolved(ward_a, bob, phone="", email="lan@example.vn")
    token = reporter_link_token(report.tracking_code)

    page = client.get("/report/status/", {"code": report.tracking_code, "t": token}).content.decode()
    client.post("/report/rate/", {"code": report.tracking_code, "t": "forged-token", "rating": "1"})
    untouched = report.__class__.objects.get(pk=report.pk).rating
    client.post("/report/rate/", {"code": report.tracking_code, "t": token, "rating": "4"})

    assert 'name="rating"' in page and untouched is None
    report.refresh_from_db()
    assert report.rating == 4
    assert ReportEvent.objects.get(report=report, kind="rated").via == "link"


@pytest.mark.parametrize("typed", ["pa 26 {rest}", "PA26{rest}", "pa-26-{rest_lower}", " PA.26.{rest} "])
def test_a_code_typed_in_any_case_with_spaces_or_without_dashes_finds_the_report(ward_a, client, typed):
    report = accepted(submitted(ward_a))
    rest = report.tracking_code.split("-")[2]
    page = client.get("/report/status/", {"code": typed.format(rest=rest, rest_lower=rest.lower())})
    assert report.description in page.content.decode()


def test_the_code_shown_large_breaks_only_between_its_groups(ward_a, client):
    response = client.post(
        f"/p/{ward_a.code}/report/",
        {
            "category": "environment",
            "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
            "anonymous": "on",
            "form_token": client.get(f"/p/{ward_a.code}/report/").context["form"].initial["form_token"],
        },
    )
    done = client.get(response["Location"] + "&large=1").content.decode()
    code = Report.objects.get().tracking_code
    groups = code.split("-")
    assert f'<span class="code-group">{groups[0]}-</span><span class="code-group">{groups[1]}-</span>' in done
    assert f'<span class="code-group">{groups[2]}</span>' in done


def test_rating_without_stars_keeps_the_comment_and_a_rating_is_thanked_and_said_once(ward_a, bob, client):
    report = _resolved(ward_a, bob)
    token = reporter_link_token(report.tracking_code)
    status = {"code": report.tracking_code, "t": token}

    missing = client.post("/report/rate/", {**status, "comment": "Sạch sẽ rồi, cảm ơn tổ"}, follow=True)
    page = missing.content.decode()
    assert "Sạch sẽ rồi, cảm ơn tổ" in page and "lời nhận xét vẫn được giữ" in page
    assert report.__class__.objects.get(pk=report.pk).rating is None

    rated = client.post("/report/rate/", {**status, "rating": "5", "comment": "Sạch sẽ rồi"}, follow=True)
    page = rated.content.decode()
    assert "Cảm ơn bạn: bạn đã đánh giá 5/5." in page and "Gửi đánh giá" not in page
    assert "Đã đóng: Đã đóng" not in page and "Đã đóng: Người phản ánh hài lòng." in page


def test_the_status_page_leads_with_the_answer_and_loads_a_phone_sized_photo(ward_a, bob, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.announcements.test_compose import jpeg_bytes

    report = accepted(submitted(ward_a))
    photo = SimpleUploadedFile("da-thu-gom.jpg", jpeg_bytes((3000, 2000)), content_type="image/jpeg")
    services.report_reply(report=report, by=bob, text="Đội vệ sinh đã thu gom sáng nay.", public=True, photos=[photo])
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom xong.")

    page = client.get("/report/status/", {"code": report.tracking_code}).content.decode()
    answer_at = page.index("data-answer")
    assert answer_at < page.index(report.description[:20]) and "Phường sẽ trả lời trước" not in page
    assert "Đội vệ sinh đã thu gom sáng nay." in page[answer_at:] and "Đã thu gom xong." in page[answer_at:]
    small = re.search(r'src="(/report/photos/\d+/\?w=640)"', page).group(1)
    assert "640w" in page and "1600w" in page

    from PIL import Image

    body = b"".join(client.get(small).streaming_content)
    original = b"".join(client.get(small.split("?")[0]).streaming_content)
    assert len(body) < 102_400 and max(Image.open(io.BytesIO(body)).size) == 640
    assert max(Image.open(io.BytesIO(original)).size) == 1600  # the original, on a tap
