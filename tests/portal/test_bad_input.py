"""Whatever a client sends gets a 4xx with a clear message, never a server error, and nothing half-written."""

import base64
import json
import time
from xml.etree import ElementTree

import pytest

from announcements import services as announcement_services
from channels.zalo import zalo_signature
from feedback.models import Report
from tests.announcements.conftest import announcement_data
from tests.factories import member_in
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.django_db

HUGE = "9" * 30
REPORT = {
    "category": "environment",
    "description": "Rác thải để ở đầu hẻm 12 ba tuần chưa ai thu gom.",
    "anonymous": "on",
    "form_token": "tok-bad-input",
}


@pytest.fixture
def zalo_settings(settings):
    settings.ZALO_APP_ID, settings.ZALO_OA_SECRET_KEY = "app-1", "oa-secret"


def _signed(client, event, *, raw=None):
    body = raw if raw is not None else json.dumps(event)
    signature = zalo_signature(
        app_id=str(event.get("app_id", "")), body=body, timestamp=str(event.get("timestamp", "")), secret="oa-secret"
    )
    return client.post("/hooks/zalo/", body, content_type="application/json", HTTP_X_ZEVENT_SIGNATURE=signature)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-Infinity", "1e999", "91", "abc"])
def test_a_non_finite_or_impossible_position_on_the_report_form_is_dropped_not_a_crash(ward_a, client, value):
    response = client.post(
        f"/p/{ward_a.code}/report/", {**REPORT, "share_location": "on", "latitude": value, "longitude": value}
    )

    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (None, None)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", HUGE, "1e999"])
def test_similar_reports_take_any_position(ward_a, client, value):
    response = client.get(
        f"/p/{ward_a.code}/report/similar/", {"category": "environment", "lat": value, "lon": value, "group": "²"}
    )

    assert response.status_code == 200 and response.json() == {"results": []}


def test_a_huge_or_foreign_digit_group_on_the_report_form_is_a_field_error(ward_a, client):
    huge = client.post(f"/p/{ward_a.code}/report/", {**REPORT, "group_id": HUGE})
    foreign = client.post(f"/p/{ward_a.code}/report/", {**REPORT, "group_id": "²", "form_token": "tok-2"})

    assert huge.status_code == foreign.status_code == 200
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "cursor",
    [
        base64.urlsafe_b64encode(b"2026-13-45T00:00:00|5").decode(),
        base64.urlsafe_b64encode(b"2026-02-30T10:00:00|5").decode(),
        base64.urlsafe_b64encode(("9" * 40).encode()).decode(),
        base64.urlsafe_b64encode("²".encode()).decode(),
        "%%%",
        "not-base64!",
    ],
)
def test_a_forged_cursor_starts_from_the_first_page(ward_a, bob, client_for, api_for, cursor):
    submitted(ward_a)

    for sort in ("new", "old", "due"):
        page = client_for(bob).get("/reports/", {"after": cursor, "sort": sort})
        api = api_for(bob).get("/api/reports/", {"after": cursor, "sort": sort})
        assert page.status_code == 200 and api.status_code == 200


@pytest.mark.parametrize("value", ["²", "٣", HUGE, "-1", "1.5", ""])
def test_ids_that_are_not_plain_numbers_are_ignored_or_a_404(ward_a, group_a1, bob, alice, client_for, api_for, value):
    report = submitted(ward_a)
    staff = client_for(bob)

    assert staff.get("/reports/", {"group": value, "unit": value}).status_code == 200
    assert api_for(bob).get("/api/households/", {"group": value}).status_code == 200
    assert api_for(bob).get("/api/members/", {"group": value}).status_code == 200
    assert api_for(bob).get("/api/memberships/", {"group": value}).status_code == 200
    bulk = staff.post(
        "/reports/bulk/", {"ids": [value, str(report.pk)], "action": "assign", "unit": value, "confirmed": "1"}
    )
    assert bulk.status_code in {302, 404}
    assign = staff.post(f"/reports/{report.pk}/assign/", {"unit": value or "x"})
    assert assign.status_code in {302, 404}
    assert Report.objects.get(pk=report.pk).unit is None
    draft = announcement_services.announcement_save(user=alice, data=announcement_data(group_ids=[group_a1.pk]))
    remove = client_for(alice).post(f"/announcements/{draft.pk}/remove-file-{value}/")
    assert remove.status_code in {302, 404}


