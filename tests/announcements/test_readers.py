"""What residents see: the public feed, the Atom feed, and the signed link to confirm, RSVP or answer a poll."""

import re

import pytest

from announcements import rendering
from announcements.models import Delivery, Response
from tests.announcements.conftest import drain, scheduled, sent_out
from tests.factories import member_in

pytestmark = pytest.mark.django_db


def _reader_link(sms_gateway, phone: str) -> str:
    text = next(content for number, content in sms_gateway.contents if number == phone)
    return re.search(r"http://[^ ]+/r/[^ ]+/", text).group(0).split("8000", 1)[1]


def test_a_resident_confirms_from_the_link_in_their_sms(alice, bob, group_a1, sms_gateway, client, client_for):
    member_in(group_a1, phone="+84912000001")
    member_in(group_a1, phone="+84912000002")
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], action="confirm")
    drain(announcement)
    link = _reader_link(sms_gateway, "0912000001")

    page = client.get(link).content.decode()
    assert "Thông báo thu gom rác" in page and "Đã nắm thông tin" in page
    client.post(link, {"value": "yes"})
    client.post(link, {"value": "yes"})  # a double tap counts once

    assert Response.objects.filter(kind="confirm").count() == 1
    assert Delivery.objects.get(member__phone="+84912000001").status == "delivered"
    stats_page = client_for(bob).get(f"/announcements/{announcement.pk}/stats/").content.decode()
    assert re.search(r'data-stat="confirmations">1<', stats_page)


def test_a_tampered_link_opens_nothing(alice, bob, group_a1, sms_gateway, client):
    member_in(group_a1)
    announcement = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], action="confirm")
    drain(announcement)
    delivery = Delivery.objects.get()
    genuine = rendering.reader_code(delivery.pk)
    forged = genuine[:-1] + ("1" if genuine[-1] != "1" else "2")
    neighbour = f"{delivery.pk + 1:x}-" + genuine.split("-")[1]

    assert client.get(f"/r/{forged}/").status_code == 404
    assert client.get(f"/r/{neighbour}/").status_code == 404
    assert client.post(f"/r/{forged}/", {"value": "yes"}).status_code == 404
    assert not Response.objects.exists()


def test_rsvp_and_poll_answers_are_counted_and_can_be_changed(alice, bob, group_a1, sms_gateway, client, client_for):
    member_in(group_a1, phone="+84912000001")
    member_in(group_a1, phone="+84912000002")
    poll = sent_out(
        author=bob,
        approver=alice,
        group_ids=[group_a1.pk],
        action="poll",
        poll_question="Bà con có hài lòng với việc thu gom rác?",
        poll_options=["Hài lòng", "Chưa hài lòng"],
    )
    drain(poll)

    first, second = _reader_link(sms_gateway, "0912000001"), _reader_link(sms_gateway, "0912000002")
    client.post(first, {"value": "Hài lòng"})
    client.post(first, {"value": "Chưa hài lòng"})  # changed their mind
    client.post(second, {"value": "Chưa hài lòng"})
    refused = client.post(second, {"value": "<script>"}, follow=True)

    assert "Vui lòng chọn một trong các câu trả lời" in refused.content.decode()
    stats = client_for(bob).get(f"/api/announcements/{poll.pk}/stats/").json()
    assert stats["poll"] == {"Hài lòng": 0, "Chưa hài lòng": 2}
    ward_view = client_for(bob).get(f"/announcements/{poll.pk}/").content.decode()
    assert "Chưa hài lòng: <strong>2</strong>" in ward_view and "Hài lòng: <strong>0</strong>" in ward_view


def test_the_public_feed_and_its_atom_list_sent_web_announcements_only(alice, bob, group_a1, group_a2, client):
    sent = sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["web_feed"], title="Lịch cắt điện")
    drain(sent)
    scheduled(author=bob, approver=alice, group_ids=[group_a1.pk], channels=["web_feed"], title="Chưa gửi")
    member_in(group_a1)  # someone for the SMS to go to
    sent_out(author=bob, approver=alice, group_ids=[group_a1.pk], title="Chỉ gửi SMS", channels=["sms"])
    ward = group_a1.ward

    feed = client.get(f"/p/{ward.code}/").content.decode()
    group_feed = client.get(f"/p/{ward.code}/g/{group_a1.pk}/").content.decode()
    other_group = client.get(f"/p/{ward.code}/g/{group_a2.pk}/").content.decode()
    atom = client.get(f"/p/{ward.code}/feed.atom")

    assert "Lịch cắt điện" in feed and "Chưa gửi" not in feed and "Chỉ gửi SMS" not in feed
    assert "Lịch cắt điện" in group_feed and "Lịch cắt điện" not in other_group
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "<title>Lịch cắt điện</title>" in atom.content.decode()


