"""Writing an announcement in the browser: what gets through, what is refused, and who may write to whom."""

import html
import io
import math
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from announcements.models import Announcement, AnnouncementFile
from tests.factories import GroupFactory, member_in

pytestmark = pytest.mark.django_db


def jpeg_bytes(size: tuple[int, int] = (3000, 2000), *, with_location: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    if with_location:
        exif[0x8825] = {1: "N", 2: (12.0, 15.0, 0.0), 3: "E", 4: (109.0, 11.0, 0.0)}  # GPS IFD
        exif[0x010F] = "PhoneMaker"
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif)
    return output.getvalue()


def form(**overrides):
    data = {
        "title": "Mời họp tổ dân phố",
        "body": "Kính mời bà con dự họp.\n\n<script>alert('x')</script> <b onclick=\"x()\">Đúng giờ</b>",
        "category": "meeting",
        "urgency": "routine",
        "channels": ["sms", "web_feed"],
        "action": "none",
        "sms_unaccented": "on",
    }
    data.update(overrides)
    return data


def test_staff_compose_with_a_picture_that_is_shrunk_and_stripped_of_its_location(bob, group_a1, client_for):
    picture = SimpleUploadedFile("anh.jpg", jpeg_bytes(with_location=True), content_type="image/jpeg")

    response = client_for(bob).post("/announcements/new/", form(group_ids=[group_a1.pk], images=[picture]), follow=True)

    announcement = Announcement.objects.get()
    assert response.redirect_chain[-1][0] == f"/announcements/{announcement.pk}/"
    stored = Image.open(AnnouncementFile.objects.get().file.path)
    assert max(stored.size) == 1600
    assert not stored.getexif()  # no GPS, no camera
    assert announcement.status == "draft" and announcement.created_by == bob


def test_script_and_event_handlers_never_reach_the_page(bob, group_a1, client_for):
    client = client_for(bob)
    client.post("/announcements/new/", form(group_ids=[group_a1.pk]))
    announcement = Announcement.objects.get()

    page = client.get(f"/announcements/{announcement.pk}/").content.decode()

    assert "<script>alert" not in page and "onclick" not in page
    assert "<b>Đúng giờ</b>" in announcement.body_html


def test_a_file_that_is_not_a_picture_is_refused_in_vietnamese_and_nothing_is_saved(bob, group_a1, client_for):
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")

    response = client_for(bob).post("/announcements/new/", form(group_ids=[group_a1.pk], images=[fake]))

    assert "không phải là ảnh" in response.content.decode()
    assert not Announcement.objects.exists() and not AnnouncementFile.objects.exists()


def test_a_document_must_be_a_pdf(bob, group_a1, client_for):
    notpdf = SimpleUploadedFile("cv.pdf", b"hello", content_type="application/pdf")
    pdf = SimpleUploadedFile("cv2.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")

    refused = client_for(bob).post("/announcements/new/", form(group_ids=[group_a1.pk], documents=[notpdf]))
    accepted = client_for(bob).post("/announcements/new/", form(group_ids=[group_a1.pk], documents=[pdf]))

    assert "không phải là tài liệu PDF" in refused.content.decode()
    assert accepted.status_code == 302 and AnnouncementFile.objects.get().kind == "document"


def test_an_empty_form_says_what_is_missing(bob, client_for):
    response = client_for(bob).post("/announcements/new/", form(title="", body="", channels=[]))

    page = response.content.decode()
    assert response.status_code == 200 and "Trường này là bắt buộc" in page
    assert not Announcement.objects.exists()


def test_a_group_leader_writes_only_to_their_own_groups(carol, group_a1, group_a2, client_for):
    client = client_for(carol)

    other = client.post("/announcements/new/", form(group_ids=[group_a2.pk]))
    whole = client.post("/announcements/new/", form(whole_ward="on"))
    own = client.post("/announcements/new/", form(group_ids=[group_a1.pk]))

    assert other.status_code == 200 and not Announcement.objects.filter(groups=group_a2).exists()
    assert "Chỉ cán bộ phường" in whole.content.decode()
    assert own.status_code == 302 and list(Announcement.objects.get().groups.all()) == [group_a1]


def test_the_preview_shows_the_sms_and_its_segment_count(bob, group_a1, client_for):
    client = client_for(bob)
    client.post("/announcements/new/", form(group_ids=[group_a1.pk], sms_unaccented=""))
    announcement = Announcement.objects.get()

    page = client.get(f"/announcements/{announcement.pk}/").content.decode()

    sms = html.unescape(re.search(r'data-preview="sms">(.*?)</pre>', page, re.S).group(1))
    assert sms.startswith("Mời họp tổ dân phố. Kính mời bà con dự họp.")
    assert "có dấu (70 ký tự một tin)" in page
    # Unicode SMS: 70 characters in one message, 67 a part once it is split.
    expected = 1 if len(sms) <= 70 else math.ceil(len(sms) / 67)
    assert f'data-sms-segments="{expected}"' in page and expected > 1