def test_a_number_too_long_for_the_database_in_a_path_is_a_404(ward_a, bob, client_for, api_for):
    for path in (f"/reports/{HUGE}/", f"/groups/{HUGE}/", f"/announcements/{HUGE}/", f"/a/{HUGE}/"):
        assert client_for(bob).get(path).status_code == 404, path
    for path in (f"/api/reports/{HUGE}/", f"/api/members/{HUGE}/", f"/api/groups/{HUGE}/"):
        response = api_for(bob).get(path)
        assert response.status_code == 404 and "detail" in response.json(), path


def test_a_json_list_as_a_patch_body_is_a_400_with_a_json_error(group_a1, alice, api_for):
    member = member_in(group_a1)

    response = api_for(alice).patch(f"/api/members/{member.pk}/", [1, 2], format="json")

    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_sms_report_ids_with_foreign_digits_match_nothing(client, settings):
    from channels.sms import callback_signature

    settings.SMS_CALLBACK_SECRET = "callback-secret"
    for request_id in ("d²", "d٣", "d" + HUGE):
        response = client.get(
            "/hooks/sms/", {"RequestId": request_id, "SendStatus": "5", "sig": callback_signature(request_id)}
        )
        assert response.status_code == 200 and response.json()["updated"] == 0


def test_zalo_json_that_is_not_an_object_is_a_400_before_and_after_the_signature(client, zalo_settings):
    now = str(int(time.time() * 1000))

    before = client.post("/hooks/zalo/", "[1, 2, 3]", content_type="application/json")
    not_json = client.post("/hooks/zalo/", "{not json", content_type="application/json")
    message_list = _signed(
        client, {"app_id": "app-1", "event_name": "user_send_text", "timestamp": now, "message": ["x"]}
    )
    sender_text = _signed(
        client,
        {"app_id": "app-1", "event_name": "user_send_text", "timestamp": now, "sender": "u", "message": {"text": "a"}},
    )
    tracking = _signed(
        client,
        {"app_id": "app-1", "event_name": "user_received_message", "timestamp": now, "message": {"tracking_id": "d²"}},
    )

    assert before.status_code == not_json.status_code == 400
    assert message_list.status_code == sender_text.status_code == 400
    assert tracking.status_code == 200 and tracking.json()["updated"] == 0


def test_a_replayed_or_foreign_zalo_event_is_refused(client, zalo_settings):
    old = str(int((time.time() - 16 * 60) * 1000))
    now = str(int(time.time() * 1000))

    replayed = _signed(client, {"app_id": "app-1", "event_name": "user_received_message", "timestamp": old})
    foreign = _signed(client, {"app_id": "app-2", "event_name": "user_received_message", "timestamp": now})
    no_time = _signed(client, {"app_id": "app-1", "event_name": "user_received_message", "timestamp": "x"})
    fresh = _signed(client, {"app_id": "app-1", "event_name": "user_received_message", "timestamp": now})

    assert replayed.status_code == foreign.status_code == no_time.status_code == 403
    assert fresh.status_code == 200


def test_control_characters_are_removed_on_the_way_in(ward_a, group_a1, alice, client):
    client.post(
        f"/p/{ward_a.code}/report/",
        {**REPORT, "description": "Cống\x0b tắc\x00 nước\x85 tràn ra đường", "address": "Hẻm\x0c 5"},
    )
    announcement = announcement_services.announcement_save(
        user=alice, data=announcement_data(group_ids=[group_a1.pk], title="Họp\x0c tổ", body="Mời\x1b bà con")
    )

    report = Report.objects.get()
    assert report.description == "Cống tắc nước tràn ra đường" and report.address == "Hẻm 5"
    assert (announcement.title, announcement.body) == ("Họp tổ", "Mời bà con")


