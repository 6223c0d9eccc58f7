"""A ward admin sets up reports in the portal: units and who is in them, canned replies, the ward's days off."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import CannedReply, Holiday, Unit
from portal.models import AuditEvent
from tests.feedback.conftest import TIP, submitted

pytestmark = pytest.mark.django_db


def _deadlines(ward):
    start = timezone.make_aware(datetime(2027, 3, 1, 9, 0))  # a Monday morning
    accept, resolve = services.deadlines(ward_id=ward.pk, start=start, priority="normal")
    return timezone.localtime(accept).date(), timezone.localtime(resolve).date()


def test_a_day_off_added_by_the_ward_moves_the_next_deadlines(ward_a, alice, client_for):
    assert _deadlines(ward_a) == (date(2027, 3, 2), date(2027, 3, 8))

    response = client_for(alice).post(
        "/reports/setup/holidays/", {"date": "2027-03-02", "name": "Lễ hội đình làng"}, follow=True
    )

    assert "Đã thêm ngày nghỉ" in response.content.decode()
    # The accepting deadline skips Tuesday; five working days now end on Tuesday the 9th.
    assert _deadlines(ward_a) == (date(2027, 3, 3), date(2027, 3, 9))
    assert AuditEvent.objects.filter(actor=alice, action="create", object_type="feedback.holiday").exists()

    day = Holiday.objects.get(ward=ward_a)
    client_for(alice).post(f"/reports/setup/holidays/{day.pk}/delete/")
    assert _deadlines(ward_a) == (date(2027, 3, 2), date(2027, 3, 8))


def test_a_national_holiday_cannot_be_added_twice_or_removed(ward_a, alice, client_for):
    next_year = timezone.localdate().year + 1
    client = client_for(alice)
    assert f"02/09/{next_year}" in client.get("/reports/setup/").content.decode()  # listed, with no remove button
    response = client.post(
        "/reports/setup/holidays/", {"date": f"{next_year}-09-02", "name": "Quốc khánh"}, follow=True
    )

    assert "đã là ngày lễ quốc gia" in response.content.decode()
    assert not Holiday.objects.filter(ward=ward_a).exists()
    # A substitute day an admin entered for the whole country is listed with the others, and no ward removes it.
    substitute = Holiday.objects.create(ward=None, date=date(next_year, 6, 1), name="Nghỉ bù")
    assert f"01/06/{next_year}" in client.get("/reports/setup/").content.decode()
    assert client.post(f"/reports/setup/holidays/{substitute.pk}/delete/").status_code == 404
    assert Holiday.objects.filter(pk=substitute.pk).exists()


def test_a_new_tip_unit_lets_its_members_see_who_sent_a_tip(ward_a, alice, bob, client_for):
    tip = submitted(ward_a, **TIP)
    client = client_for(bob)
    before = client.get(f"/reports/{tip.pk}/", {"reveal": "1"})
    assert before.status_code == 200 and TIP["name"] not in before.content.decode()

    response = client_for(alice).post(
        "/reports/setup/units/new/",
        {"name": "Công an khu vực 2", "kind": "police", "members": [bob.pk], "handles_tips": "on"},
    )
    assert response.status_code == 302

    client.force_login(bob)
    assert TIP["name"] in client.get(f"/reports/{tip.pk}/", {"reveal": "1"}).content.decode()
    unit = Unit.objects.get(name="Công an khu vực 2")
    audit = AuditEvent.objects.get(action="create", object_type="feedback.unit", object_id=str(unit.pk))
    assert audit.actor == alice and audit.changes["members"] == [[], [bob.pk]]


def test_staff_of_another_ward_cannot_be_put_in_a_unit(ward_a, alice, dave, client_for):
    response = client_for(alice).post(
        "/reports/setup/units/new/", {"name": "Tổ môi trường", "kind": "environment", "members": [dave.pk]}
    )

    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()  # beside the members: not one of the choices
    assert not Unit.objects.exists()
    with pytest.raises(Exception, match="cán bộ của phường"):
        services.unit_save(ward=ward_a, by=alice, name="Tổ môi trường", kind="environment", members=[dave])


def test_a_unit_with_open_reports_is_not_removed(ward_a, alice, bob, police, client_for):
    report = submitted(ward_a)
    services.report_assign(report=report, by=bob, unit=police)

    response = client_for(alice).post(f"/reports/setup/units/{police.pk}/delete/", follow=True)

    assert "vẫn còn 1 phản ánh đang mở" in response.content.decode()
    assert Unit.objects.filter(pk=police.pk).exists()


def test_canned_replies_written_here_are_offered_on_a_report_of_their_category(ward_a, alice, bob, client_for):
    client_for(alice).post(
        "/reports/setup/replies/new/",
        {"category": "environment", "title": "Đã báo đội thu gom", "text": "Phường đã báo đội thu gom rác."},
    )
    garbage = submitted(ward_a)
    lamp = submitted(ward_a, category="utilities", description="Đèn đường hỏng ở ngõ 4")

    client = client_for(bob)
    assert "Đã báo đội thu gom" in client.get(f"/reports/{garbage.pk}/").content.decode()
    assert "Đã báo đội thu gom" not in client.get(f"/reports/{lamp.pk}/").content.decode()

    reply = CannedReply.objects.get(ward=ward_a)
    client_for(alice).post(f"/reports/setup/replies/{reply.pk}/delete/")
    assert not CannedReply.objects.exists()


def test_only_a_ward_admin_changes_the_settings(ward_a, bob, dave, police, client_for):
    client = client_for(bob)
    assert client.get("/reports/setup/").status_code == 403
    assert client.post("/reports/setup/holidays/", {"date": "2027-03-02", "name": "Nghỉ"}).status_code == 403
    # An admin of another ward does not even find this ward's unit.
    assert client_for(dave).post(f"/reports/setup/units/{police.pk}/delete/").status_code == 404
    assert not Holiday.objects.filter(ward=ward_a).exists() and Unit.objects.filter(pk=police.pk).exists()
