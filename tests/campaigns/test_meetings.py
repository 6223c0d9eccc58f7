"""Meetings: set up with their RSVP invitation, attendance by ticks or by the resident's personal QR code
scanned at the door, counted per group and over time, minutes attached."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from announcements import rendering
from announcements.models import Announcement, Delivery
from campaigns import services
from campaigns.models import Attendance, Meeting, MinutesVersion
from tests.factories import member_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(group_a1, group_a2, bob):
    data = services.MeetingData(
        title="Họp tổ dân phố tháng 12",
        starts_at=timezone.now() + timedelta(days=2),
        place="Nhà văn hóa tổ 1",
        agenda="1. Tổng kết năm\n2. Quỹ Vì người nghèo",
        group_ids=[group_a1.pk, group_a2.pk],
    )
    return services.meeting_create(data=data, by=bob)


def test_a_leader_sets_up_a_meeting_whose_invitation_is_an_rsvp_draft(client_for, group_a1, carol):
    client = client_for(carol)
    form = client.get("/meetings/new/").content.decode()
    assert "whole_ward" not in form  # a leader invites their own groups only
    answer = client.post(
        "/meetings/new/",
        {"title": "Họp tổ 1", "starts_at": "2026-12-05T19:30", "place": "Nhà ông Tư", "groups": [group_a1.pk]},
    )
    meeting = Meeting.objects.get()
    assert answer["Location"] == f"/meetings/{meeting.pk}/"
    invitation = meeting.announcement
    assert (invitation.status, invitation.action, invitation.meeting_place) == ("draft", "rsvp", "Nhà ông Tư")
    assert list(invitation.groups.all()) == [group_a1]

    refused = client.post("/meetings/new/", {"title": "", "starts_at": "", "place": "", "groups": []})
    body = refused.content.decode()
    assert "error-summary" in body and Meeting.objects.count() == 1


def test_attendance_by_ticks_counts_per_group_and_a_leader_ticks_only_their_own(
    client_for, meeting, group_a1, group_a2, carol, bob
):
    lan, minh = member_in(group_a1, full_name="Nguyễn Thị Lan"), member_in(group_a1, full_name="Trần Văn Minh")
    other = member_in(group_a2, full_name="Lê Văn Hải")
    leader = client_for(carol)
    page = leader.get(f"/meetings/{meeting.pk}/attendance/").content.decode()
    assert "Nguyễn Thị Lan" in page and "Lê Văn Hải" not in page
    assert leader.post(f"/meetings/{meeting.pk}/attendance/", {"member": [lan.pk, other.pk]}).status_code == 403
    leader.post(f"/meetings/{meeting.pk}/attendance/", {"member": [lan.pk, minh.pk]})
    leader.post(f"/meetings/{meeting.pk}/attendance/", {"member": [lan.pk]})  # Minh was ticked by mistake
    client_for(bob).post(f"/meetings/{meeting.pk}/attendance/", {"member": [lan.pk, other.pk]})

    assert set(Attendance.objects.values_list("member__full_name", flat=True)) == {"Nguyễn Thị Lan", "Lê Văn Hải"}
    detail = client_for(bob).get(f"/meetings/{meeting.pk}/")
    rows = {r.name: (r.attended, r.invited) for r in detail.context["rows"]}
    assert rows == {"Tổ dân phố 1": (1, 2), "Tổ dân phố 2": (1, 1)}
    assert "2 / 3" in detail.content.decode()


def test_the_residents_own_code_checks_them_in_once_and_no_other_code_does(
    client_for, meeting, group_a1, group_a2, carol, bob, alice
):
    lan = member_in(group_a1, full_name="Nguyễn Thị Lan")
    other = member_in(group_a2, full_name="Lê Văn Hải")
    Announcement.objects.filter(pk=meeting.announcement_id).update(status="sent")
    delivery = Delivery.objects.create(
        announcement=meeting.announcement, kind="sms", member=lan, address=lan.phone, status="delivered"
    )
    invitation = client_for(carol).get(f"/r/{rendering.reader_code(delivery.pk)}/").content.decode()
    assert "data-meeting-qr" in invitation and "<svg" in invitation  # the resident's own code, on their invitation

    leader = client_for(carol)
    scan = f"/meetings/{meeting.pk}/scan/"
    first = leader.post(scan, {"token": services.qr_token(meeting, lan)})
    again = leader.post(scan, {"token": "http://x/meetings/checkin/" + services.qr_token(meeting, lan) + "/"})
    assert first.json() == {"ok": True, "name": "Nguyễn Thị Lan", "new": True}
    assert again.json()["new"] is False and Attendance.objects.get().how == "qr"

    elsewhere = services.meeting_create(
        data=services.MeetingData(title="Hội nghị", starts_at=timezone.now(), place="UBND", group_ids=[group_a1.pk]),
        by=bob,
    )
    assert "cuộc họp khác" in leader.post(scan, {"token": services.qr_token(elsewhere, lan)}).json()["message"]
    assert "không phải" in leader.post(scan, {"token": "made-up"}).json()["message"]
    assert "không được mời" in leader.post(scan, {"token": services.qr_token(meeting, other)}).json()["message"]

    token = services.qr_token(meeting, other)
    assert "Đánh dấu" in client_for(alice).get(f"/meetings/checkin/{token}/").content.decode()
    client_for(alice).post(f"/meetings/checkin/{token}/")
    assert Attendance.objects.count() == 2


def test_minutes_are_a_pdf_kept_with_the_meeting(client_for, meeting, bob, carol):
    client = client_for(bob)
    wrong = SimpleUploadedFile("bien-ban.docx", b"PK\x03\x04", content_type="application/octet-stream")
    answer = client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": wrong}, follow=True)
    assert "không phải là tài liệu PDF" in answer.content.decode()
    pdf = SimpleUploadedFile("bien-ban-hop.pdf", b"%PDF-1.4 bien ban", content_type="application/pdf")
    client.post(f"/meetings/{meeting.pk}/minutes/", {"minutes": pdf})
    download = client_for(carol).get(f"/meetings/{meeting.pk}/minutes/")
    assert download["Content-Type"] == "application/pdf" and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "bien-ban-hop.pdf" in client.get(f"/meetings/{meeting.pk}/").content.decode()


def test_minutes_keep_every_version_and_only_those_who_run_the_meeting_replace_them(
    client_for, meeting, bob, carol, alice
):
    first = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 first", content_type="application/pdf")
    client_for(bob).post(f"/meetings/{meeting.pk}/minutes/", {"minutes": first})
    # The attack as found: a leader of an invited group posts their own PDF over the ward's minutes.
    forged = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 forged", content_type="application/pdf")
    assert client_for(carol).post(f"/meetings/{meeting.pk}/minutes/", {"minutes": forged}).status_code == 403
    assert b"".join(client_for(alice).get(f"/meetings/{meeting.pk}/minutes/").streaming_content).endswith(b"first")
    assert "Attach the minutes" not in client_for(carol).get(f"/meetings/{meeting.pk}/").content.decode()

    second = SimpleUploadedFile("bien-ban-sua.pdf", b"%PDF-1.4 second", content_type="application/pdf")
    client_for(alice).post(f"/meetings/{meeting.pk}/minutes/", {"minutes": second})
    assert b"".join(client_for(carol).get(f"/meetings/{meeting.pk}/minutes/").streaming_content).endswith(b"second")
    page = client_for(alice).get(f"/meetings/{meeting.pk}/").content.decode()
    assert "2 phiên bản" in page and "bob@an-binh.vn" in page and "alice@an-binh.vn" in page
    older = MinutesVersion.objects.get(name="bien-ban.pdf")
    earlier = client_for(alice).get(f"/meetings/{meeting.pk}/minutes/{older.pk}/")
    assert b"".join(earlier.streaming_content).endswith(b"first")
    assert client_for(bob).get(f"/meetings/{meeting.pk}/minutes/{older.pk}/").status_code == 404


def test_attendance_over_time_lists_past_meetings_with_their_share(client_for, meeting, group_a1, bob):
    lan = member_in(group_a1)
    member_in(group_a1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(days=1))
    services.attendance_set(meeting=meeting, member_ids=[lan.pk], by=bob)
    page = client_for(bob).get("/meetings/").content.decode()
    assert "50&nbsp;%" in page and "1 trên 2 người được mời đã đến" in page


def test_the_meeting_results_are_a_draft_to_the_groups_invited_with_a_chart(client_for, meeting, group_a1, bob, carol):
    lan = member_in(group_a1, full_name="Nguyễn Thị Lan")
    member_in(group_a1)
    services.attendance_set(meeting=meeting, member_ids=[lan.pk], by=bob)
    assert client_for(carol).post(f"/meetings/{meeting.pk}/results/").status_code == 403
    answer = client_for(bob).post(f"/meetings/{meeting.pk}/results/")
    draft = Announcement.objects.exclude(pk=meeting.announcement_id).get()
    assert answer["Location"] == f"/announcements/{draft.pk}/edit/"
    assert (
        draft.status == "draft" and "1 trên 2 thành viên được mời" in draft.body and "Tổ dân phố 1: 1/2" in draft.body
    )
    assert set(draft.groups.all()) == set(meeting.groups.all()) and draft.files.get().file.name.endswith(".png")


def test_meetings_and_attendance_through_the_api(api_for, group_a1, group_a2, carol, dave):
    lan = member_in(group_a1, full_name="Nguyễn Thị Lan")
    api = api_for(carol)
    made = api.post(
        "/api/meetings/",
        {
            "title": "Họp tổ 1",
            "starts_at": "2026-12-05T19:30:00+07:00",
            "place": "Nhà ông Tư",
            "group_ids": [group_a1.pk],
        },
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        api.post(
            "/api/meetings/",
            {"title": "x", "starts_at": "2026-12-05T19:30:00+07:00", "place": "y", "group_ids": [group_a2.pk]},
            format="json",
        ).status_code
        == 400
    )
    assert api.get(f"/api/meetings/{pk}/attendance/").json() == [
        {"id": lan.pk, "name": "Nguyễn Thị Lan", "group": "Tổ dân phố 1", "how": ""}
    ]
    assert api.post(f"/api/meetings/{pk}/attendance/", {"member_ids": [lan.pk]}, format="json").json() == {
        "added": 1,
        "removed": 0,
    }
    token = services.qr_token(Meeting.objects.get(pk=pk), lan)
    assert api.post(f"/api/meetings/{pk}/scan/", {"token": token}, format="json").json() == {
        "name": "Nguyễn Thị Lan",
        "new": False,
    }
    assert api.post(f"/api/meetings/{pk}/scan/", {"token": "made-up"}, format="json").status_code == 400
    detail = api.get(f"/api/meetings/{pk}/").json()
    assert detail["attendance"] == [
        {"group_id": group_a1.pk, "name": "Tổ dân phố 1", "invited": 1, "attended": 1, "percent": 100.0}
    ]
    assert api_for(dave).get(f"/api/meetings/{pk}/").status_code == 404


def test_saving_attendance_after_a_search_changes_only_the_people_shown(client_for, meeting, group_a1, carol):
    # Names no phone number can contain (a search finds people by name or phone).
    people = [member_in(group_a1, full_name=f"Người {n:02d}x") for n in range(30)]
    client = client_for(carol)
    everyone = [p.pk for p in people]
    client.post(f"/meetings/{meeting.pk}/attendance/", {"member": everyone, "shown": everyone, "listed": "1"})
    assert Attendance.objects.filter(meeting=meeting).count() == 30

    # A search shows one person; the leader unticks nobody, only saves: the other 29 stay present.
    searched = client.get(f"/meetings/{meeting.pk}/attendance/", {"q": "Người 07x"}).content.decode()
    assert searched.count('name="shown"') == 1
    shown = {"shown": [people[7].pk], "listed": "1"}
    client.post(f"/meetings/{meeting.pk}/attendance/", {"member": [people[7].pk], **shown})
    assert Attendance.objects.filter(meeting=meeting).count() == 30
    # Unticking the one shown unmarks that one only.
    client.post(f"/meetings/{meeting.pk}/attendance/", shown)
    assert Attendance.objects.filter(meeting=meeting).count() == 29