def test_a_lone_surrogate_sent_as_a_json_escape_is_a_400_naming_the_field(ward_a, bob, api_for):
    body = '{"category": "environment", "description": "Cống tắc \\ud800 nước tràn ra đường", "source": "phone"}'

    response = api_for(bob).post("/api/reports/", body, content_type="application/json")

    assert response.status_code == 400 and "description" in response.json()
    assert not Report.objects.exists()


def test_one_bad_character_stored_in_an_announcement_never_takes_the_atom_feed_down(alice, group_a1, client):
    from announcements.models import Announcement

    announcement = announcement_services.announcement_save(
        user=alice, data=announcement_data(group_ids=[group_a1.pk], channels=["web_feed"], title="Họp tổ")
    )
    Announcement.objects.filter(pk=announcement.pk).update(
        title="Họp\x0c tổ", body_html="<p>Mời\x0c bà con</p>", status="sent", send_started_at=announcement.created_at
    )

    response = client.get(f"/p/{group_a1.ward.code}/feed.atom")

    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}title").text == "Họp tổ"
    assert entry.find(f"{atom}updated") is not None and entry.find(f"{atom}author/{atom}name") is not None


def test_the_ward_page_links_its_atom_feed(ward_a, client):
    page = client.get(f"/p/{ward_a.code}/").content.decode()

    assert 'rel="alternate" type="application/atom+xml"' in page and f"/p/{ward_a.code}/feed.atom" in page


def test_control_characters_in_an_imported_list_are_removed(alice, group_a1, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from groups.models import Member

    content = "Họ và tên,Số điện thoại,Địa chỉ/hộ\nTrần\x0c Văn\x07 Bình,0912 000 333,12\x1f Lê Lợi\n".encode()
    staff = client_for(alice)

    preview = staff.post(
        reverse("groups:import", args=[group_a1.pk]), {"file": SimpleUploadedFile("ds.csv", content)}, follow=True
    )
    staff.post(preview.redirect_chain[-1][0])

    member = Member.objects.get(phone="+84912000333")
    assert member.full_name == "Trần Văn Bình" and member.household.address == "12 Lê Lợi"


def test_a_provider_refusal_quoting_the_reporter_s_address_is_masked_on_the_timeline(ward_a, settings):
    from feedback.selectors import messages_sent
    from tests.factories import send_personal
    from tests.fakes.smtp import LocalSmtpServer

    report = submitted(ward_a, phone="", email="to-giac@example.vn")
    with LocalSmtpServer() as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
        smtp.inbox.refuse.add("to-giac@example.vn")
        send_personal()

    [message] = messages_sent(report=report)
    note = message.delivery.reason
    assert message.delivery.status == "failed" and "to-giac@example.vn" not in note and "t***@example.vn" in note


def test_a_multipart_body_without_its_boundary_is_a_400_in_json_for_the_api_and_in_words_for_a_person(
    alice, api_for, client
):
    api = api_for(alice).generic("POST", "/api/groups/", b"--x\r\n", content_type="multipart/form-data")
    page = client.generic("POST", "/report/", b"--x\r\n", content_type="multipart/form-data")

    assert api.status_code == 400 and "detail" in api.json()
    assert page.status_code == 400 and "Không đọc được" in page.content.decode()


def test_the_api_holds_a_form_body_to_its_schema_as_sent_and_stores_it_clean(alice, api_for):
    api = api_for(alice)
    too_long = api.post(
        "/api/groups/", {"kind": "to_dan_pho", "name": "\x03" + "x" * 200, "households_total": 40}, format="multipart"
    )
    short = api.post(
        "/api/groups/", {"kind": "to_dan_pho", "name": "Tổ\x03 dân phố 9", "households_total": 40}, format="multipart"
    )

    assert too_long.status_code == 400 and "name" in too_long.json()  # 201 characters as sent
    assert short.status_code == 201 and short.json()["name"] == "Tổ dân phố 9"