def test_poll_and_rsvp_need_their_details(bob, group_a1, client_for):
    client = client_for(bob)

    poll = client.post("/announcements/new/", form(group_ids=[group_a1.pk], action="poll", poll_options="Có"))
    rsvp = client.post("/announcements/new/", form(group_ids=[group_a1.pk], action="rsvp"))

    assert "từ 2 đến 6 lựa chọn" in poll.content.decode()
    assert "thời gian họp" in rsvp.content.decode()
    assert not Announcement.objects.exists()


def test_nobody_of_another_ward_can_see_or_act_on_an_announcement(bob, dave, group_a1, client_for):
    client_for(bob).post("/announcements/new/", form(group_ids=[group_a1.pk]))
    announcement = Announcement.objects.get()
    outsider = client_for(dave)

    assert outsider.get(f"/announcements/{announcement.pk}/").status_code == 404
    assert outsider.post(f"/announcements/{announcement.pk}/cancel/").status_code == 404
    assert outsider.get(f"/announcements/{announcement.pk}/stats/").status_code == 404
    assert "Mời họp" not in outsider.get("/announcements/").content.decode()
    assert Announcement.objects.get().status == "draft"


def test_a_group_leader_does_not_see_announcements_of_other_groups(alice, carol, group_a2, client_for):
    GroupFactory(ward=group_a2.ward)
    client_for(alice).post("/announcements/new/", form(group_ids=[group_a2.pk]))
    announcement = Announcement.objects.get()

    assert client_for(carol).get(f"/announcements/{announcement.pk}/").status_code == 404


def test_only_channels_that_are_set_up_are_ticked_and_the_others_say_so(bob, group_a1, client_for, settings):
    settings.SMS_API_KEY = settings.SMS_SECRET_KEY = settings.SMS_BRANDNAME = "x"
    settings.ZALO_APP_ID = settings.ZALO_OA_ACCESS_TOKEN = ""

    form = client_for(bob).get("/announcements/new/").context["form"]

    assert set(form.initial["channels"]) == {"sms", "web_feed"}
    labels = dict(form.fields["channels"].choices)
    assert "chưa cài đặt" in str(labels["zalo_oa"]) and "chưa cài đặt" not in str(labels["sms"])


def test_the_compose_form_counts_whom_each_ticked_channel_reaches_in_the_groups_ticked(
    alice, carol, group_a1, group_a2, client_for
):
    for phone in ("+84912000021", "+84912000022"):
        member_in(group_a1, phone=phone, consent_sms=True, preferred_channel="sms")
    member_in(group_a1, consent_sms=False, consent_email=True, email="lan@example.vn", preferred_channel="email")
    member_in(group_a2, phone="+84912000023", consent_sms=True, preferred_channel="sms")

    one = client_for(alice).get(f"/announcements/reach/?group_ids={group_a1.pk}&channels=sms&channels=email").json()
    both = (
        client_for(alice)
        .get(f"/announcements/reach/?group_ids={group_a1.pk}&group_ids={group_a2.pk}&channels=sms")
        .json()
    )
    leader = client_for(carol).get(f"/announcements/reach/?group_ids={group_a2.pk}&whole_ward=on&channels=sms").json()

    assert one["by_channel"] == {"sms": 2, "email": 1} and one["words"]["sms"] == "2 người"
    assert both["by_channel"] == {"sms": 3} and both["unreachable"] == 1  # the email-only person, email unticked
    assert leader["people"] == 0  # a leader counts only their own groups, never the whole ward


def test_meeting_and_poll_fields_are_marked_to_show_only_for_their_choice_and_there_is_no_word_markdown(
    bob, client_for
):
    page = client_for(bob).get("/announcements/new/").content.decode()

    assert 'data-show-for="rsvp"' in page and 'data-show-for="poll"' in page and "data-reveals" in page
    assert "data-toolbar" in page and "Markdown" not in page


def test_a_list_written_under_a_line_of_text_is_a_list_in_the_preview_and_in_what_is_sent(bob, group_a1, client_for):
    from announcements import rendering, services
    from tests.announcements.conftest import announcement_data

    body = "Bà con lưu ý:\n- mang căn cước\n- đến đúng giờ\nXin cảm ơn."
    html = rendering.body_to_html(body)
    assert "<ul>" in html and "<li>mang căn cước</li>" in html and "- mang" not in html
    assert "<p>Xin cảm ơn.</p>" in html
    draft = services.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk], body=body))
    page = client_for(bob).get(f"/announcements/{draft.pk}/").content.decode()
    assert "<li>mang căn cước</li>" in page


def test_a_picture_chosen_with_a_form_that_comes_back_with_an_error_is_named_to_choose_again(bob, group_a1, client_for):
    picture = SimpleUploadedFile("lich-thu-gom.jpg", jpeg_bytes((800, 600)), content_type="image/jpeg")
    page = (
        client_for(bob)
        .post(
            "/announcements/new/",
            {
                "title": "",
                "body": "Lịch thu gom rác mới",
                "channels": ["sms"],
                "group_ids": [group_a1.pk],
                "images": [picture],
            },
        )
        .content.decode()
    )
    assert "hãy chọn lại “lich-thu-gom.jpg”" in page
    assert not Announcement.objects.exists()
