"""axe-core finds no critical or serious violation on the pages of the journeys, on a phone and a desktop, in
normal and high contrast, at the largest text size; and nothing scrolls sideways at 390 px."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from announcements import services as announcement_services
from campaigns import services as campaign_services
from groups.models import Membership
from tests.announcements.conftest import announcement_data
from tests.factories import PASSWORD, MemberFactory, MembershipFactory
from tests.feedback.conftest import submitted

pytestmark = pytest.mark.e2e

# Screenshots a person looks at (not compared by any test): var/ is not in git.
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# WCAG 2.0–2.2 A and AA, axe's best practices, and its experimental rules (label-content-name-mismatch is one).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice", "experimental"]


def test_the_journeys_pages_have_no_serious_accessibility_violation(browser, live_server, bob, group_a1, fund):
    ward = group_a1.ward
    meeting = campaign_services.meeting_create(
        data=campaign_services.MeetingData(
            title="Họp tổ", starts_at=timezone.now(), place="Nhà văn hóa", group_ids=[group_a1.pk]
        ),
        by=bob,
    )
    report = submitted(ward, group_id=group_a1.pk)
    draft = announcement_services.announcement_save(user=bob, data=announcement_data(group_ids=[group_a1.pk]))
    waiting = MembershipFactory(member=MemberFactory(ward=ward), group=group_a1, status=Membership.Status.PENDING)
    public = [
        "/",
        f"/p/{ward.code}/",
        f"/p/{ward.code}/report/",
        f"/report/status/?code={report.tracking_code}",
        f"/join/{group_a1.invite_token}/",
        "/accounts/password/reset/",
        f"/p/{ward.code}/campaigns/{fund.pk}/",
    ]
    staff = [
        "/today/",
        "/reports/",
        f"/reports/{report.pk}/",
        "/groups/",
        f"/groups/{group_a1.pk}/",
        f"/groups/{group_a1.pk}/import/",
        "/announcements/",
        "/announcements/new/",
        f"/announcements/{draft.pk}/",
        f"/announcements/{draft.pk}/confirm/cancel/",
        "/campaigns/",
        f"/campaigns/{fund.pk}/",
        f"/campaigns/{fund.pk}/record/",
        "/meetings/",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}/attendance/",
        "/account/tokens/",
        f"/reports/{report.pk}/messages/resend/",
        f"/campaigns/{fund.pk}/about/",
        "/announcements/messages/",
        f"/groups/memberships/{waiting.pk}/reject/confirm/",
    ]
    axe = Axe()
    problems = []
    for width, contrast in ((390, "normal"), (390, "high"), (1280, "normal"), (1280, "high")):
        context = browser.new_context(viewport={"width": width, "height": 844}, base_url=live_server.url)
        context.add_init_script(
            f"localStorage.setItem('contrast', '{contrast}'); localStorage.setItem('textSize', 'xlarge');"
        )
        page = context.new_page()
        for path in public + ["/accounts/login/"]:
            page.goto(path)
            problems += _serious(axe, page, width, contrast, path)
        page.get_by_label("Email").fill(bob.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        for path in staff:
            page.goto(path)
            problems += _serious(axe, page, width, contrast, path)
            if width == 390:
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > 390:
                    problems.append(f"{path} at 390 px scrolls sideways ({scroll} px)")
        assert page.locator("[data-action=contrast]").get_attribute("aria-pressed") == (
            "true" if contrast == "high" else "false"
        )
        context.close()

    assert not problems, "\n".join(problems)


def serious_on(page, where: str = "") -> list[str]:
    """What axe finds critical or serious on the page as it is now, each said with `where`."""
    return [f"{where}{problem}" for problem in _serious(Axe(), page, 390, "normal", page.url)]


def _serious(axe: Axe, page, width: int, contrast: str, path: str) -> list[str]:
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [
        f"{path} at {width} px, {contrast} contrast: {v['id']} ({v['impact']}) on {len(v['nodes'])} element(s)"
        for v in result.response["violations"]
        if v["impact"] in {"critical", "serious"}
    ]


def test_a_group_leaders_first_page_has_no_serious_accessibility_violation(browser, live_server, carol, group_a1, fund):
    campaign_services.meeting_create(
        data=campaign_services.MeetingData(
            title="Họp tổ", starts_at=timezone.now(), place="Nhà văn hóa", group_ids=[group_a1.pk]
        ),
        by=carol,
    )
    axe = Axe()
    problems = []
    for contrast in ("normal", "high"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url)
        context.add_init_script(
            f"localStorage.setItem('contrast', '{contrast}'); localStorage.setItem('textSize', 'xlarge');"
        )
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(carol.email)
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/today/")
        problems += _serious(axe, page, 390, contrast, "/today/ (leader)")
        if page.evaluate("document.documentElement.scrollWidth") > 390:
            problems.append("the leader's first page scrolls sideways at 390 px")
        if contrast == "normal":
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "leader-first-page.png"), full_page=True)
        context.close()
    assert not problems, "\n".join(problems)
