"""A tip (tố giác) is confidential: who sent it is seen only by the designated officers, and each look is logged."""

import pytest

from portal.models import AuditEvent
from tests.factories import staff_user
from tests.feedback.conftest import TIP, submitted

pytestmark = pytest.mark.django_db


def test_ward_staff_without_the_tip_role_see_the_tip_but_not_its_reporter(ward_a, bob, police, client_for):
    tip = submitted(ward_a, **TIP)

    page = client_for(bob).get(f"/reports/{tip.pk}/").content.decode()
    revealed = client_for(bob).get(f"/reports/{tip.pk}/", {"reveal": "1"}).content.decode()

    assert "ma túy" in page
    for secret in ("Trần Văn Tố", "0977", "+84977111222"):
        assert secret not in page and secret not in revealed
    assert not AuditEvent.objects.filter(action="view", object_id=str(tip.pk)).exists()


def test_the_officer_sees_the_reporter_only_on_asking_and_the_look_is_logged(ward_a, police, ward_officer, client_for):
    tip = submitted(ward_a, **TIP)
    client = client_for(ward_officer)

    before = client.get(f"/reports/{tip.pk}/").content.decode()
    after = client.get(f"/reports/{tip.pk}/", {"reveal": "1"}).content.decode()

    assert "Trần Văn Tố" not in before and "Trần Văn Tố" in after
    assert AuditEvent.objects.filter(action="view", object_id=str(tip.pk), actor=ward_officer).count() == 1


def test_searching_by_the_reporter_s_phone_or_name_never_finds_a_tip(ward_a, bob, police, ward_officer, client_for):
    tip = submitted(ward_a, **TIP)

    for user in (bob, ward_officer):
        for query in ("0977111222", "Tran Van To"):
            assert tip.tracking_code not in client_for(user).get("/reports/", {"q": query}).content.decode()


def test_a_group_leader_does_not_see_tips_of_their_group(ward_a, group_a1, carol, client_for):
    tip = submitted(ward_a, group_id=group_a1.pk, **TIP)
    ordinary = submitted(ward_a, group_id=group_a1.pk)

    queue = client_for(carol).get("/reports/").content.decode()

    assert ordinary.tracking_code in queue and tip.tracking_code not in queue
    assert client_for(carol).get(f"/reports/{tip.pk}/").status_code == 404


def test_a_tip_is_never_public(ward_a, client):
    tip = submitted(ward_a, public=True, **TIP)

    assert not tip.is_public
    page = client.get("/report/status/", {"code": tip.tracking_code, "digits": "0000"}).content.decode()
    assert "ma túy" not in page


def test_nobody_of_another_ward_sees_a_report(ward_a, dave, client_for):
    report = submitted(ward_a)

    assert client_for(dave).get(f"/reports/{report.pk}/").status_code == 404
    assert report.tracking_code not in client_for(dave).get("/reports/").content.decode()
    assert client_for(dave).post(f"/reports/{report.pk}/status/", {"to": "triaged"}).status_code == 404


def test_a_staff_member_of_the_ward_with_no_unit_cannot_reveal(ward_a, police):
    from feedback.selectors import can_see_reporter

    tip = submitted(ward_a, **TIP)
    clerk = staff_user("clerk@an-binh.vn", ward=ward_a, role="ward_admin")

    assert can_see_reporter(user=clerk, report=tip) is False