def test_an_announcement_sent_only_to_some_people_opens_only_from_its_own_link(
    alice, bob, group_a1, sms_gateway, client
):
    member_in(group_a1)
    leaders_only = sent_out(
        author=bob, approver=alice, group_ids=[group_a1.pk], channels=["sms"], title="Họp riêng tổ trưởng"
    )
    drain(leaders_only)
    link = re.search(r"http://[^ ]+/a/\d+/\?k=\w+", sms_gateway.contents[0][1]).group(0).split("8000", 1)[1]

    assert client.get(f"/a/{leaders_only.pk}/").status_code == 404
    assert client.get(f"/a/{leaders_only.pk}/?k=0000000000").status_code == 404
    assert "Họp riêng tổ trưởng" in client.get(link).content.decode()


def test_the_results_list_each_person_folded_and_paginated_with_their_answer(
    alice, bob, carol, group_a1, group_a2, client, client_for, sms_gateway
):
    for _ in range(52):
        member_in(group_a1, consent_sms=True)
    outsider = member_in(group_a2, consent_sms=True)
    announcement = sent_out(
        author=bob, approver=alice, group_ids=[group_a1.pk, group_a2.pk], action="confirm", channels=["sms"]
    )
    drain(announcement)
    first = Delivery.objects.filter(announcement=announcement).order_by("id").first()
    client.post(f"/r/{rendering.reader_code(first.pk)}/", {"value": "yes"})

    page_one = client_for(alice).get(f"/announcements/{announcement.pk}/").content.decode()
    page_two = client_for(alice).get(f"/announcements/{announcement.pk}/?people=2").content.decode()
    leader = client_for(carol).get(f"/announcements/{announcement.pk}/?people_status=sent").content.decode()

    assert "<details" in page_one and 'id="people" data-people>' in page_one  # folded until asked
    assert page_one.count("data-recipient=") == 50 and page_two.count("data-recipient=") == 3
    assert "Đã xác nhận “Đã nắm thông tin”" in page_one and 'id="people" data-people open' in page_two
    # A group leader sees only the people of their own group, even on a notice to two groups.
    assert leader.count("data-recipient=") == 50 and f'data-recipient="{outsider.pk}"' not in leader


def test_a_meeting_invitation_adds_the_meeting_to_the_residents_calendar_with_a_reminder(
    alice, bob, group_a1, sms_gateway, client
):
    from datetime import timedelta

    from django.utils import timezone
    from icalendar import Calendar

    member_in(group_a1, phone="+84912000001")
    at = (timezone.now() + timedelta(days=3)).replace(hour=12, minute=30, second=0, microsecond=0)  # 19:30 in Hà Nội
    invitation = sent_out(
        author=bob,
        approver=alice,
        group_ids=[group_a1.pk],
        action="rsvp",
        meeting_at=at,
        meeting_place="Nhà văn hóa tổ 1",
    )
    drain(invitation)
    page = client.get(_reader_link(sms_gateway, "0912000001")).content.decode()
    link = re.search(r'href="([^"]+)" data-calendar', page).group(1).replace("&amp;", "&")

    answer = client.get(link)
    assert answer["Content-Type"].startswith("text/calendar")
    event = next(c for c in Calendar.from_ical(answer.content).walk("VEVENT"))
    assert event.decoded("dtstart") == at and str(event.decoded("dtstart").tzinfo) == "Asia/Ho_Chi_Minh"
    assert event.decoded("dtstart").hour == 19 and str(event["location"]) == "Nhà văn hóa tổ 1"
    assert any(c.name == "VTIMEZONE" for c in Calendar.from_ical(answer.content).walk())
    (alarm,) = event.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(hours=2)
    # Without the key of an invitation not on the public feed, nothing: the .ics says no more than it would.
    assert "?k=" in link
    assert client.get(link.split("?")[0]).status_code == 404
    assert client.get(f"/a/{invitation.pk}/calendar.ics?k=forged").status_code == 404
