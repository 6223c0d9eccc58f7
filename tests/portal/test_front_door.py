"""`/` is the resident's front door; staff land on what waits for them today."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from announcements import services as announcements
from feedback.models import Report
from groups.models import Membership, Ward
from tests.announcements.conftest import announcement_data
from tests.factories import WardFactory, member_in
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db


def test_with_one_ward_the_front_door_is_its_page_with_three_large_actions(ward_a, client):
    response = client.get("/", follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/p/{ward_a.code}/"
    for action in ("report", "status", "answers"):
        assert f'data-action-link="{action}"' in page
    assert "Gửi phản ánh" in page and "Theo dõi phản ánh" in page and "Phản ánh đã trả lời" in page
    assert "Cán bộ đăng nhập" in page


def test_with_several_wards_a_chooser_finds_them_without_accents(ward_a, ward_b, client):
    WardFactory(name="Phường Ngọc Hiệp", code="20003")

    everyone = client.get("/").content.decode()
    found = client.get("/", {"q": "ngoc hiep"}).content.decode()

    assert "Phường An Bình" in everyone and "Phường Bến Gỗ" in everyone
    assert "Phường Ngọc Hiệp" in found and "Phường An Bình" not in found
    assert Ward.objects.count() == 3


def test_staff_land_on_today_after_signing_in(alice, client):
    alice.set_password("pw-Ket-Noi-2026")
    alice.save()

    response = client.post("/accounts/login/", {"login": alice.email, "password": "pw-Ket-Noi-2026"}, follow=True)

    assert response.redirect_chain[-1][0] == "/today/"
    assert client.get("/")["Location"] == "/today/"


def test_today_counts_what_waits_for_this_person(ward_a, group_a1, group_a2, alice, bob, carol, client_for):
    overdue = submitted(ward_a, group_id=group_a1.pk)
    Report.objects.filter(pk=overdue.pk).update(resolve_due_at=timezone.now() - timedelta(hours=1))
    submitted(ward_a, description="Cột đèn đổ ở tổ 2 sau mưa lớn", group_id=group_a2.pk)
    draft = announcements.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk]))
    announcements.announcement_submit(announcement=draft, by=bob)
    joiner = member_in(group_a1)
    Membership.objects.filter(member=joiner).update(status="pending", source="self_join")

    admin = client_for(alice).get("/today/").content.decode()
    leader = client_for(carol).get("/today/block/").content.decode()

    def count(page, name):
        return int(page.split(f'data-count="{name}">', 1)[1].split("<", 1)[0])

    assert count(admin, "reports_new") == 2 and count(admin, "reports_overdue") == 1
    assert count(admin, "approvals_waiting") == 1 and count(admin, "join_requests") == 1
    # A leader counts only their own group: one report, no approvals to give.
    assert count(leader, "reports_new") == 1 and 'data-count="approvals_waiting"' not in leader
    assert count(leader, "join_requests") == 1
    # Not set up, said in words for a ward officer, with who sets it up: no setting names.
    assert 'data-channel="sms"' in admin and "chưa được cài đặt" in admin and "quản trị kỹ thuật" in admin
    assert "SMS_API_KEY" not in admin and "ZALO_APP_ID" not in admin


def test_a_rejected_draft_shows_as_returned_to_its_author(ward_a, group_a1, alice, bob, client_for):
    draft = announcements.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk]))
    announcements.announcement_submit(announcement=draft, by=bob)
    announcements.announcement_reject(announcement=draft, by=alice, note="Sửa giờ họp")

    page = client_for(bob).get("/today/").content.decode()

    assert 'data-count="returned_to_me">1<' in page


def _file(client, ward, **fields):
    token = client.get(f"/p/{ward.code}/report/").context["form"].initial["form_token"]
    values = {"category": "environment", "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom."}
    return client.post(f"/p/{ward.code}/report/", {**values, **fields, "form_token": token}, follow=True)


def test_the_page_after_sending_says_the_code_was_sent_only_when_a_channel_really_sends_it(ward_a, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # prints, sends nothing

    no_channel = _file(client, ward_a, name="Lan", email="lan@example.vn").content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    by_email = _file(client, ward_a, name="Lan", email="lan2@example.vn").content.decode()

    assert "data-write-down" in no_channel and "Hiện mã thật to" in no_channel and "data-sent-by" not in no_channel
    assert 'data-sent-by="email"' in by_email and "data-write-down" not in by_email


def test_the_status_page_shows_the_expected_date_and_the_history_in_plain_vietnamese(ward_a, bob, client):
    from feedback import services

    report = submitted(ward_a)
    services.report_change_status(report=report, by=bob, to="triaged")

    page = client.get("/report/status/", {"code": report.tracking_code}).content.decode()

    assert "data-expected" in page and "Phường sẽ trả lời trước" in page
    assert "Đã tiếp nhận" in page and "triaged" not in page
    assert f'href="/p/{ward_a.code}/"' in page


def test_signing_in_says_so_in_vietnamese(alice, client):
    alice.set_password("pw-Ket-Noi-2026")
    alice.save()

    page = client.post(
        "/accounts/login/", {"login": alice.email, "password": "pw-Ket-Noi-2026"}, follow=True
    ).content.decode()

    assert "Đã đăng nhập với tài khoản" in page and "Successfully" not in page


def test_after_a_server_side_error_nothing_chosen_is_lost_and_no_right_field_is_marked(
    ward_a, group_a1, group_a2, client
):
    from tests.factories import GroupFactory

    GroupFactory(ward=ward_a, name="Tổ dân phố 10")
    token = client.get(f"/p/{ward_a.code}/report/").context["form"].initial["form_token"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.announcements.test_compose import jpeg_bytes

    photo = SimpleUploadedFile("anh.jpg", jpeg_bytes((300, 200)), content_type="image/jpeg")
    response = client.post(
        f"/p/{ward_a.code}/report/",
        {
            "category": "environment",
            "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
            "group_id": group_a1.pk,
            "name": "Nguyễn Thị Lan",
            "phone": "12345",  # not a phone number
            "form_token": token,
            "photos": [photo],
        },
    )

    page = response.content.decode()
    assert "data-error-summary" in page and 'href="#id_phone"' in page
    assert f'<option value="{group_a1.pk}" selected>' in page  # the group stays chosen
    assert "data-photos-kept" in page and "anh.jpg" in page  # the photo stays on the server, ticked
    assert 'id="id_name_error"' not in page and "Nguyễn Thị Lan" in page  # the name was right
    options = page.split('name="group_id"', 1)[1].split("</select>", 1)[0]
    assert options.index("Tổ dân phố 1<") < options.index("Tổ dân phố 2<") < options.index("Tổ dân phố 10<")

    # Sent again without choosing the photo: the kept one is filed with the report.
    fixed = {
        "category": "environment",
        "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
        "group_id": group_a1.pk,
        "name": "Nguyễn Thị Lan",
        "phone": "0912 345 678",
        "form_token": token,
        "kept_photo": ["0"],
    }
    assert client.post(f"/p/{ward_a.code}/report/", fixed).status_code == 302
    assert Report.objects.get().photos.count() == 1


def test_kept_photos_belong_to_their_form_and_only_pictures_are_kept(ward_a, group_a1, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.announcements.test_compose import jpeg_bytes

    token = client.get(f"/p/{ward_a.code}/report/").context["form"].initial["form_token"]
    wrong = {"category": "other", "description": "Đèn đường hỏng ở hẻm 5 đã hai tuần", "name": "Lan", "phone": "1"}
    photos = [
        SimpleUploadedFile("den.jpg", jpeg_bytes((300, 200)), content_type="image/jpeg"),
        SimpleUploadedFile("not.jpg", b"<?php echo 1; ?>", content_type="image/jpeg"),
    ]
    page = client.post(f"/p/{ward_a.code}/report/", wrong | {"form_token": token, "photos": photos}).content.decode()
    kept = page.split("data-photos-kept", 1)[1].split("</fieldset>", 1)[0]
    assert "den.jpg" in kept and "not.jpg" not in kept  # said at the field instead: not a picture

    # Another form (another token, guessed or made up) finds nothing of this one's.
    other = wrong | {"phone": "0912 345 678", "kept_photo": ["0", "1"]}
    for guess in ("x" * 22, token[:-1] + ("A" if token[-1] != "A" else "B"), "../../" + token):
        assert client.post(f"/p/{ward_a.code}/report/", other | {"form_token": guess}).status_code == 302
    assert [r.photos.count() for r in Report.objects.all()] == [0, 0, 0]  # filed, without the other's photo


def test_a_name_without_a_way_to_answer_marks_the_phone_not_the_name(ward_a, client):
    token = client.get(f"/p/{ward_a.code}/report/").context["form"].initial["form_token"]

    page = client.post(
        f"/p/{ward_a.code}/report/",
        {"category": "other", "description": "Đèn đường hỏng ở hẻm 5 đã hai tuần", "name": "Lan", "form_token": token},
    ).content.decode()

    assert 'href="#id_phone"' in page and 'href="#id_name"' not in page


def test_a_page_that_does_not_exist_is_a_plain_vietnamese_page_not_a_debug_page(client, db):
    response = client.get("/trang-khong-co/")

    page = response.content.decode()
    assert response.status_code == 404 and "Không tìm thấy trang" in page and "Traceback" not in page


def test_the_invite_link_follows_the_address_the_portal_is_served_from(client_for, carol, group_a1, settings):
    settings.PUBLIC_BASE_URL_SET = False
    settings.ALLOWED_HOSTS = ["ketnoi.phuong.vn"]

    page = client_for(carol).get(f"/groups/{group_a1.pk}/", HTTP_HOST="ketnoi.phuong.vn").content.decode()

    assert f"http://ketnoi.phuong.vn/join/{group_a1.invite_token}/" in page


def test_the_account_pages_staff_meet_speak_vietnamese(client, client_for, bob):
    """allauth ships no Vietnamese: the portal carries the words of the pages a ward officer reaches."""
    reset = client.get("/accounts/password/reset/").content.decode()
    sent = client.get("/accounts/password/reset/done/").content.decode()
    bad_link = client.get("/accounts/password/reset/key/1-forged/").content.decode()
    signed_in = client_for(bob)
    change = signed_in.get("/accounts/password/change/").content.decode()
    leaving = signed_in.get("/accounts/logout/").content.decode()
    left = signed_in.post("/accounts/logout/", follow=True).content.decode()

    assert "Quên mật khẩu? Nhập địa chỉ email" in reset and "Reset My Password" not in reset
    assert "Chúng tôi đã gửi thư cho bạn" in sent
    assert "Liên kết không dùng được" in bad_link and "Bad Token" not in bad_link
    assert "Mật khẩu hiện tại" in change and "Đổi mật khẩu" in change and "Change Password" not in change
    assert "Bạn có chắc muốn đăng xuất?" in leaving and "Bạn đã đăng xuất." in left


def test_groups_are_listed_in_natural_order_tổ_2_before_tổ_10(ward_a, alice, client_for):
    from tests.factories import GroupFactory

    for number in (10, 2, 11, 1):
        GroupFactory(ward=ward_a, name=f"Tổ {number}")
    page = client_for(alice).get("/groups/").content.decode()
    positions = [page.index(f">Tổ {n}<") for n in (1, 2, 10, 11)]
    assert positions == sorted(positions)


def test_a_group_leader_lands_on_their_own_first_page(ward_a, group_a1, alice, bob, carol, fund, client_for, client):
    from campaigns import services as campaigns

    joiner = member_in(group_a1)
    Membership.objects.filter(member=joiner).update(status="pending", source="self_join")
    meeting = campaigns.meeting_create(
        data=campaigns.MeetingData(
            title="Họp tổ tháng 12", starts_at=timezone.now(), place="Nhà văn hóa", group_ids=[group_a1.pk]
        ),
        by=carol,
    )
    member_in(group_a1)
    told = announcements.announcement_approve(
        announcement=announcements.announcement_submit(
            announcement=announcements.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk])),
            by=bob,
        ),
        by=alice,
    )

    page = client_for(carol).get("/today/").content.decode()

    assert f'href="/campaigns/{fund.pk}/record/"' in page and "Ghi nhận đóng góp" in page
    assert f'href="/groups/{group_a1.pk}/#requests"' in page and "Tổ dân phố 1: 1 yêu cầu" in page
    assert f'href="/meetings/{meeting.pk}/attendance/"' in page
    assert f'href="/announcements/{told.pk}/in-person/"' in page
    assert "Kênh gửi" not in page and "data-channels" not in page  # no channel setup on a leader's first page
    assert "data-quick-actions" in client_for(carol).get("/today/?all=1").content.decode()
    assert "data-leader-record" not in client_for(bob).get("/today/").content.decode()  # staff: the ward's page


@hypothesis_settings(max_examples=40, deadline=None)
@given(chosen=st.lists(st.text(max_size=8), max_size=4))
def test_whatever_a_form_says_of_its_kept_photos_is_answered_without_an_error(chosen):
    """The ticks of kept photos come from the form: "²", "①", a 5,000-digit number or words are ignored, never a
    server error."""
    from django.core.cache import cache

    from portal.common.uploads import uploads_take

    token = "t" * 22
    cache.set(f"uploads:report-photos:{token}", [("a.jpg", "image/jpeg", b"x")], 60)
    taken = uploads_take(scope="report-photos", token=token, chosen=[*chosen, "9" * 5000, "²", "①"])
    assert [f.name for f in taken] == (["a.jpg"] if "0" in chosen or "00" in chosen else [])
