"""An announcement past the retention period, read on a 390-px phone: its figures are still there, the list of who
it went to is gone, and the page says why in words an officer understands."""

from pathlib import Path

import pytest

from announcements import services
from tests.announcements.test_retention import LONG_AGO, _figures, _moved_to, _sent
from tests.e2e.test_accessibility import serious_on
from tests.e2e.test_staff_on_phone import _log_in
from tests.factories import member_in

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_an_officer_reads_an_old_announcement_whose_recipients_were_removed(
    phone_page, alice, bob, group_a1, sms_gateway, settings
):
    settings.DELIVERY_RETENTION_MONTHS = 12
    people = [member_in(group_a1, phone=f"+8491200020{n}") for n in range(3)]
    old = _sent(alice, bob, group_a1)
    _moved_to(old, LONG_AGO)
    before = _figures(old)
    services.deliveries_keep()
    assert _figures(old) == before

    page = phone_page
    _log_in(page, alice.email)
    page.goto(f"/announcements/{old.pk}/")

    note = page.locator("[data-removed]")
    assert "để bảo vệ thông tin cá nhân" in note.inner_text()
    assert "3" in page.locator("section.card").first.inner_text()  # the three messages sent are still counted
    assert all(person.phone[3:] not in page.content() for person in people)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "announcement-removed-phone.png"), full_page=True)
    problems = serious_on(page)
    assert not problems, problems
