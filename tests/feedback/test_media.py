"""Uploaded photos and files: stored under random names, served only through views that check who may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from announcements import services as announcement_services
from announcements.models import AnnouncementFile
from feedback import services
from feedback.models import Report, ReportPhoto
from tests.announcements.conftest import announcement_data
from tests.announcements.test_compose import jpeg_bytes
from tests.factories import member_in
from tests.feedback.conftest import TIP, submitted

pytestmark = pytest.mark.django_db


def _selfie() -> SimpleUploadedFile:
    return SimpleUploadedFile("Nguyen-Van-A-selfie.jpg", jpeg_bytes((400, 300)), content_type="image/jpeg")


def _tip_with_photo(ward):
    report, _created = services.report_submit(ward=ward, data=services.ReportData(**TIP), photos=[_selfie()])
    return report


def test_a_tip_photo_never_keeps_the_name_the_phone_gave_it(ward_a, bob, police, client_for):
    report = _tip_with_photo(ward_a)
    photo = ReportPhoto.objects.get(report=report)

    page = client_for(bob).get(f"/reports/{report.pk}/").content.decode()

    assert "Nguyen-Van-A" not in photo.image.name and "selfie" not in photo.image.name
    assert "Nguyen-Van-A" not in page and f"/reports/{report.pk}/photos/{photo.pk}/" in page


def test_report_photos_are_served_only_to_staff_who_may_open_the_report_and_never_cached(
    ward_a, group_a1, bob, carol, dave, police, client_for, client
):
    report = _tip_with_photo(ward_a)
    photo = ReportPhoto.objects.get(report=report)
    url = f"/reports/{report.pk}/photos/{photo.pk}/"

    seen = client_for(bob).get(url)
    assert seen.status_code == 200 and seen["Content-Type"] == "image/jpeg"
    assert "no-store" in seen["Cache-Control"] and "private" in seen["Cache-Control"]
    assert client_for(carol).get(url).status_code == 404  # a group leader does not see tips
    assert client_for(dave).get(url).status_code == 404  # another ward
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert client.get(f"/report/photos/{photo.pk}/").status_code == 404


@pytest.mark.parametrize("debug", [True, False])
def test_nothing_under_media_is_reachable_by_its_path(ward_a, client, settings, debug):
    report = _tip_with_photo(ward_a)
    photo = ReportPhoto.objects.get(report=report)

    with override_settings(DEBUG=debug):
        response = client.get("/" + settings.MEDIA_URL.strip("/") + "/" + photo.image.name)

    assert response.status_code == 404


def test_public_pages_show_photos_only_of_public_answered_reports(ward_a, bob, client):
    report, _created = services.report_submit(
        ward=ward_a,
        data=services.ReportData(category="environment", description="Rác ùn ứ trước chợ ba ngày nay", anonymous=True),
        photos=[_selfie()],
    )
    photo = ReportPhoto.objects.get(report=report)
    url = f"/report/photos/{photo.pk}/"

    before = client.get(url).status_code
    services.report_change_status(report=report, by=bob, to="triaged")
    services.report_change_status(report=report, by=bob, to="resolved", public_text="Đã thu gom.")
    after = client.get(url)
    Report.objects.filter(pk=report.pk).update(is_public=False)

    assert before == 404
    assert after.status_code == 200 and after["Content-Type"] == "image/jpeg"
    assert client.get(url).status_code == 404  # no longer public


def test_the_browser_that_filed_a_report_sees_its_own_photos(ward_a, client):
    token = client.get(f"/p/{ward_a.code}/report/").context["form"].initial["form_token"]
    client.post(
        f"/p/{ward_a.code}/report/",
        {
            "category": "environment",
            "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
            "anonymous": "on",
            "form_token": token,
            "photos": [_selfie()],
        },
    )
    photo = ReportPhoto.objects.get()

    mine = client.get(f"/report/photos/{photo.pk}/")
    client.cookies.clear()

    assert mine.status_code == 200 and "no-store" in mine["Cache-Control"]
    assert client.get(f"/report/photos/{photo.pk}/").status_code == 404


def test_announcement_files_follow_the_announcement_s_own_visibility(alice, bob, dave, group_a1, client_for, client):
    member_in(group_a1)
    pdf = SimpleUploadedFile("Danh-sach-ho-ngheo.pdf", b"%PDF-1.4 list", content_type="application/pdf")
    draft = announcement_services.announcement_save(
        user=bob, data=announcement_data(group_ids=[group_a1.pk], channels=["sms"]), documents=[pdf]
    )
    document = AnnouncementFile.objects.get()
    plain = f"/a/{draft.pk}/files/{document.pk}/"

    assert document.original_name == "Danh-sach-ho-ngheo.pdf" and "Danh-sach" not in document.file.name
    assert client_for(bob).get(document.url).status_code == 200  # staff of its ward, while a draft
    assert client_for(dave).get(document.url).status_code == 404  # another ward, even with the key
    client.logout()
    assert client.get(document.url).status_code == 404  # not sent yet: the key opens nothing

    announcement_services.announcement_submit(announcement=draft, by=bob)
    announcement_services.announcement_approve(announcement=draft, by=alice)  # no time set: it goes out

    keyed = client.get(document.url)
    assert keyed.status_code == 200 and keyed["Content-Type"] == "application/pdf"
    assert "no-store" in keyed["Cache-Control"]  # not on the public feed: private to its readers
    assert client.get(plain).status_code == 404  # without the key
    assert client.get(plain + "?k=0000000000").status_code == 404


def test_staff_pages_and_the_status_page_are_never_cached(ward_a, bob, client_for, client):
    report = submitted(ward_a)

    queue = client_for(bob).get("/reports/")
    detail = client_for(bob).get(f"/reports/{report.pk}/")
    client.logout()
    status = client.get("/report/status/", {"code": report.tracking_code})

    for response in (queue, detail, status):
        assert "no-store" in response["Cache-Control"]
